/* test_resume.c — resume data: a download that loses its connection in mid-body carries
 * resume data and continues with Range + If-Range; a changed resource or a server that
 * ignores ranges starts again from 0; cancel-producing-resume-data against nginx; corrupt,
 * foreign and future-version blobs are refused with a clear error.
 *
 * The dropping server is the test's own: one thread on 127.0.0.1 that answers GETs of
 * one resource with an ETag, honours (or not) Range and If-Range, and can close the
 * connection after N body bytes. */
#include "fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONTENT_BYTES (4 * 1024 * 1024)
#define DROP_AFTER    (1024 * 1024)

typedef struct {
    GMutex lock;
    int listener;
    int port;
    GThread *thread;
    GBytes *content;
    char *etag;
    bool honour_ranges;
    gint64 drop_after; /* the next response stops after this many body bytes; -1: never */
    char *last_range;  /* of the last request, "" when absent */
    char *last_if_range;
    int requests;
} DropServer;

static void random_content(DropServer *server)
{
    guint8 *data = g_malloc(CONTENT_BYTES);
    for (size_t i = 0; i < CONTENT_BYTES; i += 4) {
        guint32 r = g_random_int();
        memcpy(data + i, &r, 4);
    }
    if (server->content)
        g_bytes_unref(server->content);
    server->content = g_bytes_new_take(data, CONTENT_BYTES);
}

static char *header_value(const char *head, const char *name)
{
    g_autofree char *needle = g_strdup_printf("\r\n%s:", name);
    const char *at = strcasestr(head, needle);
    if (at == NULL)
        return g_strdup("");
    at += strlen(needle);
    while (*at == ' ')
        at++;
    return g_strndup(at, strcspn(at, "\r\n"));
}

static bool send_all(int fd, const void *data, size_t length)
{
    const char *p = data;
    while (length > 0) {
        ssize_t n = send(fd, p, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        length -= (size_t)n;
    }
    return true;
}

static void serve_one(DropServer *server, int fd)
{
    GString *head = g_string_new(NULL);
    char buffer[4096];
    while (strstr(head->str, "\r\n\r\n") == NULL) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            g_string_free(head, TRUE);
            return;
        }
        g_string_append_len(head, buffer, n);
    }
    char *range = header_value(head->str, "Range");
    char *if_range = header_value(head->str, "If-Range");
    g_string_free(head, TRUE);

    g_mutex_lock(&server->lock);
    server->requests++;
    g_free(server->last_range);
    g_free(server->last_if_range);
    server->last_range = g_strdup(range);
    server->last_if_range = g_strdup(if_range);
    GBytes *content = g_bytes_ref(server->content);
    char *etag = g_strdup(server->etag);
    gint64 drop_after = server->drop_after;
    server->drop_after = -1;
    bool ranges = server->honour_ranges;
    g_mutex_unlock(&server->lock);

    gsize size = 0;
    const guint8 *data = g_bytes_get_data(content, &size);
    gint64 start = 0;
    bool partial = ranges && g_str_has_prefix(range, "bytes=") &&
                   (*if_range == '\0' || strcmp(if_range, etag) == 0);
    if (partial)
        start = g_ascii_strtoll(range + 6, NULL, 10);
    g_autofree char *response =
        partial ? g_strdup_printf("HTTP/1.1 206 Partial Content\r\nContent-Length: %" G_GSIZE_FORMAT
                                  "\r\nContent-Range: bytes %" G_GINT64_FORMAT "-%" G_GSIZE_FORMAT
                                  "/%" G_GSIZE_FORMAT "\r\nETag: %s\r\nAccept-Ranges: bytes\r\n"
                                  "Connection: close\r\n\r\n",
                                  size - (gsize)start, start, size - 1, size, etag)
                : g_strdup_printf("HTTP/1.1 200 OK\r\nContent-Length: %" G_GSIZE_FORMAT
                                  "\r\nETag: %s\r\n%sConnection: close\r\n\r\n",
                                  size, etag, ranges ? "Accept-Ranges: bytes\r\n" : "");
    size_t body = size - (gsize)start;
    if (drop_after >= 0 && (size_t)drop_after < body)
        body = (size_t)drop_after;
    if (send_all(fd, response, strlen(response)))
        send_all(fd, data + start, body);
    g_bytes_unref(content);
    g_free(etag);
    g_free(range);
    g_free(if_range);
}

