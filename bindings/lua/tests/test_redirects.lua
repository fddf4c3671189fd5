-- test_redirects.lua — redirects followed (with RFC 9110 method rules), refused, looping.
return {
    { "every redirect code is followed to its target", function(T)
        local s = T.session()
        for _, code in ipairs { 301, 302, 303, 307, 308 } do
            local body, r = T.ok(s:data(T.url("/redirect/" .. code .. "?to=/files/small.txt")))
            T.eq(body, "hello world\n", code .. " body")
            T.eq(r.status, 200, code .. " status")
            T.eq(r.url, T.url("/files/small.txt"), code .. " final url")
        end
    end },

    { "303 turns POST into GET, 307 and 308 keep it", function(T)
        local s = T.session()
        local expected = { [303] = "GET\n", [307] = "POST\n", [308] = "POST\n" }
        for code, method in pairs(expected) do
            local body = T.ok(s:upload(T.url("/redirect/" .. code .. "?to=/method"),
                { data = "body" }))
            T.eq(body, method, tostring(code))
        end
    end },

    { "a chain of redirects ends at the file", function(T)
        local s = T.session()
        local body, r = T.ok(s:data(T.url("/redirect/chain")))
        T.eq(body, "hello world\n", "body")
        T.eq(r.url, T.url("/files/small.txt"), "url")
    end },

    { "follow_redirects = false returns the redirect itself", function(T)
        local s = T.session()
        local _, r = T.ok(s:data { url = T.url("/redirect/302?to=/files/small.txt"),
            follow_redirects = false })
        T.eq(r.status, 302, "status")
        T.eq(r.headers.location, "/files/small.txt", "Location")
    end },

    { "a redirect loop fails with HTTP_TOO_MANY_REDIRECTS", function(T)
        local s = T.session()
        local body, err = s:data(T.url("/redirect/loop"))
        T.eq(body, nil, "failed")
        T.eq(err.code, -1007, "code")
    end },
}
