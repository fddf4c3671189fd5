/* test_decoding.c — content decoding: gzip, deflate, br and zstd responses reach the
 * application decoded, and the metrics count body bytes before and after decoding. */
#include "fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define TEXT_NAME "decoding.txt"

/* A compressible text of about 300 KiB in the docroot (made once per server). */
static const char *text_path(void)
{
    static char *path;
    if (path == NULL) {
        path = g_build_filename(it_www_dir(), TEXT_NAME, NULL);
        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            GString *text = g_string_new(NULL);
            for (int i = 0; i < 6000; i++)
                g_string_append_printf(text, "line %05d: the quick brown fox jumps over it\n", i);
            g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
            g_assert_true(g_file_set_contents(tmp, text->str, (gssize)text->len, NULL));
            g_assert_cmpint(g_rename(tmp, path), ==, 0);
            g_string_free(text, TRUE);
        }
    }
    return path;
}

/* The command line that writes @input compressed with @encoding to @output; NULL (with
 * the test skipped, or failed under CI) when its tool is missing. */
static char **compressor(const char *encoding, const char *input, const char *output)
{
    bool cli = g_str_equal(encoding, "br") || g_str_equal(encoding, "zstd");
    const char *tool = g_str_equal(encoding, "br") ? "brotli" : cli ? "zstd" : "python3";
    g_autofree char *found = g_find_program_in_path(tool);
    if (found == NULL) {
        g_autofree char *why =
            g_strdup_printf("%s is not installed (Debian package %s)", tool, tool);
        if (g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error("%s", why);
        g_test_skip(why);
        return NULL;
    }
    if (g_str_equal(encoding, "br"))
        return g_strdupv((char *[]){found, "-f", "-o", (char *)output, (char *)input, NULL});
    if (cli)
        return g_strdupv((char *[]){found, "-q", "-f", "-o", (char *)output, (char *)input, NULL});
    /* HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2). */
    const char *script =
        "import sys,zlib,gzip\n"
        "data = open(sys.argv[2], 'rb').read()\n"
        "out = zlib.compress(data) if sys.argv[1] == 'deflate' else gzip.compress(data)\n"
        "open(sys.argv[3], 'wb').write(out)\n";
    return g_strdupv((char *[]){found, "-c", (char *)script, (char *)encoding, (char *)input,
                                (char *)output, NULL});
}

/* Makes TEXT_NAME.@encoding in the docroot; returns its name, or NULL when skipped. */
static char *make_encoded(const char *encoding)
{
    const char *input = text_path();
    char *name = g_strdup_printf("%s.%s", TEXT_NAME, encoding);
    g_autofree char *path = g_build_filename(it_www_dir(), name, NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return name;
    g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
    g_auto(GStrv) argv = compressor(encoding, input, tmp);
    if (argv == NULL) {
        g_free(name);
        return NULL;
    }
    int status = -1;
    GError *error = NULL;
    g_assert_true(
        g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_cmpint(g_rename(tmp, path), ==, 0);
    return name;
}

static void run_encoded(ItProto proto, const char *encoding)
{
    g_autofree char *name = make_encoded(encoding);
    if (name == NULL)
        return;
    g_autofree char *encoded_path = g_build_filename(it_www_dir(), name, NULL);
    gint64 encoded_size = it_file_size(encoded_path);
    gint64 text_size = it_file_size(text_path());
    g_assert_cmpint(encoded_size, <, text_size / 4);

    UrlSession *session = it_session_new(proto, NULL);
    g_autofree char *path = g_strdup_printf("/encoded/%s/%s", encoding, name);
    g_autofree char *url = it_url(proto, path);
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, NULL, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_assert_cmpstr(url_response_get_header(c.response, "Content-Encoding"), ==, encoding);

    /* The application sees the original text. */
    g_assert_cmpint(c.data->len, ==, text_size);
    g_autofree char *want = it_sha256_file(text_path());
    g_autofree char *got = it_sha256_data(c.data->data, c.data->len);
    g_assert_cmpstr(got, ==, want);
    g_assert_cmpint(url_session_task_get_count_of_bytes_received(task), ==, text_size);

    UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    g_assert_cmpint(url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY), ==,
                    encoded_size);
    g_assert_cmpint(
        url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY_AFTER_DECODING), ==,
        text_size);
    url_task_metrics_unref(metrics);
    url_session_task_unref(task);
    it_completion_clear(&c);
    it_session_finish(session, NULL);
}

static void test_br(gconstpointer data)
{
    run_encoded(GPOINTER_TO_INT(data), "br");
}

static void test_zstd(gconstpointer data)
{
    run_encoded(GPOINTER_TO_INT(data), "zstd");
}

static void test_deflate(gconstpointer data)
{
    run_encoded(GPOINTER_TO_INT(data), "deflate");
}

static void test_gzip_file(gconstpointer data)
{
    run_encoded(GPOINTER_TO_INT(data), "gzip");
}

/* nginx compressing on the fly: chunked on HTTP/1.1, no Content-Length. The request
 * advertises every encoding the library decodes. */
static void test_gzip_on_the_fly(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    gint64 text_size = it_file_size(text_path());
    UrlSession *session = it_session_new(proto, NULL);
    g_autofree char *url = it_url(proto, "/gzip/" TEXT_NAME);
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, NULL, &c);
    it_assert_no_error(c.error);
    g_assert_cmpstr(url_response_get_header(c.response, "Content-Encoding"), ==, "gzip");
    g_autofree char *want = it_sha256_file(text_path());
    g_autofree char *got = it_sha256_data(c.data->data, c.data->len);
    g_assert_cmpstr(got, ==, want);
    UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    gint64 wire = url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY);
    g_assert_cmpint(wire, >, 0);
    g_assert_cmpint(wire, <, text_size / 4);
    g_assert_cmpint(
        url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY_AFTER_DECODING), ==,
        text_size);
    url_task_metrics_unref(metrics);
    url_session_task_unref(task);

    /* What the request said it accepts. */
    g_autofree char *headers_url = it_url(proto, "/headers");
    it_completion_clear(&c);
    task = it_fetch(session, headers_url, NULL, &c);
    g_byte_array_append(c.data, (const guint8 *)"", 1);
    const char *echoed = (const char *)c.data->data;
    const char *line = strstr(echoed, "accept-encoding: ");
    g_assert_nonnull(line);
    g_autofree char *value = g_strndup(line + 17, strcspn(line + 17, "\n"));
    g_auto(GStrv) codings = g_strsplit(value, ",", -1);
    bool seen[4] = {false};
    const char *names[4] = {"gzip", "deflate", "br", "zstd"};
    for (char **p = codings; *p; p++)
        for (int i = 0; i < 4; i++)
            if (g_str_equal(g_strstrip(*p), names[i]))
                seen[i] = true;
    for (int i = 0; i < 4; i++)
        g_assert_true(seen[i]);
    url_session_task_unref(task);
    it_completion_clear(&c);
    it_session_finish(session, NULL);
}

/* Plain text labelled gzip does not decode: the task fails, it does not deliver garbage.
 * (Not br: a brotli decoder may take random bytes for a valid, unfinished stream.) */
static void test_undecodable(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlSession *session = it_session_new(proto, NULL);
    g_autofree char *url = it_url(proto, "/encoded/gzip/small.txt");
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, NULL, &c);
    it_assert_error_code(c.error, URL_ERROR_CANNOT_DECODE_CONTENT_DATA);
    url_session_task_unref(task);
    it_completion_clear(&c);
    it_session_finish(session, NULL);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        const char *name = it_proto_name(p);
        struct {
            const char *what;
            void (*fn)(gconstpointer);
        } cases[] = {
            {"br", test_br},
            {"zstd", test_zstd},
            {"deflate", test_deflate},
            {"gzip-file", test_gzip_file},
            {"gzip-on-the-fly", test_gzip_on_the_fly},
            {"undecodable", test_undecodable},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
            g_autofree char *path = g_strdup_printf("/decoding/%s/%s", cases[i].what, name);
            it_add_data(path, GINT_TO_POINTER(p), cases[i].fn);
        }
    }
    return it_run();
}