static gpointer server_main(gpointer data)
{
    DropServer *server = data;
    for (;;) {
        int fd = accept(server->listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return NULL; /* the listener was shut down */
        }
        serve_one(server, fd);
        shutdown(fd, SHUT_RDWR);
        close(fd);
    }
}

static DropServer *drop_server_start(void)
{
    DropServer *server = g_new0(DropServer, 1);
    g_mutex_init(&server->lock);
    random_content(server);
    server->etag = g_strdup("\"v1\"");
    server->honour_ranges = true;
    server->drop_after = -1;
    server->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(server->listener, >=, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    g_assert_cmpint(bind(server->listener, (struct sockaddr *)&address, sizeof address), ==, 0);
    g_assert_cmpint(listen(server->listener, 16), ==, 0);
    socklen_t length = sizeof address;
    getsockname(server->listener, (struct sockaddr *)&address, &length);
    server->port = ntohs(address.sin_port);
    server->thread = g_thread_new("drop-server", server_main, server);
    return server;
}

static void drop_server_stop(DropServer *server)
{
    shutdown(server->listener, SHUT_RDWR);
    g_thread_join(server->thread);
    close(server->listener);
    g_bytes_unref(server->content);
    g_free(server->etag);
    g_free(server->last_range);
    g_free(server->last_if_range);
    g_mutex_clear(&server->lock);
    g_free(server);
}

static char *content_sha256(DropServer *server)
{
    gsize size = 0;
    const void *data = g_bytes_get_data(server->content, &size);
    return it_sha256_data(data, size);
}

/* Runs a download of the drop server's resource that loses its connection after
 * DROP_AFTER bytes; returns its resume data (g_bytes_unref). */
static GBytes *interrupted_download(DropServer *server, UrlSession *session, ItRecorder *rec)
{
    server->drop_after = DROP_AFTER;
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/big.bin", server->port);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_download_task(session, request);
    it_run_task(task, 60);
    ItTaskLog *log = it_recorder_get(rec, task);
    it_assert_error_code(log->error, URL_ERROR_NETWORK_CONNECTION_LOST);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 0);
    size_t length = 0;
    const void *data = url_error_get_resume_data(log->error, &length);
    g_assert_nonnull(data);
    g_assert_cmpuint(length, >, 0);
    GBytes *resume = g_bytes_new(data, length);
    /* The partial file is kept for the resume data, in the download directory. */
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 1);
    url_session_task_unref(task);
    url_request_unref(request);
    return resume;
}

/* Resumes @resume and checks the result: the offset reported, the file's sha256. */
static void resume_and_check(UrlSession *session, ItRecorder *rec, GBytes *resume,
                             gint64 want_offset, const char *want_sha256)
{
    gsize length = 0;
    const void *data = g_bytes_get_data(resume, &length);
    UrlError *error = NULL;
    UrlSessionTask *task =
        url_session_download_task_with_resume_data(session, data, length, &error);
    it_assert_no_error(error);
    g_assert_nonnull(task);
    it_run_task(task, 60);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_RESUME_AT_OFFSET], ==, 1);
    g_assert_cmpint(log->resume_offset, ==, want_offset);
    g_assert_cmpint(log->resume_expected, ==, CONTENT_BYTES);
    g_assert_cmpint(log->last_total_written, ==, CONTENT_BYTES);
    g_assert_cmpint(log->written_sum, ==, CONTENT_BYTES - want_offset);
    g_assert_cmpint(log->download_size, ==, CONTENT_BYTES);
    g_assert_cmpstr(log->download_sha256, ==, want_sha256);
    /* The resumed task owned the partial file: nothing is left. */
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 0);
    url_session_task_unref(task);
}

static void test_after_drop(void)
{
    DropServer *server = drop_server_start();
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    GBytes *resume = interrupted_download(server, session, rec);
    g_autofree char *want = content_sha256(server);
    resume_and_check(session, rec, resume, DROP_AFTER, want);
    g_autofree char *range = g_strdup_printf("bytes=%d-", DROP_AFTER);
    g_assert_cmpstr(server->last_range, ==, range);
    g_assert_cmpstr(server->last_if_range, ==, "\"v1\"");
    g_bytes_unref(resume);
    it_session_finish(session, rec);
    it_recorder_free(rec);
    drop_server_stop(server);
}

