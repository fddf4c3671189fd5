/* test_faults.c — faults injected by a misbehaving server (faulty_server.py) and by the
 * machine (a full disk, no file descriptors left): every task completes exactly once, with
 * the documented error, within a bound, and the session keeps working afterwards. */
#include "faulty.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    const char *path;
    int code; /* expected error code, 0 for success */
    const char *body;
} FaultCase;

static UrlSession *session_with_timeouts(ItProto proto, double request, double resource)
{
    UrlSessionConfiguration *configuration = it_configuration_new(proto);
    url_session_configuration_set_timeout_interval_for_request(configuration, request);
    url_session_configuration_set_timeout_interval_for_resource(configuration, resource);
    UrlSession *session = url_session_new(configuration, NULL, NULL, NULL);
    url_session_configuration_unref(configuration);
    return session;
}

/* The session is still good for an ordinary request after a fault. */
static void assert_session_recovers(UrlSession *session, FaultyListener listener,
                                    const char *scheme)
{
    g_autofree char *url = faulty_url(listener, scheme, "/ok");
    ItCompletion c;
    it_completion_init(&c);
    faulty_run(session, url, 30, &c);
    it_assert_no_error(c.error);
    g_assert_cmpmem(c.data->data, c.data->len, "ok\n", 3);
    it_completion_clear(&c);
}

static void run_case(UrlSession *session, const FaultCase *fault, double bound)
{
    g_autofree char *url = faulty_url(FAULTY_HTTP, "http", fault->path);
    ItCompletion c;
    it_completion_init(&c);
    double start = faulty_now();
    faulty_run(session, url, bound + 30, &c);
    double took = faulty_now() - start;
    if (took > bound)
        g_error("%s took %.1f s, more than %g s", fault->path, took, bound);
    it_assert_error_code(c.error, fault->code);
    if (fault->body)
        g_assert_cmpmem(c.data->data, c.data->len, fault->body, strlen(fault->body));
    if (fault->code)
        g_assert_nonnull(url_error_get_message(c.error));
    it_completion_clear(&c);
}

/* Resets, truncations and lying lengths: "connection lost", never a hang, and a length
 * shorter than the body ends the body there (the rest is ignored, as curl does). */
