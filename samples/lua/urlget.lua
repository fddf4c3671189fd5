-- urlget.lua — download a URL to a file with a progress line, using the Lua binding.
--
--   lua5.4 samples/lua/urlget.lua URL [OUTPUT] [CA_FILE]
--
-- OUTPUT defaults to the name the server suggests (the last path segment). The file
-- appears only once complete, and only for a 2xx response.
local us = require "urlsession"

local url, output, ca_file = arg[1], arg[2], arg[3]
if not url then
    io.stderr:write("usage: lua5.4 urlget.lua URL [OUTPUT] [CA_FILE]\n")
    os.exit(2)
end
output = output or url:match("([^/?#]+)[^/]*$") or "index.html"

local session <close> = us.session { ca_file = ca_file, timeout = 30 }
local response, err = session:download(url, output, {
    progress = function(written, total)
        if total then
            io.stderr:write(string.format("\r%s: %3d%% of %d bytes", output,
                written * 100 // total, total))
        else
            io.stderr:write(string.format("\r%s: %d bytes", output, written))
        end
    end,
})
io.stderr:write("\n")
if not response then
    io.stderr:write("urlget: ", tostring(err), "\n")
    os.exit(1)
elseif response.status < 200 or response.status > 299 then
    io.stderr:write("urlget: HTTP ", response.status, ", nothing saved\n")
    os.exit(1)
end
print(string.format("saved %s (HTTP %d, %s)", output, response.status,
    response.mime_type or "unknown type"))