static void test_changed_validator_restarts(void)
{
    DropServer *server = drop_server_start();
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    GBytes *resume = interrupted_download(server, session, rec);
    g_mutex_lock(&server->lock);
    random_content(server);
    g_free(server->etag);
    server->etag = g_strdup("\"v2\"");
    g_mutex_unlock(&server->lock);
    g_autofree char *want = content_sha256(server);
    resume_and_check(session, rec, resume, 0, want);
    g_assert_cmpstr(server->last_if_range, ==, "\"v1\"");
    g_bytes_unref(resume);
    it_session_finish(session, rec);
    it_recorder_free(rec);
    drop_server_stop(server);
}

static void test_range_ignored_restarts(void)
{
    DropServer *server = drop_server_start();
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    GBytes *resume = interrupted_download(server, session, rec);
    server->honour_ranges = false;
    g_autofree char *want = content_sha256(server);
    resume_and_check(session, rec, resume, 0, want);
    g_bytes_unref(resume);
    it_session_finish(session, rec);
    it_recorder_free(rec);
    drop_server_stop(server);
}

typedef struct {
    GMutex lock;
    int calls;
    GBytes *data;
} ResumeResult;

static void on_resume_data(UrlSessionTask *task, const void *data, size_t length, void *user_data)
{
    ResumeResult *result = user_data;
    g_mutex_lock(&result->lock);
    result->calls++;
    result->data = data ? g_bytes_new(data, length) : NULL;
    g_mutex_unlock(&result->lock);
}

/* Against nginx, which sends ETag and honours If-Range: cancel a slow download by
 * producing resume data, then finish it. */
static void test_cancel_producing_resume_data(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/slow/1m.bin?rate=512k");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_download_task(session, request);
    url_session_task_resume(task);
    it_wait_bytes_received(task, 100 * 1024, 30);
    ResumeResult result = {0};
    g_mutex_init(&result.lock);
    url_session_task_cancel_by_producing_resume_data(task, on_resume_data, &result);
    g_assert_true(url_session_task_wait(task, 30));
    ItTaskLog *log = it_recorder_get(rec, task);
    it_assert_error_code(log->error, URL_ERROR_CANCELLED);
    g_assert_cmpint(result.calls, ==, 1);
    g_assert_nonnull(result.data);
    size_t in_error = 0;
    g_assert_nonnull(url_error_get_resume_data(log->error, &in_error));
    g_assert_cmpuint(in_error, ==, g_bytes_get_size(result.data));

    gsize length = 0;
    const void *blob = g_bytes_get_data(result.data, &length);
    UrlSessionTask *resumed =
        url_session_download_task_with_resume_data(session, blob, length, NULL);
    g_assert_nonnull(resumed);
    it_run_task(resumed, 60);
    ItTaskLog *resumed_log = it_recorder_get(rec, resumed);
    it_assert_no_error(resumed_log->error);
    g_assert_cmpint(resumed_log->resume_offset, >=, 100 * 1024);
    g_assert_cmpint(resumed_log->resume_expected, ==, 1048576);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_assert_cmpstr(resumed_log->download_sha256, ==, want);
    UrlResponse *response = url_session_task_get_response(resumed);
    g_assert_cmpint(url_response_get_status_code(response), ==, 206);
    url_response_unref(response);
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 0);

    g_bytes_unref(result.data);
    g_mutex_clear(&result.lock);
    url_session_task_unref(resumed);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* A data task has nothing to resume: the callback gets NULL. */
static void test_data_task_has_no_resume_data(void)
{
    UrlSession *session = it_session_new(IT_HTTP, NULL);
    g_autofree char *url = it_url(IT_HTTP, "/slow/1m.bin?rate=128k");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    url_session_task_resume(task);
    it_wait_bytes_received(task, 16 * 1024, 30);
    ResumeResult result = {0};
    g_mutex_init(&result.lock);
    url_session_task_cancel_by_producing_resume_data(task, on_resume_data, &result);
    g_assert_true(url_session_task_wait(task, 30));
    g_assert_cmpint(result.calls, ==, 1);
    g_assert_null(result.data);
    g_mutex_clear(&result.lock);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, NULL);
}

