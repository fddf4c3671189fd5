-- test_lifetime.lua — garbage collection, <close>, close(), invalidation: C objects are
-- released safely, including sessions collected while their tasks run.
local function wait_live_sessions(T, at_most, seconds)
    local deadline = os.time() + seconds
    repeat
        collectgarbage()
        collectgarbage()
        local sessions = T.us.live_objects()
        if sessions <= at_most then return sessions end
        os.execute("sleep 0.05")
    until os.time() > deadline
    return (T.us.live_objects())
end

-- Starts @count slow tasks on a new session and drops every reference to them.
local function abandon_session_with_tasks(T, count, with_callbacks)
    local s = T.session()
    local received = 0
    for i = 1, count do
        local options = nil
        if with_callbacks then
            options = {
                on_data = function(chunk) received = received + #chunk end,
                on_complete = function() end,
            }
        end
        local t = s:data_task(T.url("/slow/10m.bin?rate=256k", i % 2 == 0 and "https" or nil),
            options)
        t:resume()
    end
    s:step(0.2) -- let some callbacks run, and more pile up undelivered
end

return {
    { "a session collected while its tasks run is torn down (no crash, no leak)",
        function(T)
        local before = wait_live_sessions(T, 0, 5)
        abandon_session_with_tasks(T, 8, true)
        T.eq(T.us.live_objects(), before + 1, "the session is alive before collection")
        local after = wait_live_sessions(T, before, 15)
        T.eq(after, before, "the C session is freed after collection")
        local body = T.ok(T.session():data(T.url("/files/small.txt")))
        T.eq(body, "hello world\n", "the process still works")
    end },

    { "many sessions collected mid-transfer, with and without callbacks", function(T)
        local before = wait_live_sessions(T, 0, 5)
        for round = 1, 20 do
            abandon_session_with_tasks(T, 5, round % 2 == 0)
            if round % 5 == 0 then collectgarbage() end
        end
        T.eq(wait_live_sessions(T, before, 20), before, "every session freed")
        local _, tasks = T.us.live_objects()
        T.eq(tasks, 0, "every task record freed")
        T.ok(T.session():data(T.url("/files/small.txt")))
    end },

    { "a session collected with callbacks queued but never dispatched", function(T)
        local before = wait_live_sessions(T, 0, 5)
        do
            local s = T.session()
            for _ = 1, 4 do
                s:data_task(T.url("/files/1m.bin"), { on_data = function() end }):resume()
            end
            os.execute("sleep 0.5") -- responses and data wait in the queue
        end
        T.eq(wait_live_sessions(T, before, 15), before, "freed")
    end },

    { "a task object keeps its session alive", function(T)
        local t
        do
            local s = T.session()
            t = s:data_task(T.url("/slow/1m.bin?rate=1m"))
            t:resume()
        end
        collectgarbage()
        collectgarbage()
        T.check(t:wait(30), "completed")
        local body = T.ok(t:result())
        T.eq(#body, 1048576, "whole body")
    end },

    { "<close> cancels the session's tasks; objects stay safe to use", function(T)
        local t, session_ref
        local cancelled_callback = false
        do
            local s <close> = T.session()
            session_ref = s
            t = s:data_task(T.url("/slow/10m.bin?rate=128k"), {
                on_complete = function() cancelled_callback = true end,
            })
            t:resume()
            s:step(0.2)
        end
        T.check(session_ref:is_closed(), "closed")
        T.check(not pcall(session_ref.data, session_ref, T.url("/")), "methods raise")
        T.check(t:wait(15), "the task completed")
        T.eq(t:state(), "completed", "state")
        local ok, err = t:result()
        T.eq(ok, nil, "failed")
        T.eq(err.code, -999, "cancelled")
        T.eq(cancelled_callback, false, "no Lua callback after close")
        session_ref:close() -- again: nothing happens
    end },

    { "closing a session inside its own callback", function(T)
        local s = T.session()
        local t = s:data_task(T.url("/files/1m.bin"), {
            on_data = function() s:close() end,
        })
        local other = s:data_task(T.url("/slow/10m.bin?rate=128k"))
        t:resume()
        other:resume()
        T.check(s:run(30) ~= nil, "run returned")
        T.check(s:is_closed(), "closed")
        T.check(other:wait(15), "other task completed")
        T.eq(select(2, other:result()).code, -999, "cancelled")
    end },

    { "invalidate: running tasks finish, new ones are refused", function(T)
        local s = T.session()
        local t = s:data_task(T.url("/files/1m.bin"))
        t:resume()
        s:invalidate()
        T.check(not pcall(s.data_task, s, T.url("/files/small.txt")), "new task refused")
        T.check(s:run(30), "run until invalid")
        local body = T.ok(t:result())
        T.eq(#body, 1048576, "the running task finished")
        s:close()
    end },

    { "cancel_all cancels running tasks; the session stays usable", function(T)
        local s = T.session()
        local tasks = {}
        for i = 1, 5 do
            tasks[i] = s:data_task(T.url("/slow/10m.bin?rate=128k"))
            tasks[i]:resume()
        end
        s:step(0.1)
        T.eq(s:cancel_all(), 5, "five cancelled")
        T.check(s:run(30), "run")
        for _, t in ipairs(tasks) do T.eq(t:error().code, -999, "cancelled") end
        T.eq(s:data(T.url("/files/small.txt")), "hello world\n", "still usable")
    end },
}