static void test_broken_responses(void)
{
    static const FaultCase cases[] = {
        {"/reset-headers", URL_ERROR_NETWORK_CONNECTION_LOST, NULL},
        {"/reset-body", URL_ERROR_NETWORK_CONNECTION_LOST, NULL},
        {"/truncated-chunked", URL_ERROR_NETWORK_CONNECTION_LOST, NULL},
        {"/long-length", URL_ERROR_NETWORK_CONNECTION_LOST, NULL},
        {"/short-length", 0, "hello"},
    };
    UrlSession *session = session_with_timeouts(IT_HTTP, 10, 60);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        run_case(session, &cases[i], 10);
    assert_session_recovers(session, FAULTY_HTTP, "http");
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

/* A server that accepts and then says nothing, before or after the head: the request
 * (idle) timeout fires. */
static void test_stalled_server(void)
{
    static const FaultCase cases[] = {
        {"/stall", URL_ERROR_TIMED_OUT, NULL},
        {"/stall-body", URL_ERROR_TIMED_OUT, NULL},
    };
    UrlSession *session = session_with_timeouts(IT_HTTP, 1, 60);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        run_case(session, &cases[i], 5);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

/* Slowloris in reverse: a server that trickles a byte every 100 ms keeps the idle timer
 * (1 s) happy and succeeds, but the resource timeout still bounds the whole task. */
static void test_trickle(void)
{
    UrlSession *session = session_with_timeouts(IT_HTTP, 1, 60);
    FaultCase ok = {"/trickle?bytes=20&ms=100", 0, "tttttttttttttttttttt"};
    run_case(session, &ok, 10);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);

    session = session_with_timeouts(IT_HTTP, 1, 1.5);
    FaultCase bounded = {"/trickle?bytes=200&ms=100", URL_ERROR_TIMED_OUT, NULL};
    run_case(session, &bounded, 6);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

/* Gigantic heads are refused with a bad-server-response error, and memory stays bounded
 * (what libcurl buffers for a head is capped, so RSS grows by far less than the head). */
static void test_gigantic_headers(void)
{
    static const FaultCase cases[] = {
        {"/huge-headers?kib=2048", URL_ERROR_BAD_SERVER_RESPONSE, NULL},
        {"/huge-line?kib=1024", URL_ERROR_BAD_SERVER_RESPONSE, NULL},
    };
    UrlSession *session = session_with_timeouts(IT_HTTP, 10, 60);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        gint64 before = it_rss_kib();
        run_case(session, &cases[i], 10);
        gint64 grown = it_rss_kib() - before;
        g_test_message("%s: RSS grew by %" G_GINT64_FORMAT " KiB", cases[i].path, grown);
        g_assert_cmpint(grown, <, 16 * 1024);
    }
    /* A large but sane head (64 KiB) is still fine. */
    FaultCase sane = {"/huge-headers?kib=64", 0, "ok\n"};
    run_case(session, &sane, 10);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

/* TLS that fails in the handshake is a secure-connection failure. */
static void test_tls_handshake_failure(void)
{
    UrlSession *session = session_with_timeouts(IT_HTTPS, 10, 60);
    g_autofree char *url = faulty_url(FAULTY_TLS_ALERT, "https", "/");
    ItCompletion c;
    it_completion_init(&c);
    faulty_run(session, url, 30, &c);
    it_assert_error_code(c.error, URL_ERROR_SECURE_CONNECTION_FAILED);
    it_completion_clear(&c);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

/* HTTP/2: a GOAWAY after the answer leaves the answer intact and the next request opens
 * a new connection; RST_STREAM fails the stream's task as a lost connection. */
static void test_h2_goaway_and_rst(void)
{
    UrlSession *session = session_with_timeouts(IT_H2C, 10, 60);
    for (int round = 0; round < 3; round++) {
        g_autofree char *url = faulty_url(FAULTY_H2_GOAWAY, "http", "/");
        ItCompletion c;
        it_completion_init(&c);
        faulty_run(session, url, 30, &c);
        it_assert_no_error(c.error);
        g_assert_cmpmem(c.data->data, c.data->len, "ok\n", 3);
        g_assert_cmpstr(url_response_get_http_version(c.response), ==, "h2");
        it_completion_clear(&c);
    }
    g_autofree char *rst = faulty_url(FAULTY_H2_RST, "http", "/");
    ItCompletion c;
    it_completion_init(&c);
    faulty_run(session, rst, 30, &c);
    it_assert_error_code(c.error, URL_ERROR_NETWORK_CONNECTION_LOST);
    it_completion_clear(&c);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

/* A disk that fills up under a download: the task fails with cannot-write-file and leaves
 * nothing in the download directory. Needs root for the tmpfs. */
static void test_disk_full(void)
{
    if (geteuid() != 0) {
        if (g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error("test_disk_full needs root (to mount a tmpfs)");
        g_test_skip("needs root to mount a small tmpfs");
        return;
    }
    g_autofree char *dir = g_build_filename(it_scratch_dir(), "full-disk", NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=512k") != 0) {
        if (g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error("cannot mount a tmpfs on %s: %s", dir, g_strerror(errno));
        g_test_skip_printf("cannot mount a tmpfs: %s", g_strerror(errno));
        return;
    }
    UrlSessionConfiguration *configuration = it_configuration_new(IT_HTTP);
    url_session_configuration_set_download_directory(configuration, dir);
    UrlSession *session = url_session_new(configuration, NULL, NULL, NULL);
    url_session_configuration_unref(configuration);

    g_autofree char *url = it_url(IT_HTTP, "/files/10m.bin");
    UrlRequest *request = url_request_new(url);
    ItCompletion c;
    it_completion_init(&c);
    UrlSessionTask *task =
        url_session_download_task_with_completion(session, request, it_download_completion, &c);
    url_request_unref(request);
    it_run_task(task, 60);
    it_assert_error_code(c.error, URL_ERROR_CANNOT_WRITE_TO_FILE);
    g_assert_null(c.location);
    g_test_message("disk full: %s", url_error_get_message(c.error));
    url_session_task_unref(task);
    g_assert_cmpint(it_dir_entry_count(dir), ==, 0);
    it_completion_clear(&c);

    /* Room again: a small download works in the same directory. */
    g_autofree char *small = it_url(IT_HTTP, "/files/1k.bin");
    request = url_request_new(small);
    it_completion_init(&c);
    task = url_session_download_task_with_completion(session, request, it_download_completion, &c);
    url_request_unref(request);
    it_run_task(task, 60);
    it_assert_no_error(c.error);
    g_assert_cmpint(c.download_size, ==, 1024);
    url_session_task_unref(task);
    it_completion_clear(&c);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
    g_assert_cmpint(it_dir_entry_count(dir), ==, 0);
    g_assert_cmpint(umount2(dir, MNT_DETACH), ==, 0);
}

/* The process runs out of file descriptors: tasks fail with an error naming the cause
 * (none hangs, each completes once), and work again once descriptors are back. */
static void test_out_of_file_descriptors(void)
{
    UrlSession *session = session_with_timeouts(IT_HTTP, 10, 60);
    g_autofree char *url = it_url(IT_HTTP, "/files/small.txt");
    ItCompletion c;
    it_completion_init(&c);
    faulty_run(session, url, 30, &c); /* threads, pools and the first connection set up */
    it_assert_no_error(c.error);
    it_completion_clear(&c);

    struct rlimit saved, tight;
    g_assert_cmpint(getrlimit(RLIMIT_NOFILE, &saved), ==, 0);
    /* Fill the table up to a tight limit with copies of stdin. */
    tight = saved;
    tight.rlim_cur = (rlim_t)it_fd_count() + 8;
    GArray *fillers = g_array_new(FALSE, FALSE, sizeof(int));
    g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &tight), ==, 0);
    for (;;) {
        int fd = dup(0);
        if (fd < 0)
            break;
        g_array_append_val(fillers, fd);
    }
    enum { TASKS = 4 };
    ItCompletion results[TASKS];
    UrlSessionTask *tasks[TASKS];
    g_autofree char *fresh = it_url(IT_HTTP, "/files/1k.bin");
    for (int i = 0; i < TASKS; i++) {
        it_completion_init(&results[i]);
        UrlSessionConfiguration *configuration = it_configuration_new(IT_HTTP);
        /* A new session: no pooled connection to reuse, a new socket is needed. */
        UrlSession *other = url_session_new(configuration, NULL, NULL, NULL);
        url_session_configuration_unref(configuration);
        UrlRequest *request = url_request_new(fresh);
        tasks[i] =
            url_session_data_task_with_completion(other, request, it_data_completion, &results[i]);
        url_request_unref(request);
        url_session_task_resume(tasks[i]);
        url_session_finish_tasks_and_invalidate(other);
        url_session_unref(other);
    }
    int failed = 0;
    for (int i = 0; i < TASKS; i++) {
        if (!url_session_task_wait(tasks[i], 30))
            g_error("task %d hung without file descriptors", i);
        g_assert_cmpuint(results[i].calls, ==, 1);
        if (results[i].error) {
            failed++;
            g_test_message("no fds: %s: %s",
                           url_error_code_name(url_error_get_code(results[i].error)),
                           url_error_get_message(results[i].error));
            g_assert_cmpint(url_error_get_code(results[i].error), ==,
                            URL_ERROR_CANNOT_CONNECT_TO_HOST);
        }
        url_session_task_unref(tasks[i]);
        it_completion_clear(&results[i]);
    }
    g_assert_cmpint(failed, >, 0);

    for (guint i = 0; i < fillers->len; i++)
        close(g_array_index(fillers, int, i));
    g_array_unref(fillers);
    g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &saved), ==, 0);
    it_completion_init(&c);
    faulty_run(session, fresh, 30, &c);
    it_assert_no_error(c.error);
    g_assert_cmpuint(c.data->len, ==, 1024);
    it_completion_clear(&c);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

#ifndef URL_TEST_SOURCE_DIR
#error "URL_TEST_SOURCE_DIR must name the project's source directory"
#endif
#define DNS_SERVER_SCRIPT URL_TEST_SOURCE_DIR "/test/reliability/dns_server.py"
/* The session's request timeout in the DNS test; the resolver gets the same for a lookup. */
#define DNS_TIMEOUT_S 3.0

static GPid dns_server_start(int port, const char *log)
{
    g_autofree char *command =
        g_strdup_printf("exec /usr/bin/python3 '%s' %d 2>>'%s'", DNS_SERVER_SCRIPT, port, log);
    return it_daemon_start(command, port, log);
}

static void dns_server_stop(GPid pid)
{
    it_daemon_stop(pid);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

/* GET http://@host:PORT/files/small.txt (nginx; @host resolved by the test's DNS server)
 * and returns the error code (0 for success), checking the bound and the body. */
static int fetch_through_dns(UrlSession *session, const char *host, double bound)
{
    g_autofree char *url = g_strdup_printf("http://%s:%d/files/small.txt", host, it_port(IT_HTTP));
    ItCompletion c;
    it_completion_init(&c);
    double start = faulty_now();
    faulty_run(session, url, bound + 30, &c);
    double took = faulty_now() - start;
    int code = c.error ? url_error_get_code(c.error) : 0;
    g_test_message("%s: %s after %.2f s", host,
                   c.error ? url_error_get_message(c.error) : "success", took);
    if (took > bound)
        g_error("%s took %.1f s, more than %g s", url, took, bound);
    if (code == 0)
        g_assert_cmpmem(c.data->data, c.data->len, "hello world\n", 12);
    else
        g_assert_cmpint(code, ==, URL_ERROR_DNS_LOOKUP_FAILED);
    it_completion_clear(&c);
    return code;
}

/* The configured DNS server (dns_server.py on loopback) answers, then goes silent, then
 * dies: a name it has not answered yet, or one whose 1 s TTL ran out, fails with -1006
 * "DNS lookup failed" within the lookup timeout, never hangs; when the server answers
 * again (silent one back, or a new one on the same port), the same session resolves
 * again. */
static void test_dns_server_goes_away(void)
{
    int port = it_unused_port();
    g_autofree char *log = g_build_filename(it_scratch_dir(), "dns_server.log", NULL);
    GPid server = dns_server_start(port, log);
    UrlSessionConfiguration *configuration = it_configuration_new(IT_HTTP);
    g_autofree char *servers = g_strdup_printf("127.0.0.1:%d", port);
    g_assert_true(url_session_configuration_set_dns_servers(configuration, servers));
    url_session_configuration_set_timeout_interval_for_request(configuration, DNS_TIMEOUT_S);
    UrlSession *session = url_session_new(configuration, NULL, NULL, NULL);
    url_session_configuration_unref(configuration);
    /* The lookup's own timeout, then the connection; generous for a loaded machine. */
    const double bound = DNS_TIMEOUT_S + 5;

    g_assert_cmpint(fetch_through_dns(session, "alpha.test", bound), ==, 0);

    /* Silent: queries are read and dropped. A new name, and the first one once its TTL
     * has run out, both fail in time. */
    g_assert_cmpint(kill(server, SIGUSR1), ==, 0);
    g_usleep(200 * 1000);
    g_assert_cmpint(fetch_through_dns(session, "beta.test", bound), ==,
                    URL_ERROR_DNS_LOOKUP_FAILED);
    g_usleep(1200 * 1000); /* past alpha's TTL */
    g_assert_cmpint(fetch_through_dns(session, "alpha.test", bound), ==,
                    URL_ERROR_DNS_LOOKUP_FAILED);
    /* Back: the same names resolve again. */
    g_assert_cmpint(kill(server, SIGUSR2), ==, 0);
    g_usleep(200 * 1000);
    g_assert_cmpint(fetch_through_dns(session, "beta.test", bound), ==, 0);

    /* Dead: nothing listens on the port (the kernel answers port unreachable). */
    dns_server_stop(server);
    g_usleep(1200 * 1000); /* past beta's TTL */
    g_assert_cmpint(fetch_through_dns(session, "gamma.test", bound), ==,
                    URL_ERROR_DNS_LOOKUP_FAILED);
    g_assert_cmpint(fetch_through_dns(session, "beta.test", bound), ==,
                    URL_ERROR_DNS_LOOKUP_FAILED);
    /* A new server on the same port: the session works again. */
    server = dns_server_start(port, log);
    g_assert_cmpint(fetch_through_dns(session, "gamma.test", bound), ==, 0);
    g_assert_cmpint(fetch_through_dns(session, "beta.test", bound), ==, 0);

    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
    dns_server_stop(server);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/faults/broken-responses", test_broken_responses);
    it_add("/faults/stalled-server", test_stalled_server);
    it_add("/faults/trickle", test_trickle);
    it_add("/faults/gigantic-headers", test_gigantic_headers);
    it_add("/faults/tls-handshake-failure", test_tls_handshake_failure);
    it_add("/faults/h2-goaway-and-rst", test_h2_goaway_and_rst);
    it_add("/faults/disk-full", test_disk_full);
    it_add("/faults/out-of-file-descriptors", test_out_of_file_descriptors);
    it_add("/faults/dns-server-goes-away", test_dns_server_goes_away);
    return it_run();
}
