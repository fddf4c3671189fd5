/* test_upload.c — upload tasks from memory, from a file and from a pipe stream: the server
 * stores exactly the bytes sent, and did_send_body_data adds up to the body size. */
#include "fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define SMALL_SIZE (16 * 1024)
#define BIG_SIZE   (100 * 1024 * 1024)
#define PIPE_SIZE  (8 * 1024 * 1024)

static guint8 *random_bytes(size_t length, guint32 seed)
{
    GRand *rand = g_rand_new_with_seed(seed);
    guint8 *data = g_malloc(length);
    for (size_t i = 0; i < length; i++) {
        data[i] = (guint8)g_rand_int_range(rand, 0, 256);
    }
    g_rand_free(rand);
    return data;
}

static char *uploaded_path(const char *name)
{
    return g_build_filename(it_uploads_dir(), name, NULL);
}

/* Checks the callbacks of a finished upload of @size bytes answered by @status. */
static void assert_upload_log(ItTaskLog *log, gint64 size, int status)
{
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_SEND_BODY], >=, 1);
    g_assert_true(log->sent_totals_monotonic);
    g_assert_cmpint(log->sent_sum, ==, size);
    g_assert_cmpint(log->last_total_sent, ==, size);
    g_assert_nonnull(log->response);
    g_assert_cmpint(url_response_get_status_code(log->response), ==, status);
}

