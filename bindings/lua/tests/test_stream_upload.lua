-- test_stream_upload.lua — upload bodies from a function or a file handle while they are
-- sent (stream = ...), replayed on 307/308 when they can be; and the scheduling hints.
local function chunks(count, size)
    local block = string.rep("0123456789abcdef", size // 16)
    local given = 0
    return function()
        if given == count then return nil end
        given = given + 1
        return block
    end, string.rep(block, count)
end

return {
    { "a function's chunks are sent whole (chunked) and stored (sha256)", function(T)
        local s = T.session()
        local source, whole = chunks(128, 65536) -- 8 MiB
        local _, r = T.ok(s:upload(T.url("/upload/lua-stream.bin"),
            { stream = source, method = "PUT" }))
        T.check(r.status == 201 or r.status == 204, "created, got " .. r.status)
        T.eq(T.sha256_file(T.env.URL_TEST_UPLOADS .. "/lua-stream.bin"), T.sha256_string(whole),
            "stored body")
    end },

    { "a file handle is read from its position, with its length", function(T)
        local s = T.session()
        local path = T.work .. "/stream-source.bin"
        local whole = string.rep("abcdefghijklmnop", 200000) -- 3.2 MB
        T.write_file(path, "skip" .. whole)
        local f = assert(io.open(path, "rb"))
        f:seek("set", 4)
        local body, r = T.ok(s:upload(T.url("/echo", "https"), { stream = f }))
        f:close()
        T.eq(r.headers["X-Content-Length"], tostring(#whole), "Content-Length from the file")
        T.eq(T.sha256_string(body), T.sha256_string(whole), "echo")
    end },

    { "length is sent as Content-Length", function(T)
        local s = T.session()
        local parts = { "abc", "defg" }
        local body, r = T.ok(s:upload(T.url("/echo"), {
            stream = function() return table.remove(parts, 1) end, length = 7 }))
        T.eq(body, "abcdefg", "echo")
        T.eq(r.headers["X-Content-Length"], "7", "Content-Length")
    end },

    { "307 and 308 replay a file handle from its start", function(T)
        local s = T.session()
        local path = T.work .. "/stream-redirect.bin"
        local whole = string.rep("redirect", 40000)
        T.write_file(path, whole)
        for _, code in ipairs { 307, 308 } do
            local f = assert(io.open(path, "rb"))
            local body, r = T.ok(s:upload(T.url("/redirect/" .. code .. "?to=/echo"),
                { stream = f }))
            f:close()
            T.eq(r.status, 200, code .. " status")
            T.eq(body, whole, code .. " body sent again")
        end
    end },

    { "a function cannot be replayed: REQUEST_BODY_STREAM_EXHAUSTED", function(T)
        local s = T.session()
        local source = chunks(8, 65536)
        local body, err = s:upload(T.url("/redirect/307?to=/echo"), { stream = source })
        T.eq(body, nil, "failed")
        T.eq(err.code, T.us.errors.REQUEST_BODY_STREAM_EXHAUSTED, "code")
    end },

    { "a failing source fails the task with its message", function(T)
        local s = T.session()
        local calls = 0
        local body, err = s:upload(T.url("/echo"), { stream = function()
            calls = calls + 1
            if calls > 2 then error("the source broke") end
            return string.rep("x", 1000)
        end })
        T.eq(body, nil, "failed")
        T.check(err.message:find("the source broke", 1, true), "message: " .. err.message)
        T.eq(err.callback, "stream", "err.callback")
        T.check(not pcall(s.upload, s, T.url("/echo"), { stream = 42 }), "wrong type raises")
        T.check(not pcall(s.upload, s, T.url("/echo"), { stream = io.stdin, data = "x" }),
            "one body only")
    end },

    { "a stream upload task with callbacks, driven by s:run()", function(T)
        local s = T.session()
        local source, whole = chunks(32, 65536)
        local got, last_total
        local t = s:upload_task(T.url("/echo"), {
            stream = source, expects_to_send = #whole,
            progress = function(sent, total) last_total = total end,
            on_complete = function(err, r, body) got = body end,
        })
        t:resume()
        T.eq(s:run(60), true, "run finished")
        T.eq(T.sha256_string(got), T.sha256_string(whole), "echo")
        T.eq(last_total, #whole, "progress total from expects_to_send")
    end },

    { "earliest_begin_date delays the start; hints are checked", function(T)
        local s = T.session()
        local start = T.now()
        local t = s:data_task(T.url("/files/small.txt"),
            { earliest_begin_date = os.time() + 2, priority = 0.9, expects_to_receive = 4321 })
        local _, _, expected = t:progress()
        T.eq(expected, 4321, "expects_to_receive is the expected total")
        t:resume()
        T.eq(t:wait(30), true, "completed")
        local body = T.ok(t:result())
        T.eq(body, "hello world\n", "body")
        -- os.time() has whole seconds: at least one full second passed.
        T.check(T.now() - start >= 1.0, "started after " .. (T.now() - start) .. " s")
        T.check(not pcall(s.data_task, s, T.url("/"), { priority = 2 }), "priority > 1")
        T.check(not pcall(s.data_task, s, T.url("/"), { expects_to_send = -3 }), "negative")
        T.check(not pcall(s.data_task, s, T.url("/"), { length = 3 }), "length without stream")
    end },
}
