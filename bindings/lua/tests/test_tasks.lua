-- test_tasks.lua — data tasks with callbacks: order, control, state, progress, many at
-- once, driving the queue with s:step() and s:fd(), and errors raised by callbacks.
return {
    { "callbacks come in order: on_response, on_data..., on_complete", function(T)
        local s = T.session()
        local events, chunks = {}, {}
        local t = s:data_task(T.url("/files/1m.bin"), {
            on_response = function(r)
                events[#events + 1] = "response"
                T.eq(r.status, 200, "status in on_response")
            end,
            on_data = function(chunk)
                if events[#events] ~= "data" then events[#events + 1] = "data" end
                chunks[#chunks + 1] = chunk
            end,
            on_complete = function(err, r, body)
                events[#events + 1] = "complete"
                T.eq(err, nil, "no error")
                T.eq(r.status, 200, "status in on_complete")
                T.eq(body, nil, "no collected body with on_data")
            end,
        })
        T.check(type(t.id) == "number" and t.id >= 1, "t.id")
        T.eq(t.kind, "data", "kind")
        t:resume()
        T.check(s:run(60), "run")
        T.eq(table.concat(events, ","), "response,data,complete", "order")
        local body = table.concat(chunks)
        T.eq(T.sha256_string(body), T.sha256_file(T.env.URL_TEST_WWW .. "/1m.bin"), "sha256")
        local fraction, received, expected = t:progress()
        T.eq(fraction, 1.0, "progress done")
        T.eq(received, 1048576, "bytes received")
        T.eq(expected, 1048576, "bytes expected")
        T.eq(s:tasks(), 0, "no task left")
    end },

    { "without on_data the body reaches on_complete and t:result()", function(T)
        local s = T.session()
        local seen
        local t = s:data_task(T.url("/files/small.txt"), {
            on_complete = function(err, r, body) seen = body end,
        })
        t:resume()
        T.check(t:wait(30), "wait")
        T.eq(seen, "hello world\n", "body in on_complete")
        local body, r = t:result()
        T.eq(body, "hello world\n", "result body")
        T.eq(r.status, 200, "result response")
        T.eq(t:response().status, 200, "t:response()")
        T.eq(t:error(), nil, "t:error()")
    end },

    { "cancel completes once with CANCELLED (-999)", function(T)
        local s = T.session()
        local completions, code = 0, nil
        local t = s:data_task(T.url("/slow/10m.bin?rate=128k"), {
            on_data = function() end,
            on_complete = function(err) completions = completions + 1; code = err and err.code end,
        })
        t:resume()
        s:step(1)
        t:cancel()
        t:cancel()
        T.check(t:wait(30), "wait")
        T.eq(completions, 1, "one completion")
        T.eq(code, -999, "cancelled")
        T.eq(t:error().name, "URL_ERROR_CANCELLED", "name")
        T.eq(t:state(), "completed", "state")
    end },

    { "cancelling a task never resumed completes it", function(T)
        local s = T.session()
        local t = s:data_task(T.url("/files/small.txt"))
        t:cancel()
        T.check(t:wait(10), "wait")
        local ok, err = t:result()
        T.eq(ok, nil, "failed")
        T.eq(err.code, -999, "cancelled")
    end },

    { "suspend stops the transfer, resume finishes it", function(T)
        local s = T.session()
        local t = s:data_task(T.url("/slow/1m.bin?rate=512k"), { on_data = function() end })
        t:resume()
        s:step(1)
        t:suspend()
        T.eq(t:state(), "suspended", "suspended")
        T.check(s:run(5), "run returns with only a suspended task")
        local _, before = t:progress()
        os.execute("sleep 1.2")
        s:step(0)
        local _, after = t:progress()
        T.check(after - before < 300000, "little moved while suspended: " .. (after - before))
        t:resume()
        T.eq(t:state(), "running", "running")
        T.check(t:wait(30), "finished")
        T.eq(t:error(), nil, "no error")
        local _, received = t:progress()
        T.eq(received, 1048576, "all bytes")
    end },

    { "on_response returning false cancels the task", function(T)
        local s = T.session()
        local data_calls = 0
        local t = s:data_task(T.url("/files/1m.bin"), {
            on_response = function() return false end,
            on_data = function() data_calls = data_calls + 1 end,
        })
        t:resume()
        T.check(t:wait(30), "wait")
        T.eq(t:error().code, -999, "cancelled")
        T.eq(data_calls, 0, "no data")
    end },

    { "a Lua error in a callback fails that task only", function(T)
        local s = T.session()
        local completed_with
        local bad = s:data_task(T.url("/files/1m.bin"), {
            on_data = function() error("boom in on_data") end,
            on_complete = function(err) completed_with = err end,
        })
        local good = s:data_task(T.url("/files/small.txt"))
        bad:resume()
        good:resume()
        T.check(s:run(60), "run")
        T.check(completed_with, "on_complete still called")
        T.eq(completed_with.callback, "on_data", "which callback")
        T.check(completed_with.message:find("boom in on_data", 1, true), "message")
        local ok, err = bad:result()
        T.eq(ok, nil, "bad failed")
        T.check(err.message:find("boom", 1, true), "result message")
        T.eq(err.code, T.us.errors.UNKNOWN, "callback failures are URL_ERROR_UNKNOWN")
        T.eq(good:result(), "hello world\n", "the other task is fine")
    end },

    { "an error in on_complete is recorded; non-string errors too", function(T)
        local s = T.session()
        local t = s:data_task(T.url("/files/small.txt"), {
            on_complete = function() error({ reason = "table error" }) end,
        })
        t:resume()
        T.check(t:wait(30), "wait")
        local ok, err = t:result()
        T.eq(ok, nil, "failed")
        T.eq(err.callback, "on_complete", "callback")
        T.eq(err.code, T.us.errors.UNKNOWN, "code")
        local t2 = s:data_task(T.url("/files/small.txt"), {
            on_response = function() error(setmetatable({}, { __tostring = function()
                return "custom" end })) end,
        })
        t2:resume()
        t2:wait(30)
        local _, err2 = t2:result()
        T.check(err2.message:find("custom", 1, true), "__tostring used: " .. err2.message)
    end },

    { "waiting on the session inside its own callback is refused", function(T)
        local s = T.session()
        local t = s:data_task(T.url("/files/small.txt"), {
            on_response = function() s:data(T.url("/files/small.txt")) end,
        })
        t:resume()
        t:wait(30)
        local ok, err = t:result()
        T.eq(ok, nil, "failed")
        T.check(err.message:find("inside one of its own callbacks", 1, true), err.message)
        -- another session may be used inside a callback
        local other = T.session()
        local inner
        local t2 = s:data_task(T.url("/files/small.txt"), {
            on_complete = function() inner = other:data(T.url("/files/small.txt")) end,
        })
        t2:resume()
        t2:wait(30)
        T.eq(inner, "hello world\n", "nested blocking call on another session")
    end },

    { "many tasks at once", function(T)
        local s = T.session { max_connections_per_host = 6 }
        local digest = T.sha256_file(T.env.URL_TEST_WWW .. "/1k.bin")
        local done, bad, first_error = 0, 0, "none"
        local tasks = {}
        for i = 1, 100 do
            local kind = ({ "http", "https", nil })[i % 3 + 1]
            tasks[i] = s:data_task(T.url("/files/1k.bin", kind), {
                on_complete = function(err, r, body)
                    done = done + 1
                    if err or #body ~= 1024 then
                        bad = bad + 1
                        if first_error == "none" then
                            first_error = err and (err.code .. " " .. err.message)
                                or ("a body of " .. #body .. " bytes")
                        end
                    end
                end,
            })
        end
        for _, t in ipairs(tasks) do t:resume() end
        T.check(s:run(120), "run")
        T.eq(done, 100, "completions")
        T.eq(bad, 0, "failures (the first: " .. first_error .. ")")
        T.eq(T.sha256_string(tasks[50]:result()), digest, "a body")
        local ids = {}
        for _, t in ipairs(tasks) do
            T.check(not ids[t.id], "unique id")
            ids[t.id] = true
        end
    end },

    { "s:step() with s:fd() drives tasks from an outside loop", function(T)
        local s = T.session()
        local fd = s:fd()
        T.check(math.type(fd) == "integer" and fd >= 0, "fd")
        local done = false
        local t = s:data_task(T.url("/files/small.txt"), {
            on_complete = function() done = true end,
        })
        t:resume()
        local steps = 0
        while not done and steps < 1000 do
            s:step(0.05)
            steps = steps + 1
        end
        T.check(done, "completed through step")
        T.eq(s:step(0), 0, "nothing pending")
    end },

    { "callbacks run in the coroutine that dispatches", function(T)
        local s = T.session()
        local inside
        local t = s:data_task(T.url("/files/small.txt"), {
            on_complete = function() inside = select(2, coroutine.running()) == false end,
        })
        t:resume()
        local co = coroutine.wrap(function() return t:wait(30) end)
        T.check(co(), "waited in a coroutine")
        T.eq(inside, true, "callback ran inside the coroutine")
    end },

    { "a task object with <close> is cancelled when its scope ends", function(T)
        local s = T.session()
        local keep
        do
            local t <close> = s:data_task(T.url("/slow/1m.bin?rate=64k"))
            t:resume()
            keep = t
        end
        T.check(keep:wait(30), "completed")
        T.eq(keep:error().code, -999, "cancelled")
    end },
}
