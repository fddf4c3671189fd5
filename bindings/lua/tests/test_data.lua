-- test_data.lua — s:data(): bodies, responses, headers, request tables, HTTP versions.
return {
    { "data over HTTP/1.1 returns body and response", function(T)
        local s = T.session()
        local body, r = T.ok(s:data(T.url("/files/small.txt")))
        T.eq(body, "hello world\n", "body")
        T.eq(r.status, 200, "status")
        T.eq(r.url, T.url("/files/small.txt"), "url")
        T.eq(r.mime_type, "text/plain", "mime_type")
        T.eq(r.encoding, "utf-8", "encoding")
        T.eq(r.expected_length, 12, "expected_length")
        T.eq(r.http_version, "http/1.1", "http_version")
        T.eq(r.suggested_filename, "small.txt", "suggested_filename")
    end },

    { "headers look up case-insensitively; repeated ones are kept", function(T)
        local s = T.session()
        local _, r = T.ok(s:data(T.url("/repeat")))
        T.eq(r.headers["content-type"], "text/plain", "lower case")
        T.eq(r.headers["Content-Type"], r.headers["CONTENT-TYPE"], "any case")
        T.eq(r.headers["X-Repeat"], "one, two", "joined value")
        T.eq(r:header("x-REPEAT"), "one", "first value")
        local cookies = r:values("Set-Cookie")
        T.eq(#cookies, 2, "two Set-Cookie")
        T.eq(cookies[1], "a=1; Path=/", "first cookie")
        T.eq(cookies[2], "b=2; Path=/", "second cookie")
        local seen = 0
        for _, field in ipairs(r.header_list) do
            if field.name:lower() == "x-repeat" then seen = seen + 1 end
        end
        T.eq(seen, 2, "header_list keeps both X-Repeat")
        T.eq(r.headers["no-such-header"], nil, "absent header")
    end },

    { "HTTPS with the test CA negotiates HTTP/2", function(T)
        local s = T.session()
        local body, r = T.ok(s:data(T.url("/files/1k.bin", "https")))
        T.eq(#body, 1024, "length")
        T.eq(r.http_version, "h2", "ALPN h2")
        T.eq(T.sha256_string(body), T.sha256_file(T.env.URL_TEST_WWW .. "/1k.bin"), "sha256")
    end },

    { "http_version = \"2\" speaks h2c with prior knowledge", function(T)
        local s = T.session { http_version = "2" }
        local body, r = T.ok(s:data(T.url("/files/small.txt", "h2c")))
        T.eq(body, "hello world\n", "body")
        T.eq(r.http_version, "h2", "h2c")
    end },

    { "a 1 MiB body arrives whole (sha256)", function(T)
        local s = T.session()
        local body = T.ok(s:data(T.url("/files/1m.bin")))
        T.eq(#body, 1048576, "length")
        T.eq(T.sha256_string(body), T.sha256_file(T.env.URL_TEST_WWW .. "/1m.bin"), "sha256")
    end },

    { "request table: method, headers, body", function(T)
        local s = T.session()
        local body, r = T.ok(s:data { url = T.url("/echo"), method = "POST",
            headers = { ["Content-Type"] = "text/plain", ["X-Test"] = "1" },
            body = "ping" })
        T.eq(body, "ping", "echoed body")
        T.eq(r.headers["x-method"], "POST", "method")
        local text = T.ok(s:data { url = T.url("/headers"), headers = { ["X-Test"] = "abc" } })
        T.check(text:find("x-test: abc", 1, true), "X-Test sent: " .. text)
        local method = T.ok(s:data { url = T.url("/method"), method = "DELETE" })
        T.eq(method, "DELETE\n", "DELETE")
    end },

    { "session options reach the server (headers, user_agent)", function(T)
        local s = T.session { headers = { ["X-Additional"] = "extra" }, user_agent = "lua-test/1",
            multipath = "handover", waits_for_connectivity = true, http_version = "1.1",
            max_connections_per_host = 6, allows_cellular_access = false }
        local text = T.ok(s:data(T.url("/headers")))
        T.check(text:find("x-additional: extra", 1, true), "additional header: " .. text)
        T.check(text:find("user-agent: lua-test/1", 1, true), "user agent: " .. text)
    end },

    { "HTTP error statuses are responses, not errors", function(T)
        local s = T.session()
        local body, r = T.ok(s:data(T.url("/status/404")))
        T.eq(r.status, 404, "status")
        T.eq(body, "status 404\n", "body")
        local _, r500 = T.ok(s:data(T.url("/status/500")))
        T.eq(r500.status, 500, "500")
    end },

    { "wrong option types raise", function(T)
        local us = T.us
        T.check(not pcall(us.session, { timeout = -1 }), "negative timeout")
        T.check(not pcall(us.session, { multipath = "sideways" }), "bad multipath")
        T.check(not pcall(us.session, { no_such_option = 1 }), "unknown option")
        T.check(not pcall(us.session, { http_version = "3" }), "http/3")
        local ok, message = pcall(us.session, { timeout = "soon" })
        T.check(not ok and message:find("timeout", 1, true), "message names the option")
        local s = T.session()
        T.check(not pcall(s.data, s, 42), "URL must be a string or table")
        T.check(not pcall(s.data, s, { url = T.url("/"), bogus = 1 }), "unknown request field")
    end },
}