/* @blob with its checksum line recomputed, so that only the edit is wrong. */
static GBytes *rechecksum(const char *text)
{
    const char *sum_line = strstr(text, "sha256 ");
    g_assert_nonnull(sum_line);
    g_autofree char *covered = g_strndup(text, (gsize)(sum_line - text));
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, covered, -1);
    char *out = g_strdup_printf("%ssha256 %s\n", covered, sum);
    return g_bytes_new_take(out, strlen(out));
}

static void assert_refused(UrlSession *session, GBytes *blob, const char *why)
{
    gsize length = 0;
    const void *data = g_bytes_get_data(blob, &length);
    UrlError *error = NULL;
    UrlSessionTask *task =
        url_session_download_task_with_resume_data(session, data, length, &error);
    g_assert_null(task);
    it_assert_error_code(error, URL_ERROR_CANNOT_DECODE_RAW_DATA);
    if (strstr(url_error_get_message(error), why) == NULL)
        g_error("message \"%s\" does not say \"%s\"", url_error_get_message(error), why);
    url_error_unref(error);
}

static void test_bad_blobs(void)
{
    DropServer *server = drop_server_start();
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    GBytes *resume = interrupted_download(server, session, rec);
    g_autofree char *text = g_strndup(g_bytes_get_data(resume, NULL), g_bytes_get_size(resume));

    GBytes *garbage = g_bytes_new_static("PK\x03\x04 not resume data\n", 22);
    assert_refused(session, garbage, "not liburlsession resume data");
    g_bytes_unref(garbage);

    /* One byte changed in the URL: the checksum catches it. */
    g_autofree char *corrupt = g_strdup(text);
    char *url_line = strstr(corrupt, "\nurl ");
    url_line[10] ^= 0x01;
    GBytes *corrupted = g_bytes_new(corrupt, strlen(corrupt));
    assert_refused(session, corrupted, "checksum mismatch");
    g_bytes_unref(corrupted);

    GBytes *truncated = g_bytes_new(text, strlen(text) / 2);
    assert_refused(session, truncated, "");
    g_bytes_unref(truncated);

    g_autofree char *future_text = g_strdup(text);
    future_text[strlen("urlsession-resume-data ")] = '9';
    GBytes *future = rechecksum(future_text);
    assert_refused(session, future, "version 9 is not supported");
    g_bytes_unref(future);

    /* Resume data that names a file elsewhere (another session's directory, or any file
     * at all) is refused: a blob must not make the library write over other files. */
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **line = lines; *line; line++) {
        if (g_str_has_prefix(*line, "path ")) {
            g_free(*line);
            *line = g_strdup_printf("path %s/urlsession-XXXXXX.download", it_scratch_dir());
        }
    }
    g_autofree char *foreign_text = g_strjoinv("\n", lines);
    GBytes *foreign = rechecksum(foreign_text);
    assert_refused(session, foreign, "not a download file of this session");
    g_bytes_unref(foreign);

    /* Resume data that will not be used: its partial file goes when discarded. */
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 1);
    g_assert_true(url_session_discard_resume_data(session, g_bytes_get_data(resume, NULL),
                                                  g_bytes_get_size(resume)));
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 0);
    g_assert_false(url_session_discard_resume_data(session, g_bytes_get_data(resume, NULL),
                                                   g_bytes_get_size(resume)));
    g_bytes_unref(resume);
    it_session_finish(session, rec);
    it_recorder_free(rec);
    drop_server_stop(server);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/resume/after-drop", test_after_drop);
    it_add("/resume/changed-validator-restarts", test_changed_validator_restarts);
    it_add("/resume/range-ignored-restarts", test_range_ignored_restarts);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *path = g_strdup_printf("/resume/cancel-producing/%s", it_proto_name(p));
        it_add_data(path, GINT_TO_POINTER(p), test_cancel_producing_resume_data);
    }
    it_add("/resume/data-task-has-none", test_data_task_has_no_resume_data);
    it_add("/resume/bad-blobs", test_bad_blobs);
    return it_run();
}
