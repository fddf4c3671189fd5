-- test_options.lua — session options round-trip: what urlsession.session{...} is given is
-- what s:options() reads back from the C session (multipath, interface policy, transport,
-- proxies, cookies), and refused values raise with the option's name.
return {
    { "multipath service types round-trip", function(T)
        for _, kind in ipairs { "none", "handover", "interactive", "aggregate" } do
            local s = T.us.session { multipath = kind }
            T.eq(s:options().multipath, kind, "multipath " .. kind)
            s:close()
        end
    end },

    { "defaults read back", function(T)
        local s = T.us.session()
        local o = s:options()
        T.eq(o.multipath, "none", "multipath")
        T.eq(o.waits_for_connectivity, false, "waits_for_connectivity")
        T.eq(o.allows_cellular_access, true, "allows_cellular_access")
        T.eq(o.http_proxy, nil, "http_proxy")
        T.eq(o.uses_environment_proxies, true, "uses_environment_proxies")
        T.eq(o.cookie_accept_policy, "only_from_main_document_domain", "cookie policy")
        T.eq(o.dns_servers, nil, "dns_servers")
        T.eq(o.connection_attempt_delay, 0.25, "connection_attempt_delay")
        T.eq(o.address_family, "any", "address_family")
        T.eq(o.tcp_fast_open, false, "tcp_fast_open")
        T.eq(o.manages_mptcp_endpoints, false, "manages_mptcp_endpoints")
        T.eq(o.max_decoded_body_size, 1 << 30, "max_decoded_body_size")
        T.eq(o.wifi_assist, false, "wifi_assist")
        T.eq(o.wifi_assist_head_start, 1.0, "wifi_assist_head_start")
        T.eq(o.ephemeral, false, "ephemeral")
        T.eq(o.tls_min, "1.2", "tls_min")
    end },

    { "every option round-trips through the session", function(T)
        local given = {
            multipath = "handover", waits_for_connectivity = true, timeout = 12,
            resource_timeout = 300, headers = { ["X-One"] = "1" }, user_agent = "lua-rt/1",
            ca_file = "/tmp/ca.pem", http_version = "1.1", tls_min = "1.3",
            max_connections_per_host = 3, allows_cellular_access = false,
            allows_expensive_network_access = false, allows_constrained_network_access = false,
            download_directory = "/tmp", max_buffered_bytes = 65536,
            allows_https_to_http_redirects = true, http_proxy = "http://proxy.test:3128",
            https_proxy = "socks5h://proxy.test:1080", socks_proxy = "socks5://192.0.2.1:1080",
            no_proxy = "localhost,10.0.0.0/8", uses_environment_proxies = false,
            http_should_set_cookies = false, cookie_accept_policy = "never",
            dns_servers = "192.0.2.53:5353,[2001:db8::53]:53", nat64_prefix = "64:ff9b::/96",
            dns_over_https_url = "https://192.0.2.53/dns-query",
            connection_attempt_delay = 0.1, address_family = "ipv6", tcp_fast_open = true,
            manages_mptcp_endpoints = true, max_decoded_body_size = 65536, wifi_assist = true,
            wifi_assist_head_start = 0.5, ephemeral = true, description = "round trip",
        }
        local s = T.us.session(given)
        local got = s:options()
        for name, value in pairs(given) do
            if name == "headers" then
                T.eq(got.headers["X-One"], "1", "headers")
            else
                T.eq(got[name], value, name)
            end
        end
        -- interface_types are accepted (the C API cannot list them back).
        T.us.session { interface_types = { wifi0 = "wifi", cell0 = "cellular" } }:close()
    end },

    { "refused values raise and name the option", function(T)
        local us = T.us
        for name, value in pairs {
            http_proxy = "http://[broken", dns_servers = "not-an-address",
            dns_over_https_url = "http://dns.test/dns-query",
            nat64_prefix = "64:ff9b::/97", connection_attempt_delay = 5,
            address_family = "ipx", cookie_accept_policy = "sometimes",
            interface_types = { wifi0 = "satellite" }, tcp_fast_open = "yes",
        } do
            local ok, message = pcall(us.session, { [name] = value })
            T.check(not ok, name .. " refused")
            T.check(tostring(message):find(name, 1, true), name .. " named: " .. tostring(message))
        end
    end },

    { "decoding limit and Wi-Fi Assist: edges accepted, bad values refused", function(T)
        local s = T.us.session { max_decoded_body_size = 0, wifi_assist_head_start = 0 }
        T.eq(s:options().max_decoded_body_size, 0, "0: no limit")
        T.eq(s:options().wifi_assist_head_start, 0, "head start 0")
        s:close()
        s = T.us.session { max_decoded_body_size = math.maxinteger, wifi_assist_head_start = 60 }
        T.eq(s:options().max_decoded_body_size, math.maxinteger, "largest limit")
        T.eq(s:options().wifi_assist_head_start, 60, "head start 60")
        s:close()
        for _, case in ipairs {
            { "max_decoded_body_size", -1 }, { "max_decoded_body_size", 1.5 },
            { "max_decoded_body_size", "1024" }, { "wifi_assist", "yes" },
            { "wifi_assist", 1 }, { "wifi_assist_head_start", -0.5 },
            { "wifi_assist_head_start", 61 }, { "wifi_assist_head_start", 0 / 0 },
            { "wifi_assist_head_start", "1" },
        } do
            local name, value = case[1], case[2]
            local ok, message = pcall(T.us.session, { [name] = value })
            T.check(not ok, name .. " = " .. tostring(value) .. " refused")
            T.check(tostring(message):find(name, 1, true), name .. " named: " .. tostring(message))
        end
    end },

    { "a gzip body decoding past max_decoded_body_size fails with -1103", function(T)
        local lines = {}
        for i = 1, 2000 do
            lines[i] = string.format("line %06d of a text that gzip shrinks a lot\n", i)
        end
        local text = table.concat(lines)
        T.write_file(T.env.URL_TEST_WWW .. "/lua-decoded-limit.txt", text)
        local url = T.url("/gzip/lua-decoded-limit.txt")
        -- Ephemeral sessions: each has a cache of its own, so no answer comes from a cache
        -- (a cached body is not decoded again, hence not limited).
        local unlimited = T.session { max_decoded_body_size = 0, ephemeral = true }
        local body, r = T.ok(unlimited:data(url))
        unlimited:close()
        T.eq(r.headers["content-encoding"], "gzip", "nginx compressed it")
        T.eq(body, text, "decoded without a limit")
        local s = T.session { max_decoded_body_size = #text // 4, ephemeral = true }
        local nothing, err = s:data(url)
        T.eq(nothing, nil, "failed")
        T.eq(err.code, -1103, "code")
        T.eq(err.code, T.us.errors.DATA_LENGTH_EXCEEDS_MAXIMUM, "errors table")
        T.eq(err.name, "URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM", "name")
        T.eq(err.url, url, "url")
        s:close()
        local exact = T.session { max_decoded_body_size = #text, ephemeral = true }
        T.eq(T.ok(exact:data(url)), text, "a limit of exactly the decoded size lets it through")
        exact:close()
    end },

    { "cookies: a cookie file of the session's own, or none at all", function(T)
        local path = T.work .. "/cookies-" .. tostring(os.time())
        local s = T.session { cookie_file = path, cookie_accept_policy = "always" }
        T.eq(s:options().cookies, true, "a storage")
        T.ok(s:data(T.url("/cookies/set")))
        local echo = T.ok(s:data(T.url("/cookies/echo")))
        T.eq(echo, "cookie: session=s1; kept=k1\n", "both sent back")
        s:close()
        -- The file is written when the storage's last reference goes (the session's
        -- teardown may finish on its drain thread): wait for it, boundedly.
        local deadline = T.now() + 10
        while not (T.exists(path) and T.read_file(path):find("kept", 1, true))
            and T.now() < deadline do
            collectgarbage()
            os.execute("sleep 0.05")
        end
        local again = T.session { cookie_file = path }
        local echo2 = T.ok(again:data(T.url("/cookies/echo")))
        T.eq(echo2, "cookie: kept=k1\n", "the persistent cookie came back from the file")
        local none = T.session { cookies = false, cookie_accept_policy = "always" }
        T.eq(none:options().cookies, false, "no storage")
        T.ok(none:data(T.url("/cookies/set")))
        T.eq(T.ok(none:data(T.url("/cookies/echo"))), "cookie: \n", "nothing sent")
        T.check(not pcall(T.us.session, { cookies = true }), "cookies = true refused")
        T.write_file(T.work .. "/not-cookies", "junk\n")
        local ok, message = pcall(T.us.session, { cookie_file = T.work .. "/not-cookies" })
        T.check(not ok and message:find("cookie_file", 1, true), "bad file: " .. tostring(message))
    end },

    { "credentials answer an HTTP Basic challenge", function(T)
        local port = tonumber(T.env.URL_TEST_HTTP_PORT)
        local function entry(password, realm)
            return { user = "alice", password = password, host = "127.0.0.1", port = port,
                protocol = "http", realm = realm or "liburlsession", method = "basic" }
        end
        local s = T.session { credentials = { entry("wonderland") } }
        T.eq(s:options().credential_count, 1, "one credential")
        local body, r = T.ok(s:data(T.url("/auth/basic/small.txt")))
        T.eq(r.status, 200, "authenticated")
        T.eq(body, "hello world\n", "body")
        for _, wrong in ipairs { entry("wrong"), entry("wonderland", "elsewhere") } do
            local other = T.session { credentials = { wrong } }
            local _, r401 = T.ok(other:data(T.url("/auth/basic/small.txt")))
            T.eq(r401.status, 401, "not for this space")
        end
        T.check(not pcall(T.us.session, { credentials = { { user = "a" } } }), "incomplete")
        T.check(not pcall(T.us.session, { credentials = {
            { user = "a", password = "b", host = "h", port = 0 } } }), "bad port")
    end },
}
