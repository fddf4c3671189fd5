-- test_download.lua — s:download() and download tasks: files, progress, statuses.
local function target(T, name)
    local path = T.work .. "/downloads/" .. name
    os.execute("mkdir -p " .. T.quote(T.work .. "/downloads"))
    os.remove(path)
    return path
end

return {
    { "download saves the file (sha256) and returns the response", function(T)
        local s = T.session()
        for _, name in ipairs { "1m.bin", "10m.bin" } do
            local path = target(T, name)
            local r = T.ok(s:download(T.url("/files/" .. name), path))
            T.eq(r.status, 200, "status")
            T.eq(T.sha256_file(path), T.sha256_file(T.env.URL_TEST_WWW .. "/" .. name), name)
        end
    end },

    { "progress reports growing counts up to the size; file appears only at the end",
        function(T)
        local s = T.session()
        local path = target(T, "progress.bin")
        local calls, last, total_seen, early_file = 0, -1, nil, false
        local r = T.ok(s:download(T.url("/files/10m.bin", "https"), path, {
            progress = function(written, total)
                calls = calls + 1
                T.check(written >= last, "monotonic")
                last, total_seen = written, total
                if T.exists(path) then early_file = true end
            end,
        }))
        T.eq(r.status, 200, "status")
        T.check(calls >= 2, "several progress calls, got " .. calls)
        T.eq(last, 10485760, "last count")
        T.eq(total_seen, 10485760, "total")
        T.check(not early_file, "the file did not exist while downloading")
        T.eq(T.sha256_file(path), T.sha256_file(T.env.URL_TEST_WWW .. "/10m.bin"), "sha256")
    end },

    { "a 404 saves nothing unless keep_any_status", function(T)
        local s = T.session()
        local path = target(T, "missing.bin")
        local r = T.ok(s:download(T.url("/files/missing.bin"), path))
        T.eq(r.status, 404, "status")
        T.check(not T.exists(path), "no file for a 404")
        local t = s:download_task(T.url("/status/404"), { path = path, keep_any_status = true })
        t:resume()
        T.check(t:wait(30), "completed")
        local saved, r2 = t:result()
        T.eq(saved, path, "saved path")
        T.eq(r2.status, 404, "404")
        T.eq(T.read_file(path), "status 404\n", "error page saved")
    end },

    { "a download task with on_complete and s:run()", function(T)
        local s = T.session()
        local path = target(T, "task.bin")
        local got = {}
        local t = s:download_task(T.url("/files/1m.bin"), {
            path = path,
            on_complete = function(err, response, saved)
                got = { err = err, status = response and response.status, saved = saved }
            end,
        })
        T.eq(t.kind, "download", "kind")
        T.eq(t:state(), "suspended", "tasks start suspended")
        t:resume()
        T.check(s:run(60), "run finished")
        T.eq(got.err, nil, "no error")
        T.eq(got.status, 200, "status")
        T.eq(got.saved, path, "saved path")
        T.eq(t:state(), "completed", "state")
        T.eq(T.sha256_file(path), T.sha256_file(T.env.URL_TEST_WWW .. "/1m.bin"), "sha256")
    end },

    { "a cancelled download leaves no file", function(T)
        local s = T.session()
        local path = target(T, "cancelled.bin")
        local t = s:download_task(T.url("/slow/10m.bin?rate=512k"), {
            path = path,
            progress = function(written)
                if written > 100000 then error("stop here") end
            end,
        })
        t:resume()
        T.check(t:wait(60), "completed")
        local ok, err = t:result()
        T.eq(ok, nil, "failed")
        T.eq(err.callback, "progress", "the progress callback failed it")
        T.check(err.message:find("stop here", 1, true), "message: " .. err.message)
        T.check(not T.exists(path), "no file")
    end },

    { "on_response for downloads: called once before progress; false cancels", function(T)
        local s = T.session()
        local path = target(T, "on-response.bin")
        local events = {}
        local t = s:download_task(T.url("/files/1m.bin"), {
            path = path,
            on_response = function(r)
                events[#events + 1] = "response " .. r.status
            end,
            progress = function()
                if events[#events] ~= "progress" then events[#events + 1] = "progress" end
            end,
        })
        t:resume()
        T.check(t:wait(30), "completed")
        T.eq(table.concat(events, ","), "response 200,progress", "order")
        T.check(T.exists(path), "saved")

        local refused = target(T, "refused.bin")
        local t2 = s:download_task(T.url("/files/1m.bin"), {
            path = refused,
            on_response = function() return false end,
        })
        t2:resume()
        T.check(t2:wait(30), "completed")
        local ok, err = t2:result()
        T.eq(ok, nil, "failed")
        T.eq(err.code, -999, "cancelled")
        T.check(not T.exists(refused), "nothing saved")
    end },
}
