-- run.lua — the Lua binding's test suite runner (plain Lua 5.4, no luarocks).
--
--   lua5.4 bindings/lua/tests/run.lua [--cpath 'BUILD/bindings/lua/?.so'] [--source SRC]
--                                     [--work DIR] [--only PATTERN] [--skip PATTERN]
--
-- Starts the project's nginx on loopback (test/servers/nginx.sh), runs every test of
-- bindings/lua/tests/test_*.lua, stops nginx, and ends with the line "N passed, N failed".
-- Exit status: 0 when nothing failed, 1 otherwise, 77 (skipped) when nginx cannot run —
-- except under CI=true, where nothing is skipped and a missing server is a failure.

local function script_dir()
    local source = debug.getinfo(1, "S").source:sub(2)
    return source:match("^(.*)/[^/]*$") or "."
end

local options = { source = script_dir() .. "/../../..", work = nil, cpath = nil, only = nil,
    skip = nil }
do
    local i = 1
    while i <= #arg do
        local name = arg[i]:match("^%-%-(.+)$")
        local known = { source = true, work = true, cpath = true, only = true, skip = true }
        if not name or not known[name] or arg[i + 1] == nil then
            io.stderr:write("run.lua: unknown argument ", arg[i], "\n")
            os.exit(2)
        end
        options[name] = arg[i + 1]
        i = i + 2
    end
end
options.cpath = options.cpath or (options.source .. "/build-lua/bindings/lua/?.so")
options.work = options.work or os.tmpname() .. ".d"
package.cpath = options.cpath .. ";" .. package.cpath

local function shell_quote(text)
    return "'" .. tostring(text):gsub("'", "'\\''") .. "'"
end

local function run_command(command)
    local ok, how, code = os.execute(command)
    if ok then return 0 end
    return how == "exit" and code or 128 + (code or 0)
end

local ci = os.getenv("CI") == "true"
local us = require "urlsession"

-- ---- The server -----------------------------------------------------------------------

local server_dir = options.work .. "/nginx"
run_command("mkdir -p " .. shell_quote(options.work))
local nginx = shell_quote(options.source .. "/test/servers/nginx.sh")
local status = run_command(nginx .. " start " .. shell_quote(server_dir))
if status ~= 0 then
    if status == 77 and not ci then
        print("nginx cannot run here (see above): the Lua suite is skipped")
        print("0 passed, 0 failed")
        os.exit(77)
    end
    print("could not start nginx (exit " .. status .. ")")
    print("0 passed, 1 failed")
    os.exit(1)
end

local env = {}
for line in io.lines(server_dir .. "/server.env") do
    local key, value = line:match("^([%w_]+)=(.*)$")
    if key then
        env[key] = value:match("^'(.*)'$") or value
    end
end

-- ---- What tests get -------------------------------------------------------------------

local T = { env = env, us = us, work = options.work, ci = ci }

-- T.url("/files/small.txt") is on the HTTP/1.1 port; kind "https" or "h2c" for the others.
function T.url(path, kind)
    if kind == "https" then
        return "https://localhost:" .. env.URL_TEST_HTTPS_PORT .. path
    elseif kind == "h2c" then
        return "http://127.0.0.1:" .. env.URL_TEST_H2C_PORT .. path
    end
    return "http://127.0.0.1:" .. env.URL_TEST_HTTP_PORT .. path
end

-- A session with the test CA and short timeouts, plus any options given.
function T.session(extra)
    local o = { ca_file = env.URL_TEST_CA, timeout = 20, resource_timeout = 120 }
    for k, v in pairs(extra or {}) do o[k] = v end
    return us.session(o)
end

function T.fail(message, level)
    error(message, (level or 1) + 1)
end

function T.check(condition, message)
    if not condition then T.fail("check failed: " .. (message or "?"), 2) end
    return condition
end

function T.eq(actual, expected, what)
    if actual ~= expected then
        T.fail(string.format("%s: expected %s, got %s", what or "value", tostring(expected),
            tostring(actual)), 2)
    end
