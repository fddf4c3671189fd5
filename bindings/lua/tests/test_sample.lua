-- test_sample.lua — samples/lua/urlget.lua downloads with progress and refuses a 404.
local function source_root()
    return debug.getinfo(1, "S").source:sub(2):match("^(.*)/[^/]*$") .. "/../../.."
end

local function run_sample(T, url, output)
    local sample = source_root() .. "/samples/lua/urlget.lua"
    local command = string.format("LUA_CPATH=%s %s %s %s %s %s 2>&1",
        T.quote(package.cpath), T.quote(arg[-1] or "lua5.4"), T.quote(sample), T.quote(url),
        T.quote(output), T.quote(T.env.URL_TEST_CA))
    local pipe = assert(io.popen(command))
    local text = pipe:read("a")
    local ok = pipe:close()
    return ok, text
end

return {
    { "doc/lua.md shows samples/lua/urlget.lua as it is", function(T)
        local sample = T.read_file(source_root() .. "/samples/lua/urlget.lua")
        local doc = T.read_file(source_root() .. "/doc/lua.md")
        T.check(doc:find("```lua\n" .. sample .. "```", 1, true),
            "the guide's copy of urlget.lua differs from the sample")
    end },

    { "every Lua example in doc/lua.md compiles", function(T)
        local doc = T.read_file(source_root() .. "/doc/lua.md")
        local count = 0
        for block in doc:gmatch("```lua\n(.-)```") do
            count = count + 1
            local ok, message = load(block, "doc/lua.md example " .. count)
            T.check(ok, message)
        end
        T.check(count >= 8, "examples found: " .. count)
    end },

    { "urlget.lua downloads a file with progress", function(T)
        local output = T.work .. "/urlget-1m.bin"
        os.remove(output)
        local ok, text = run_sample(T, T.url("/files/1m.bin", "https"), output)
        T.check(ok, "exit status 0: " .. text)
        T.check(text:find("100%", 1, true), "progress shown: " .. text)
        T.eq(T.sha256_file(output), T.sha256_file(T.env.URL_TEST_WWW .. "/1m.bin"), "sha256")
    end },

    { "urlget.lua fails on a 404 and saves nothing", function(T)
        local output = T.work .. "/urlget-404.bin"
        os.remove(output)
        local ok, text = run_sample(T, T.url("/files/missing"), output)
        T.check(not ok, "non-zero exit")
        T.check(text:find("404", 1, true), "says 404: " .. text)
        T.check(not T.exists(output), "no file")
    end },
}
