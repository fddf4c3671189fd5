-- test_upload.lua — s:upload() and upload tasks: data and files, methods, progress.
return {
    { "PUT data is stored by the server (sha256)", function(T)
        local s = T.session()
        local data = string.rep("0123456789abcdef", 65536) -- 1 MiB
        local _, r = T.ok(s:upload(T.url("/upload/lua-data.bin"), { data = data, method = "PUT" }))
        T.check(r.status == 201 or r.status == 204, "created, got " .. r.status)
        T.eq(T.sha256_file(T.env.URL_TEST_UPLOADS .. "/lua-data.bin"), T.sha256_string(data),
            "stored body")
    end },

    { "PUT a file is stored by the server (sha256)", function(T)
        local s = T.session()
        local source = T.env.URL_TEST_WWW .. "/10m.bin"
        local sent_last
        local _, r = T.ok(s:upload(T.url("/upload/lua-file.bin", "https"), {
            file = source, method = "PUT",
            progress = function(sent, total)
                sent_last = sent
                T.eq(total, 10485760, "expected to send")
            end,
        }))
        T.check(r.status == 201 or r.status == 204, "created, got " .. r.status)
        T.eq(sent_last, 10485760, "progress reached the size")
        T.eq(T.sha256_file(T.env.URL_TEST_UPLOADS .. "/lua-file.bin"), T.sha256_file(source),
            "stored file")
    end },

    { "POST data to /echo comes back", function(T)
        local s = T.session()
        local data = "payload " .. string.rep("x", 100000)
        local body, r = T.ok(s:upload(T.url("/echo"), { data = data }))
        T.eq(r.headers["X-Method"], "POST", "uploads default to POST")
        T.eq(body, data, "echo")
    end },

    { "upload of a missing file fails with FILE_DOES_NOT_EXIST", function(T)
        local s = T.session()
        local body, err = s:upload(T.url("/echo"), { file = T.work .. "/no/such/file" })
        T.eq(body, nil, "failed")
        T.eq(err.code, T.us.errors.FILE_DOES_NOT_EXIST, "code")
        T.eq(err.name, "URL_ERROR_FILE_DOES_NOT_EXIST", "name")
    end },

    { "upload needs data or file", function(T)
        local s = T.session()
        T.check(not pcall(s.upload, s, T.url("/echo"), {}), "raises")
        T.check(not pcall(s.upload, s, T.url("/echo"), { data = "a", file = "b" }), "not both")
    end },
}