end

-- Asserts body, response = call(...) succeeded; returns them.
function T.ok(first, second, what)
    if first == nil then
        T.fail((what or "call") .. " failed: " .. tostring(second), 2)
    end
    return first, second
end

function T.sha256_file(path)
    local pipe = assert(io.popen("sha256sum " .. shell_quote(path)))
    local line = pipe:read("l") or ""
    pipe:close()
    return line:match("^(%x+)")
end

function T.sha256_string(text)
    local path = os.tmpname()
    local file = assert(io.open(path, "wb"))
    file:write(text)
    file:close()
    local digest = T.sha256_file(path)
    os.remove(path)
    return digest
end

function T.exists(path)
    local file = io.open(path, "rb")
    if file then file:close() end
    return file ~= nil
end

function T.read_file(path)
    local file = assert(io.open(path, "rb"))
    local data = file:read("a")
    file:close()
    return data
end

function T.write_file(path, data)
    local file = assert(io.open(path, "wb"))
    file:write(data)
    file:close()
end

function T.now()
    local pipe = io.popen("date +%s.%N")
    local value = tonumber(pipe:read("l"))
    pipe:close()
    return value
end

T.quote = shell_quote

-- A TCP server on 127.0.0.1 that accepts connections and never answers: what a request
-- timeout needs. Returns its port and a function that stops it.
function T.stalling_server()
    local script = [[
import os, socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], os.getpid(), flush=True)
s.settimeout(120)
held = []
try:
    while True:
        held.append(s.accept()[0])
except OSError:
    pass
]]
    local pipe = assert(io.popen("exec /usr/bin/python3 -c " .. shell_quote(script)))
    local line = pipe:read("l")
    local port, pid = (line or ""):match("^(%d+) (%d+)$")
    if not port then
        pipe:close()
        T.fail("the stalling server did not start", 2)
    end
    return tonumber(port), function()
        run_command("kill " .. pid .. " 2>/dev/null")
        pipe:close()
    end
end

-- ---- Running --------------------------------------------------------------------------

local passed, failed = 0, 0
local failures = {}

local function run_test(name, fn)
    local started = os.clock()
    local ok, message = xpcall(fn, debug.traceback, T)
    collectgarbage()
    if ok then
        passed = passed + 1
        print(string.format("ok    %s", name))
    else
        failed = failed + 1
        failures[#failures + 1] = name
        print(string.format("FAIL  %s\n%s", name, tostring(message):gsub("\n", "\n      ")))
    end
    io.stdout:flush()
    return started
end

local test_dir = script_dir()
local files = {}
do
    local pipe = assert(io.popen("ls " .. shell_quote(test_dir)))
    for name in pipe:lines() do
        if name:match("^test_.*%.lua$") then files[#files + 1] = name end
    end
    pipe:close()
    table.sort(files)
end

for _, file in ipairs(files) do
    local chunk = assert(loadfile(test_dir .. "/" .. file))
    local tests = chunk()
    for _, test in ipairs(tests) do
        local name = file:gsub("%.lua$", "") .. ": " .. test[1]
        if (not options.only or name:find(options.only))
            and not (options.skip and name:find(options.skip)) then
            run_test(name, test[2])
        end
    end
end

-- Every session and task the tests dropped must be freed by now, or soon after (a
-- collected session's thread finishes draining its queue).
if not options.only then
    run_test("run: every C session and task is freed after collection", function()
        local deadline = os.time() + 15
        local sessions, tasks
        repeat
            collectgarbage()
            collectgarbage()
            sessions, tasks = us.live_objects()
            if sessions == 0 and tasks == 0 then return end
            run_command("sleep 0.1")
        until os.time() > deadline
        T.fail(string.format("%d sessions and %d tasks still alive", sessions, tasks))
    end)
end

run_command(nginx .. " stop " .. shell_quote(server_dir))
if #failures > 0 then
    print("failed: " .. table.concat(failures, ", "))
end
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
