/* test_timeouts.c — the request (idle) timeout fires on a server that never answers and not
 * on a slow but steady one; the resource timeout bounds the whole task. */
#include "fixture.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* A server of our own on 127.0.0.1 that accepts connections and never says a word. */
typedef struct {
    int listen_fd;
    int port;
    GThread *thread;
    gint stop;
    GArray *accepted; /* fds, owned by the thread until it ends */
} StallServer;

static gpointer stall_accept_loop(gpointer p)
{
    StallServer *s = p;
    while (!g_atomic_int_get(&s->stop)) {
        struct pollfd pfd = {.fd = s->listen_fd, .events = POLLIN};
        int r = poll(&pfd, 1, 50);
        if (r > 0) {
            int fd = accept(s->listen_fd, NULL, NULL);
            if (fd >= 0) {
                g_array_append_val(s->accepted, fd);
            }
        } else if (r < 0 && errno != EINTR) {
            break;
        }
    }
    return NULL;
}

static StallServer *stall_server_start(void)
{
    StallServer *s = g_new0(StallServer, 1);
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(s->listen_fd, >=, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr), ==, 0);
    g_assert_cmpint(listen(s->listen_fd, 16), ==, 0);
    socklen_t len = sizeof addr;
    g_assert_cmpint(getsockname(s->listen_fd, (struct sockaddr *)&addr, &len), ==, 0);
    s->port = ntohs(addr.sin_port);
    s->accepted = g_array_new(FALSE, FALSE, sizeof(int));
    s->thread = g_thread_new("stall-server", stall_accept_loop, s);
    return s;
}

static guint stall_server_stop(StallServer *s)
{
    g_atomic_int_set(&s->stop, 1);
    g_thread_join(s->thread);
    guint count = s->accepted->len;
    for (guint i = 0; i < s->accepted->len; i++) {
        close(g_array_index(s->accepted, int, i));
    }
    g_array_unref(s->accepted);
    close(s->listen_fd);
    g_free(s);
    return count;
}

/* Runs @request on a fresh session made from @config and returns the seconds it took. */
static double run_timed(UrlSessionConfiguration *config, UrlRequest *request, ItRecorder *rec,
                        UrlSessionTask **task_out)
{
    UrlSession *session = url_session_new(config, it_recorder_delegate(), rec, NULL);
    UrlSessionTask *task = url_session_data_task(session, request);
    gint64 start = g_get_monotonic_time();
    it_run_task(task, 60);
    double elapsed = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    it_session_finish(session, rec);
    *task_out = task;
    return elapsed;
}

static void test_idle_timeout_configuration(void)
{
    StallServer *stall = stall_server_start();
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    url_session_configuration_set_timeout_interval_for_request(config, 1.0);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/never", stall->port);
    UrlRequest *request = url_request_new(url);
    ItRecorder *rec = it_recorder_new();
    UrlSessionTask *task;
    double elapsed = run_timed(config, request, rec, &task);

    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_TIMED_OUT);
    g_assert_cmpstr(url_error_get_failing_url(log->error), ==, url);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 0);
    g_assert_cmpfloat(elapsed, >=, 0.9);
    g_assert_cmpfloat(elapsed, <, 3.0);
    g_assert_cmpuint(stall_server_stop(stall), >=, 1);

    url_session_task_unref(task);
    url_request_unref(request);
    url_session_configuration_unref(config);
    it_recorder_free(rec);
}

static void test_idle_timeout_request(void)
{
    StallServer *stall = stall_server_start();
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/never", stall->port);
    UrlRequest *request = url_request_new(url);
    /* The request's own timeout wins over the configuration's 30 s. */
    url_request_set_timeout_interval(request, 1.5);
    ItRecorder *rec = it_recorder_new();
    UrlSessionTask *task;
    double elapsed = run_timed(config, request, rec, &task);
    ItTaskLog *log = it_recorder_get(rec, task);
    it_assert_error_code(log->error, URL_ERROR_TIMED_OUT);
    g_assert_cmpfloat(elapsed, >=, 1.4);
    g_assert_cmpfloat(elapsed, <, 4.0);
    stall_server_stop(stall);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_configuration_unref(config);
    it_recorder_free(rec);
}

/* 1 MiB at 256 KiB/s takes about 4 s, far longer than the 1 s idle timeout, but bytes keep
 * moving, so it succeeds. */
static void test_slow_progress_succeeds(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlSessionConfiguration *config = it_configuration_new(proto);
    url_session_configuration_set_timeout_interval_for_request(config, 1.0);
    g_autofree char *url = it_url(proto, "/slow/1m.bin?rate=256k");
    UrlRequest *request = url_request_new(url);
    ItRecorder *rec = it_recorder_new();
    UrlSessionTask *task;
    double elapsed = run_timed(config, request, rec, &task);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_assert_cmpstr(g_checksum_get_string(log->body_sha256), ==, want);
    /* It really was slower than the idle timeout. */
    g_assert_cmpfloat(elapsed, >, 2.0);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_configuration_unref(config);
    it_recorder_free(rec);
}

static void test_resource_timeout(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlSessionConfiguration *config = it_configuration_new(proto);
    url_session_configuration_set_timeout_interval_for_request(config, 10.0);
    url_session_configuration_set_timeout_interval_for_resource(config, 1.5);
    g_autofree char *url = it_url(proto, "/slow/1m.bin?rate=128k");
    UrlRequest *request = url_request_new(url);
    ItRecorder *rec = it_recorder_new();
    UrlSessionTask *task;
    double elapsed = run_timed(config, request, rec, &task);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_TIMED_OUT);
    /* Some of the body came before the deadline, not all of it. */
    g_assert_cmpuint(log->body_length, >, 0);
    g_assert_cmpuint(log->body_length, <, 1048576);
    g_assert_cmpfloat(elapsed, >=, 1.4);
    g_assert_cmpfloat(elapsed, <, 4.0);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_configuration_unref(config);
    it_recorder_free(rec);
}

/* A suspended task's idle timer does not run: suspended for longer than the timeout, it
 * still succeeds. */
static void test_suspended_does_not_time_out(void)
{
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    url_session_configuration_set_timeout_interval_for_request(config, 1.0);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = url_session_new(config, it_recorder_delegate(), rec, NULL);
    g_autofree char *url = it_url(IT_HTTP, "/slow/1m.bin?rate=512k");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    url_session_task_resume(task);
    it_wait_bytes_received(task, 1, 10);
    url_session_task_suspend(task);
    g_usleep(2 * G_USEC_PER_SEC);
    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_SUSPENDED);
    url_session_task_resume(task);
    g_assert_true(url_session_task_wait(task, 30));
    ItTaskLog *log = it_recorder_get(rec, task);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->body_length, ==, 1048576);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    url_session_configuration_unref(config);
    it_recorder_free(rec);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/timeouts/idle/configuration", test_idle_timeout_configuration);
    it_add("/timeouts/idle/request", test_idle_timeout_request);
    it_add("/timeouts/idle/suspended-does-not-time-out", test_suspended_does_not_time_out);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *a =
            g_strdup_printf("/timeouts/slow-progress-succeeds/%s", it_proto_name(p));
        it_add_data(a, GINT_TO_POINTER(p), test_slow_progress_succeeds);
        g_autofree char *b = g_strdup_printf("/timeouts/resource/%s", it_proto_name(p));
        it_add_data(b, GINT_TO_POINTER(p), test_resource_timeout);
    }
    return it_run();
}
