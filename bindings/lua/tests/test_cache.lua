-- test_cache.lua — the HTTP cache: session options cache and cache_policy, request
-- cache_policy. Requests are counted in nginx's access log, as test/integration/test_cache.c
-- does; every test asks for a URL with a query of its own.
local serial = 0

-- A URL under @location unique to this run, and a function counting its requests in the
-- access log (waiting, like test_cache.c, until @want were logged and a little longer).
local function target(T, location)
    serial = serial + 1
    local path = string.format("%s?u=lua-%d-%d", location, serial, os.time())
    local log = T.env.URL_TEST_WWW:gsub("/www/?$", "") .. "/logs/access.log"
    local needle = '"GET ' .. path .. ' HTTP'
    local function count()
        local file = io.open(log, "rb")
        if not file then return 0 end
        local n = 0
        for line in file:lines() do
            if line:find(needle, 1, true) then n = n + 1 end
        end
        file:close()
        return n
    end
    local function settled(want)
        local deadline = T.now() + 5
        while count() < want and T.now() < deadline do
            os.execute("sleep 0.05")
        end
        os.execute("sleep 0.2")
        return count()
    end
    return T.url(path), settled
end

return {
    { "options: cache and cache_policy are read back and checked", function(T)
        local c = T.us.session { cache = { memory = 65536 } }:options()
        T.eq(c.cache.memory, 65536, "memory capacity")
        T.eq(c.cache.disk, 0, "no disk without a directory")
        T.eq(c.cache_policy, "use_protocol", "default policy")
        T.eq(T.us.session { cache = false }:options().cache, false, "cache = false")
        local d = T.us.session { cache_policy = "return_cache_data_else_load" }:options()
        T.eq(d.cache_policy, "return_cache_data_else_load", "session cache_policy")
        local ok, err = pcall(T.us.session, { cache_policy = "sometimes" })
        T.check(not ok and tostring(err):find("sometimes", 1, true), tostring(err))
        ok, err = pcall(T.us.session, { cache = true })
        T.check(not ok and tostring(err):find("'cache'", 1, true), tostring(err))
        ok, err = pcall(T.us.session, { cache = { memory = -1 } })
        T.check(not ok and tostring(err):find("memory", 1, true), tostring(err))
        ok, err = pcall(T.us.session, { cache = { size = 1 } })
        T.check(not ok and tostring(err):find("size", 1, true), tostring(err))
        ok, err = pcall(function()
            return T.session():data { url = T.url("/files/small.txt"), cache_policy = "x" }
        end)
        T.check(not ok and tostring(err):find("request field 'cache_policy'", 1, true),
            tostring(err))
    end },

    { "a second GET of a fresh response is served from the cache", function(T)
        local url, settled = target(T, "/cache/fresh/small.txt")
        local s = T.session { cache = { memory = 1048576 } }
        local body, response = T.ok(s:data(url))
        T.eq(body, "hello world\n", "first body")
        T.eq(response.status, 200, "first status")
        T.eq(settled(1), 1, "one request")
        body, response = T.ok(s:data(url))
        T.eq(body, "hello world\n", "cached body")
        T.eq(response.status, 200, "cached status")
        T.eq(settled(1), 1, "still one request: the second came from the cache")
        -- A session without a cache asks the server.
        T.ok(T.session { cache = false }:data(url))
        T.eq(settled(2), 2, "no cache, a request")
    end },

    { "return_cache_data_dont_load on an empty cache fails with -1008", function(T)
        local url, settled = target(T, "/cache/fresh/small.txt")
        local s = T.session { cache = { memory = 1048576 } }
        local body, err = s:data { url = url, cache_policy = "return_cache_data_dont_load" }
        T.eq(body, nil, "failed")
        T.eq(err.code, -1008, "RESOURCE_UNAVAILABLE")
        T.eq(err.code, T.us.errors.RESOURCE_UNAVAILABLE, "errors table")
        T.eq(settled(0), 0, "nothing sent")
        T.ok(s:data(url))
        body = T.ok(s:data { url = url, cache_policy = "return_cache_data_dont_load" })
        T.eq(body, "hello world\n", "stored body")
        local d = T.session { cache = { memory = 1048576 },
            cache_policy = "return_cache_data_dont_load" }
        local _, err2 = d:data(url)
        T.eq(err2 and err2.code, -1008, "session policy, another (empty) cache")
        T.eq(settled(1), 1, "one request in all")
    end },

    { "a disk cache is found again by a new session on the same directory", function(T)
        local url, settled = target(T, "/cache/fresh/small.txt")
        local directory = T.work .. "/lua-http-cache-" .. serial
        local options = { cache = { memory = 1048576, disk = 1048576, directory = directory } }
        T.ok(T.session(options):data(url))
        collectgarbage()
        local body = T.ok(T.session(options):data { url = url,
            cache_policy = "return_cache_data_dont_load" })
        T.eq(body, "hello world\n", "from disk")
        T.eq(settled(1), 1, "one request")
        os.execute("rm -rf " .. T.quote(directory))
    end },
}
