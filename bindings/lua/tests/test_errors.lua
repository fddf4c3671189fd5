-- test_errors.lua — failures as nil, err: bad URLs, refused connections, timeouts.
return {
    { "a bad URL and an unsupported scheme", function(T)
        local s = T.session()
        local body, err = s:data("http://exa mple.org/")
        T.eq(body, nil, "failed")
        T.eq(err.code, -1000, "BAD_URL")
        T.eq(err.name, "URL_ERROR_BAD_URL", "name")
        local _, err2 = s:data("ftp://127.0.0.1/file")
        T.eq(err2.code, T.us.errors.UNSUPPORTED_URL, "UNSUPPORTED_URL")
        T.check(type(err2.message) == "string" and #err2.message > 0, "message")
        local t, err3 = s:data_task("gopher://127.0.0.1/")
        T.eq(t, nil, "no task")
        T.eq(err3.code, -1002, "task constructor returns nil, err too")
    end },

    { "a refused connection is CANNOT_CONNECT_TO_HOST with the URL", function(T)
        local port, stop = T.stalling_server()
        stop() -- nothing listens on the port now
        local s = T.session()
        local url = "http://127.0.0.1:" .. port .. "/x"
        local body, err = s:data(url)
        T.eq(body, nil, "failed")
        T.eq(err.code, -1004, "code")
        T.eq(err.name, "URL_ERROR_CANNOT_CONNECT_TO_HOST", "name")
        T.eq(err.url, url, "url")
        T.check(tostring(err):find("-1004", 1, true), "tostring: " .. tostring(err))
        T.eq(#err.addresses_tried, 1, "one address tried")
        T.eq(err.addresses_tried[1], "127.0.0.1", "the address tried")
    end },

    { "a refused localhost lists both families in addresses_tried, IPv6 first", function(T)
        local port, stop = T.stalling_server()
        stop()
        local _, err = T.session():data("http://localhost:" .. port .. "/x")
        T.eq(err.code, -1004, "code")
        T.eq(#err.addresses_tried, 2, "two addresses")
        T.eq(err.addresses_tried[1], "::1", "IPv6 first")
        T.eq(err.addresses_tried[2], "127.0.0.1", "then IPv4")
        local _, other = T.session():data("http://exa mple.org/")
        T.eq(other.addresses_tried, nil, "no addresses for a bad URL")
    end },

    { "a server that never answers times out with TIMED_OUT (-1001)", function(T)
        local port, stop = T.stalling_server()
        local s = T.session { timeout = 1 }
        local started = T.now()
        local body, err = s:data("http://127.0.0.1:" .. port .. "/never")
        local elapsed = T.now() - started
        stop()
        T.eq(body, nil, "failed")
        T.eq(err.code, -1001, "code")
        T.eq(err.name, "URL_ERROR_TIMED_OUT", "name")
        T.check(elapsed >= 0.9 and elapsed < 10, "about a second, took " .. elapsed)
    end },

    { "a request's own timeout applies to its task", function(T)
        local port, stop = T.stalling_server()
        local s = T.session { timeout = 60 }
        local t = s:data_task { url = "http://127.0.0.1:" .. port .. "/never", timeout = 1 }
        t:resume()
        T.check(t:wait(20), "completed")
        stop()
        T.eq(t:error().code, -1001, "timed out")
    end },

    { "the resource timeout ends a slow transfer", function(T)
        local s = T.session { resource_timeout = 1.5 }
        local body, err = s:data(T.url("/slow/10m.bin?rate=64k"))
        T.eq(body, nil, "failed")
        T.eq(err.code, -1001, "TIMED_OUT")
    end },

    { "TLS without the test CA fails as a certificate error", function(T)
        local s = T.us.session { timeout = 10 }
        local body, err = s:data(T.url("/files/small.txt", "https"))
        T.eq(body, nil, "failed")
        T.check(err.code <= -1200 and err.code >= -1206, "a certificate code, got " .. err.code)
    end },

    { "errors table holds NSURLError codes", function(T)
        local e = T.us.errors
        T.eq(e.CANCELLED, -999, "CANCELLED")
        T.eq(e.TIMED_OUT, -1001, "TIMED_OUT")
        T.eq(e.CANNOT_FIND_HOST, -1003, "CANNOT_FIND_HOST")
        T.eq(e.CANNOT_MOVE_FILE, -3005, "CANNOT_MOVE_FILE")
    end },

    { "a download to an impossible path fails with CANNOT_MOVE_FILE", function(T)
        local s = T.session()
        local path = T.work .. "/no/such/dir/file.bin"
        local r, err = s:download(T.url("/files/small.txt"), path)
        T.eq(r, nil, "failed")
        T.eq(err.code, -3005, "code")
        T.check(err.message:find("no/such/dir", 1, true), "message names the path")
    end },
}