static void test_data_put(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    g_autofree guint8 *body = random_bytes(SMALL_SIZE, 1 + proto);
    g_autofree char *name = g_strdup_printf("data-%s.bin", it_proto_name(proto));
    g_autofree char *path = g_strdup_printf("/upload/%s", name);
    g_autofree char *url = it_url(proto, path);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = url_request_new(url);
    g_assert_true(url_request_set_method(request, "PUT", NULL));
    UrlSessionTask *task = url_session_upload_task_with_data(session, request, body, SMALL_SIZE);
    g_assert_cmpint(url_session_task_get_kind(task), ==, URL_TASK_KIND_UPLOAD);
    it_run_task(task, 60);

    ItTaskLog *log = it_recorder_get(rec, task);
    assert_upload_log(log, SMALL_SIZE, 201);
    g_assert_cmpint(log->last_total_expected_to_send, ==, SMALL_SIZE);
    g_assert_cmpint(url_session_task_get_count_of_bytes_sent(task), ==, SMALL_SIZE);
    g_autofree char *stored = uploaded_path(name);
    g_autofree char *got = it_sha256_file(stored);
    g_autofree char *want = it_sha256_data(body, SMALL_SIZE);
    g_assert_cmpstr(got, ==, want);

    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_data_echo(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    g_autofree guint8 *body = random_bytes(SMALL_SIZE, 11 + proto);
    g_autofree char *url = it_url(proto, "/echo");
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = url_request_new(url);

    /* Delegate: method defaults to POST, the body comes back. */
    UrlSessionTask *task = url_session_upload_task_with_data(session, request, body, SMALL_SIZE);
    it_run_task(task, 60);
    ItTaskLog *log = it_recorder_get(rec, task);
    assert_upload_log(log, SMALL_SIZE, 200);
    g_assert_cmpstr(url_response_get_header(log->response, "X-Method"), ==, "POST");
    g_assert_cmpstr(url_response_get_header(log->response, "X-Content-Length"), ==, "16384");
    g_assert_cmpmem(log->body->data, log->body->len, body, SMALL_SIZE);
    url_session_task_unref(task);

    /* Completion handler. */
    ItCompletion done;
    it_completion_init(&done);
    task = url_session_upload_task_with_data_completion(session, request, body, SMALL_SIZE,
                                                        it_data_completion, &done);
    it_run_task(task, 60);
    g_assert_cmpuint(done.calls, ==, 1);
    it_assert_no_error(done.error);
    g_assert_cmpmem(done.data->data, done.data->len, body, SMALL_SIZE);
    url_session_task_unref(task);

    url_request_unref(request);
    it_session_finish(session, rec);
    g_assert_cmpuint(done.calls, ==, 1);
    it_completion_clear(&done);
    it_recorder_free(rec);
}

static void test_file_put(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    g_autofree char *source = g_build_filename(it_www_dir(), "100m.bin", NULL);
    g_autofree char *name = g_strdup_printf("file-%s.bin", it_proto_name(proto));
    g_autofree char *path = g_strdup_printf("/upload/%s", name);
    g_autofree char *url = it_url(proto, path);
    ItRecorder *rec = it_recorder_new();
    rec->keep_body = FALSE;
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = url_request_new(url);
    g_assert_true(url_request_set_method(request, "PUT", NULL));
    UrlSessionTask *task = url_session_upload_task_with_file(session, request, source);
    it_run_task(task, 240);

    ItTaskLog *log = it_recorder_get(rec, task);
    assert_upload_log(log, BIG_SIZE, 201);
    g_assert_cmpint(log->last_total_expected_to_send, ==, BIG_SIZE);
    g_autofree char *stored = uploaded_path(name);
    g_assert_cmpint(it_file_size(stored), ==, BIG_SIZE);
    g_autofree char *got = it_sha256_file(stored);
    g_autofree char *want = it_sha256_www("100m.bin");
    g_assert_cmpstr(got, ==, want);
    g_unlink(stored);

    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_file_completion_echo(void)
{
    g_autofree char *source = g_build_filename(it_www_dir(), "1m.bin", NULL);
    g_autofree char *url = it_url(IT_HTTPS, "/echo");
    UrlSession *session = it_session_new(IT_HTTPS, NULL);
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    UrlSessionTask *task = url_session_upload_task_with_file_completion(session, request, source,
                                                                        it_data_completion, &done);
    it_run_task(task, 60);
    g_assert_cmpuint(done.calls, ==, 1);
    it_assert_no_error(done.error);
    g_autofree char *got = it_sha256_data(done.data->data, done.data->len);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_assert_cmpstr(got, ==, want);
    it_completion_clear(&done);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, NULL);
}

static void test_missing_file(void)
{
    g_autofree char *source = g_build_filename(it_scratch_dir(), "does-not-exist", NULL);
    g_autofree char *url = it_url(IT_HTTP, "/upload/never.bin");
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    UrlRequest *request = url_request_new(url);
    g_assert_true(url_request_set_method(request, "PUT", NULL));
    UrlSessionTask *task = url_session_upload_task_with_file(session, request, source);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_FILE_DOES_NOT_EXIST);
    g_autofree char *stored = uploaded_path("never.bin");
    g_assert_false(g_file_test(stored, G_FILE_TEST_EXISTS));
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

typedef struct {
    UrlInputStream *stream;
    const guint8 *data;
    size_t length;
    gboolean failed;
    char *why;
} PipeWriter;

static gpointer write_pipe(gpointer p)
{
    PipeWriter *w = p;
    size_t off = 0;
    /* Uneven chunks so that the writer and the network do not stay in step. */
    static const size_t chunks[] = {1, 4093, 65536, 200000, 7};
    unsigned turn = 0;
    while (off < w->length) {
        size_t n = MIN(chunks[turn++ % G_N_ELEMENTS(chunks)], w->length - off);
        long taken = url_input_stream_write(w->stream, w->data + off, n, 30);
        if (taken <= 0) {
            w->failed = TRUE;
            w->why =
                g_strdup_printf("url_input_stream_write returned %ld at offset %zu", taken, off);
            break;
        }
        off += (size_t)taken;
    }
    url_input_stream_close_write(w->stream);
    return NULL;
}

static void run_pipe_upload(ItProto proto, gboolean known_length)
{
    g_autofree guint8 *body = random_bytes(PIPE_SIZE, 21 + proto);
    g_autofree char *name =
        g_strdup_printf("pipe-%s-%s.bin", it_proto_name(proto), known_length ? "known" : "chunked");
    g_autofree char *path = g_strdup_printf("/upload/%s", name);
    g_autofree char *url = it_url(proto, path);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = url_request_new(url);
    g_assert_true(url_request_set_method(request, "PUT", NULL));
    UrlInputStream *stream = url_input_stream_new_pipe(0);
    UrlSessionTask *task = url_session_upload_task_with_stream(session, request, stream,
                                                               known_length ? PIPE_SIZE : -1);
    PipeWriter writer = {.stream = stream, .data = body, .length = PIPE_SIZE};
    GThread *thread = g_thread_new("pipe-writer", write_pipe, &writer);
    it_run_task(task, 120);
    g_thread_join(thread);
    g_assert_cmpstr(writer.why, ==, NULL);
    g_free(writer.why);

    ItTaskLog *log = it_recorder_get(rec, task);
    assert_upload_log(log, PIPE_SIZE, 201);
    /* The total is the given length, or unknown (-1) for a chunked body. */
    g_assert_cmpint(log->last_total_expected_to_send, ==, known_length ? PIPE_SIZE : -1);
    g_autofree char *stored = uploaded_path(name);
    g_autofree char *got = it_sha256_file(stored);
    g_autofree char *want = it_sha256_data(body, PIPE_SIZE);
    g_assert_cmpstr(got, ==, want);

    url_input_stream_unref(stream);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_pipe_chunked(gconstpointer data)
{
    run_pipe_upload(GPOINTER_TO_INT(data), FALSE);
}

static void test_pipe_known_length(gconstpointer data)
{
    run_pipe_upload(GPOINTER_TO_INT(data), TRUE);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    static const struct {
        const char *name;
        void (*fn)(gconstpointer);
    } per_proto[] = {
        {"data-put", test_data_put},
        {"data-echo", test_data_echo},
        {"file-put-100m", test_file_put},
        {"pipe-chunked", test_pipe_chunked},
        {"pipe-known-length", test_pipe_known_length},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(per_proto); i++) {
        for (int p = 0; p < IT_PROTO_COUNT; p++) {
            g_autofree char *path =
                g_strdup_printf("/upload/%s/%s", per_proto[i].name, it_proto_name(p));
            it_add_data(path, GINT_TO_POINTER(p), per_proto[i].fn);
        }
    }
    it_add("/upload/file-completion-echo", test_file_completion_echo);
    it_add("/upload/missing-file", test_missing_file);
    return it_run();
}
