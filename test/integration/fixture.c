/* fixture.c — one loopback nginx per test program, URLs, checksums and a delegate recorder. */
#include "fixture.h"

#include <glib/gstdio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef URL_TEST_SOURCE_DIR
#error "URL_TEST_SOURCE_DIR must name the project's source directory"
#endif

#define IT_SERVER_SCRIPT URL_TEST_SOURCE_DIR "/test/servers/nginx.sh"
/* Tells a test's subprocess where the parent's server is. */
#define IT_ENV_ROOT "URL_IT_ROOT"
/* Set to 1: every test runs in this process, one after the other (run-valgrind.sh). */
#define IT_ENV_IN_PROCESS "URL_IT_IN_PROCESS"
/* The longest one test may run. */
#define IT_TEST_TIMEOUT_S 280
/* nginx.sh's exit status when nginx, its echo module or openssl is not installed. */
#define IT_EXIT_MISSING 77

typedef struct {
    void (*fn)(void);
    void (*fn_data)(gconstpointer);
    gconstpointer data;
} ItTest;

static struct {
    gboolean tried;
    gboolean ok;
    char *failure;    /* why the server is not there */
    gboolean missing; /* the failure is a missing prerequisite: skip outside CI */
    char *root;       /* temp dir of this program */
    char *server_dir;
    char *download_dir;
    char *scratch_dir;
    int ports[IT_PROTO_COUNT];
    char *ca;
    char *www;
    char *uploads;
    int watchdog_fd; /* write end; the watchdog stops the server when it closes */
    pid_t watchdog_pid;
    GPtrArray *tests;
    char **args; /* argv with --keep-going added, freed by it_run() */
} server = {.watchdog_fd = -1, .watchdog_pid = -1};

static gboolean running_in_ci(void)
{
    return g_strcmp0(g_getenv("CI"), "true") == 0;
}

/* A child that outlives any crash of ours: it waits for the pipe's write end (only this
 * process holds it, close-on-exec) to close, then stops nginx and removes the temp dir.
 * It runs in its own session so that a kill of our process group spares it. */
static void start_watchdog(void)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        g_error("pipe2: %s", g_strerror(errno));
    }
    /* Everything the child needs is prepared before fork: it only makes
     * async-signal-safe calls. */
    char *const argv[] = {"/bin/sh",
                          "-c",
                          "/bin/bash \"$0\" stop \"$1\" >/dev/null 2>&1; rm -rf \"$2\"",
                          IT_SERVER_SCRIPT,
                          server.server_dir,
                          server.root,
                          NULL};
    pid_t pid = fork();
    if (pid < 0) {
        g_error("fork: %s", g_strerror(errno));
    }
    if (pid == 0) {
        setsid();
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        dup2(fds[0], 3);
        close_range(4, ~0U, 0);
        for (;;) {
            char c;
            ssize_t n = read(3, &c, 1);
            if (n == 0 || (n < 0 && errno != EINTR)) {
                break;
            }
        }
        close(3);
        execv("/bin/sh", argv);
        _exit(127);
    }
    close(fds[0]);
    server.watchdog_fd = fds[1];
    server.watchdog_pid = pid;
}

static void stop_watchdog(void)
{
    if (server.watchdog_fd < 0) {
        return;
    }
    close(server.watchdog_fd);
    server.watchdog_fd = -1;
    /* Wait for the server to be gone, boundedly: 20 s. */
    for (int i = 0; i < 400; i++) {
        int status;
        pid_t r = waitpid(server.watchdog_pid, &status, WNOHANG);
        if (r == server.watchdog_pid || (r < 0 && errno != EINTR)) {
            server.watchdog_pid = -1;
            return;
        }
        g_usleep(50 * 1000);
    }
    g_printerr("# the server watchdog did not finish in 20 s\n");
}

static char *unquote_env_value(const char *value)
{
    size_t n = strlen(value);
    if (n >= 2 && value[0] == '\'' && value[n - 1] == '\'') {
        /* 'it'\''s' style quoting as nginx.sh writes it */
        GString *out = g_string_new(NULL);
        for (size_t i = 1; i + 1 < n; i++) {
            if (strncmp(value + i, "'\\''", 4) == 0) {
                g_string_append_c(out, '\'');
                i += 3;
            } else {
                g_string_append_c(out, value[i]);
            }
        }
        return g_string_free(out, FALSE);
    }
    return g_strdup(value);
}

static gboolean read_server_env(GError **error)
{
    g_autofree char *path = g_build_filename(server.server_dir, "server.env", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error)) {
        return FALSE;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *eq = strchr(*l, '=');
        if (!eq) {
            continue;
        }
        *eq = '\0';
        const char *key = *l;
        g_autofree char *value = unquote_env_value(eq + 1);
        if (strcmp(key, "URL_TEST_HTTP_PORT") == 0) {
            server.ports[IT_HTTP] = atoi(value);
        } else if (strcmp(key, "URL_TEST_HTTPS_PORT") == 0) {
            server.ports[IT_HTTPS] = atoi(value);
        } else if (strcmp(key, "URL_TEST_H2C_PORT") == 0) {
            server.ports[IT_H2C] = atoi(value);
        } else if (strcmp(key, "URL_TEST_CA") == 0) {
            server.ca = g_steal_pointer(&value);
        } else if (strcmp(key, "URL_TEST_WWW") == 0) {
            server.www = g_steal_pointer(&value);
        } else if (strcmp(key, "URL_TEST_UPLOADS") == 0) {
            server.uploads = g_steal_pointer(&value);
        }
    }
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        if (server.ports[p] <= 0 || server.ports[p] > 65535) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: bad port for %s", path,
                        it_proto_name((ItProto)p));
            return FALSE;
        }
    }
    if (!server.ca || !server.www || !server.uploads) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: incomplete", path);
        return FALSE;
    }
    return TRUE;
}

static void server_start(void)
{
    GError *error = NULL;
    server.tried = TRUE;
    server.root = g_dir_make_tmp("liburlsession-it-XXXXXX", &error);
    if (!server.root) {
        server.failure = g_strdup_printf("cannot make a temp dir: %s", error->message);
        g_clear_error(&error);
        return;
    }
    server.server_dir = g_build_filename(server.root, "server", NULL);
    server.download_dir = g_build_filename(server.root, "downloads", NULL);
    server.scratch_dir = g_build_filename(server.root, "scratch", NULL);
    g_mkdir_with_parents(server.download_dir, 0700);
    g_mkdir_with_parents(server.scratch_dir, 0700);
    start_watchdog();

    char *argv[] = {"/bin/bash", IT_SERVER_SCRIPT, "start", server.server_dir, NULL};
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error)) {
        server.failure = g_strdup_printf("cannot run %s: %s", IT_SERVER_SCRIPT, error->message);
        server.missing = TRUE;
        g_clear_error(&error);
        return;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == IT_EXIT_MISSING) {
        server.failure = g_strdup_printf("nginx is not available: %s", g_strstrip(err));
        server.missing = TRUE;
        return;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        server.failure = g_strdup_printf("%s start failed (status %d): %s%s", IT_SERVER_SCRIPT,
                                         status, out ? out : "", err ? err : "");
        return;
    }
    if (!read_server_env(&error)) {
        server.failure = g_strdup_printf("server.env: %s", error->message);
        g_clear_error(&error);
        return;
    }
    server.ok = TRUE;
}

/* In a test's subprocess: use the server the parent started. */
static void server_attach(const char *root)
{
    GError *error = NULL;
    server.tried = TRUE;
    server.root = g_strdup(root);
    server.server_dir = g_build_filename(root, "server", NULL);
    server.download_dir = g_build_filename(root, "downloads", NULL);
    server.scratch_dir = g_build_filename(root, "scratch", NULL);
    if (!read_server_env(&error)) {
        g_error("cannot attach to the parent's server: %s", error->message);
    }
    server.ok = TRUE;
}

/* Empties @path (not recursively into subdirectories' siblings: everything goes). */
static void remove_contents(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    if (!dir) {
        return;
    }
    const char *name;
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK)) {
            remove_contents(child);
            g_rmdir(child);
        } else {
            g_unlink(child);
        }
    }
    g_dir_close(dir);
}

/* Each test runs in a subprocess of its own (g_test_trap_subprocess), against the one
 * server of this program: a test that fails or crashes does not take the others with it,
 * and leaves no state behind for them. */
static void run_test_fn(const ItTest *test)
{
    if (test->fn) {
        test->fn();
    } else {
        test->fn_data(test->data);
    }
}

/* Under valgrind a subprocess per test would start valgrind again for each test (or not
 * be checked at all): with URL_IT_IN_PROCESS=1 the tests run in this process instead, one
 * after the other. A failed assertion then ends the program, as it would without the
 * fixture. Each session a test makes must be gone when the test returns, or memcheck
 * reports it at exit. */
static gboolean in_process(void)
{
    return g_strcmp0(g_getenv(IT_ENV_IN_PROCESS), "1") == 0;
}

static void run_test(gconstpointer data)
{
    const ItTest *test = data;
    if (g_test_subprocess()) {
        if (!server.tried) {
            const char *root = g_getenv(IT_ENV_ROOT);
            if (!root) {
                g_error("%s is not set in the test subprocess", IT_ENV_ROOT);
            }
            server_attach(root);
        }
        run_test_fn(test);
        return;
    }
    if (!server.tried) {
        server_start();
        if (server.ok) {
            g_setenv(IT_ENV_ROOT, server.root, TRUE);
        }
    }
    if (!server.ok) {
        if (server.missing && !running_in_ci()) {
            g_test_skip(server.failure);
        } else {
            g_test_fail_printf("the test server is required: %s", server.failure);
        }
        return;
    }
    if (in_process()) {
        /* As in a fresh process: nothing cached by an earlier test (the shared cache of
         * default configurations lives as long as the process). */
        url_cache_remove_all_cached_responses(url_cache_shared());
        run_test_fn(test);
        remove_contents(server.download_dir);
        remove_contents(server.scratch_dir);
        return;
    }
    g_test_trap_subprocess(NULL, IT_TEST_TIMEOUT_S * G_USEC_PER_SEC,
                           G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
    /* A test that failed mid-download cannot have cleaned up. */
    remove_contents(server.download_dir);
    remove_contents(server.scratch_dir);
    /* Marks this test failed and goes on with the next one. */
    if (!g_test_trap_has_passed()) {
        g_test_fail_printf("the test failed in its subprocess (its output is above)");
    }
}

void it_init(int *argc, char ***argv)
{
    /* Run every test even after a failure (each is isolated in its own subprocess):
     * what --keep-going asks of GTest. */
    char **args = server.args = g_new0(char *, (size_t)*argc + 2);
    for (int i = 0; i < *argc; i++) {
        args[i] = (*argv)[i];
    }
    args[*argc] = "--keep-going";
    *argc += 1;
    *argv = args;
    g_test_init(argc, argv, NULL);
    /* The tests' own sockets (stall server, refused ports) must not kill us. */
    signal(SIGPIPE, SIG_IGN);
    server.tests = g_ptr_array_new_with_free_func(g_free);
}

void it_add(const char *path, void (*fn)(void))
{
    ItTest *test = g_new0(ItTest, 1);
    test->fn = fn;
    g_ptr_array_add(server.tests, test);
    g_test_add_data_func(path, test, run_test);
}

void it_add_data(const char *path, gconstpointer data, void (*fn)(gconstpointer))
{
    ItTest *test = g_new0(ItTest, 1);
    test->fn_data = fn;
    test->data = data;
    g_ptr_array_add(server.tests, test);
    g_test_add_data_func(path, test, run_test);
}

int it_run(void)
{
    int status = g_test_run();
    stop_watchdog();
    g_clear_pointer(&server.tests, g_ptr_array_unref);
    g_clear_pointer(&server.args, g_free);
    return status;
}

const char *it_proto_name(ItProto proto)
{
    switch (proto) {
    case IT_HTTP:
        return "http";
    case IT_HTTPS:
        return "https";
    case IT_H2C:
        return "h2c";
    }
    return "?";
}

int it_port(ItProto proto)
{
    g_assert_true(server.ok);
    return server.ports[proto];
}

char *it_url(ItProto proto, const char *path)
{
    g_assert_true(path[0] == '/');
    return g_strdup_printf("%s://127.0.0.1:%d%s", proto == IT_HTTPS ? "https" : "http",
                           it_port(proto), path);
}

const char *it_ca_file(void)
{
    return server.ca;
}

const char *it_www_dir(void)
{
    return server.www;
}

const char *it_uploads_dir(void)
{
    return server.uploads;
}

const char *it_download_dir(void)
{
    return server.download_dir;
}

const char *it_scratch_dir(void)
{
    return server.scratch_dir;
}

UrlSessionConfiguration *it_configuration_new(ItProto proto)
{
    UrlSessionConfiguration *config = url_session_configuration_new_default();
    url_session_configuration_set_ca_file(config, it_ca_file());
    url_session_configuration_set_timeout_interval_for_request(config, 30);
    url_session_configuration_set_timeout_interval_for_resource(config, 300);
    url_session_configuration_set_download_directory(config, it_download_dir());
    if (proto == IT_H2C) {
        url_session_configuration_set_http_version(config, URL_HTTP_VERSION_2);
    }
    return config;
}

UrlSession *it_session_new(ItProto proto, ItRecorder *rec)
{
    UrlSessionConfiguration *config = it_configuration_new(proto);
    UrlSession *session = url_session_new(config, rec ? it_recorder_delegate() : NULL, rec, NULL);
    url_session_configuration_unref(config);
    g_assert_nonnull(session);
    return session;
}

char *it_sha256_data(const void *data, size_t length)
{
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, length);
}

char *it_sha256_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    guchar *buf = g_malloc(1 << 20);
    size_t n;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0) {
        g_checksum_update(sum, buf, n);
    }
    gboolean failed = ferror(f) != 0;
    fclose(f);
    g_free(buf);
    char *hex = failed ? NULL : g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return hex;
}

char *it_sha256_www(const char *name)
{
    g_autofree char *path = g_build_filename(it_www_dir(), name, NULL);
    char *hex = it_sha256_file(path);
    g_assert_nonnull(hex);
    return hex;
}

gint64 it_file_size(const char *path)
{
    GStatBuf st;
    if (g_stat(path, &st) != 0) {
        return -1;
    }
    return (gint64)st.st_size;
}

int it_dir_entry_count(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    if (!dir) {
        return -1;
    }
    int count = 0;
    while (g_dir_read_name(dir)) {
        count++;
    }
    g_dir_close(dir);
    return count;
}

int it_fd_count(void)
{
    /* g_dir_open holds one fd while counting; subtract it. */
    int n = it_dir_entry_count("/proc/self/fd");
    g_assert_cmpint(n, >, 0);
    return n - 1;
}

gint64 it_rss_kib(void)
{
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents("/proc/self/status", &text, NULL, NULL));
    const char *line = strstr(text, "\nVmRSS:");
    g_assert_nonnull(line);
    return g_ascii_strtoll(line + strlen("\nVmRSS:"), NULL, 10);
}

int it_env_count(const char *name, int fallback)
{
    const char *value = g_getenv(name);
    gint64 count = value ? g_ascii_strtoll(value, NULL, 10) : 0;
    return count > 0 && count <= G_MAXINT ? (int)count : fallback;
}

int it_unused_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(fd, >=, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof addr), ==, 0);
    socklen_t len = sizeof addr;
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&addr, &len), ==, 0);
    close(fd);
    return ntohs(addr.sin_port);
}

static gboolean port_accepts(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    gboolean ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

static void die_with_parent(gpointer unused)
{
    /* A failed assertion aborts the test process: the server must not outlive it. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

GPid it_daemon_start(const char *command, int port, const char *log)
{
    char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
    GPid pid = 0;
    GError *error = NULL;
    /* exec in @command keeps the death signal: it survives execve. */
    g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL,
                                &pid, &error));
    g_assert_no_error(error);
    for (int i = 0; i < 400 && !port_accepts(port); i++)
        g_usleep(25 * 1000);
    if (!port_accepts(port)) {
        g_autofree char *text = NULL;
        g_file_get_contents(log, &text, NULL, NULL);
        g_error("\"%s\" did not listen on port %d: %s", command, port, text ? text : "");
    }
    return pid;
}

void it_daemon_stop(GPid pid)
{
    kill(pid, SIGTERM);
    g_spawn_close_pid(pid);
}

/* ---- recorder ---- */

static const char *const event_names[IT_EV_COUNT] = {
    [IT_EV_DELAYED] = "will_begin_delayed_request",
    [IT_EV_REDIRECT] = "will_perform_redirection",
    [IT_EV_SEND_BODY] = "did_send_body_data",
    [IT_EV_NEED_BODY_STREAM] = "need_new_body_stream",
    [IT_EV_RESPONSE] = "data_did_receive_response",
    [IT_EV_DATA] = "data_did_receive_data",
    [IT_EV_WRITE_DATA] = "download_did_write_data",
    [IT_EV_FINISH_DOWNLOAD] = "download_did_finish_downloading_to",
    [IT_EV_METRICS] = "did_finish_collecting_metrics",
    [IT_EV_COMPLETE] = "did_complete",
    [IT_EV_BECOME_DOWNLOAD] = "data_did_become_download_task",
    [IT_EV_RESUME_AT_OFFSET] = "download_did_resume_at_offset",
};

const char *it_event_name(ItEvent event)
{
    return event < IT_EV_COUNT ? event_names[event] : "?";
}

static void task_log_free(gpointer p)
{
    ItTaskLog *log = p;
    g_array_unref(log->events);
    g_byte_array_unref(log->body);
    g_checksum_free(log->body_sha256);
    g_free(log->download_location);
    g_free(log->download_sha256);
    url_response_unref(log->response);
    url_response_unref(log->redirect_response);
    g_free(log->redirect_proposed_method);
    g_free(log->redirect_proposed_url);
    url_error_unref(log->error);
    g_free(log);
}

ItRecorder *it_recorder_new(void)
{
    ItRecorder *rec = g_new0(ItRecorder, 1);
    g_mutex_init(&rec->lock);
    g_cond_init(&rec->cond);
    rec->tasks = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, task_log_free);
    rec->cancel_on = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    rec->keep_body = TRUE;
    rec->response_disposition = URL_RESPONSE_ALLOW;
    return rec;
}

void it_recorder_free(ItRecorder *rec)
{
    if (!rec) {
        return;
    }
    g_hash_table_unref(rec->tasks);
    g_hash_table_unref(rec->cancel_on);
    url_error_unref(rec->invalid_error);
    g_free(rec->redirect_url);
    g_mutex_clear(&rec->lock);
    g_cond_clear(&rec->cond);
    g_free(rec);
}

void it_recorder_cancel_on(ItRecorder *rec, guint64 id, ItEvent event)
{
    gint64 *key = g_new(gint64, 1);
    *key = (gint64)id;
    g_mutex_lock(&rec->lock);
    g_hash_table_insert(rec->cancel_on, key, GUINT_TO_POINTER(event + 1));
    g_mutex_unlock(&rec->lock);
}

static ItTaskLog *log_for_locked(ItRecorder *rec, guint64 id)
{
    ItTaskLog *log = g_hash_table_lookup(rec->tasks, &id);
    if (!log) {
        log = g_new0(ItTaskLog, 1);
        log->id = id;
        log->events = g_array_new(FALSE, FALSE, sizeof(guint8));
        log->body = g_byte_array_new();
        log->body_sha256 = g_checksum_new(G_CHECKSUM_SHA256);
        log->sent_totals_monotonic = TRUE;
        log->last_total_expected_to_send = -2;
        log->download_size = -1;
        g_hash_table_insert(rec->tasks, &log->id, log);
    }
    return log;
}

ItTaskLog *it_recorder_get(ItRecorder *rec, UrlSessionTask *task)
{
    guint64 id = url_session_task_get_identifier(task);
    g_mutex_lock(&rec->lock);
    ItTaskLog *log = g_hash_table_lookup(rec->tasks, &id);
    g_mutex_unlock(&rec->lock);
    return log;
}

static void note_thread_locked(ItRecorder *rec)
{
    GThread *self = g_thread_self();
    if (rec->expected_thread && rec->expected_thread != self) {
        rec->wrong_thread_calls++;
    }
    if (!rec->first_thread) {
        rec->first_thread = self;
    } else if (rec->first_thread != self) {
        rec->other_thread_calls++;
    }
}

/* Records @event for @task and returns its log, with the lock held: the caller adds its
 * details and calls event_end(). */
static ItTaskLog *event_begin(ItRecorder *rec, UrlSessionTask *task, ItEvent event,
                              gboolean *cancel)
{
    if (g_atomic_int_add(&rec->in_callback, 1) != 0) {
        g_atomic_int_inc((gint *)&rec->overlapping_calls);
    }
    g_mutex_lock(&rec->lock);
    ItTaskLog *log = log_for_locked(rec, url_session_task_get_identifier(task));
    guint8 e = (guint8)event;
    g_array_append_val(log->events, e);
    log->counts[event]++;
    log->last_thread = g_thread_self();
    rec->seq++;
    note_thread_locked(rec);
    *cancel = FALSE;
    gpointer when = g_hash_table_lookup(rec->cancel_on, &log->id);
    if (when && GPOINTER_TO_UINT(when) == (guint)event + 1) {
        g_hash_table_remove(rec->cancel_on, &log->id);
        *cancel = TRUE;
    }
    return log;
}

static void event_end(ItRecorder *rec, UrlSessionTask *task, gboolean cancel)
{
    g_cond_broadcast(&rec->cond);
    g_mutex_unlock(&rec->lock);
    if (cancel) {
        url_session_task_cancel(task);
    }
    g_atomic_int_add(&rec->in_callback, -1);
}

static void on_did_become_invalid(UrlSession *session, const UrlError *error, void *data)
{
    ItRecorder *rec = data;
    g_mutex_lock(&rec->lock);
    rec->invalid_count++;
    rec->invalid_seq = ++rec->seq;
    if (error) {
        url_error_unref(rec->invalid_error);
        rec->invalid_error = url_error_ref(error);
    }
    note_thread_locked(rec);
    g_cond_broadcast(&rec->cond);
    g_mutex_unlock(&rec->lock);
}

static void on_will_begin_delayed_request(UrlSession *session, UrlSessionTask *task,
                                          UrlRequest *request, UrlDelayedRequestHandler *handler,
                                          void *data)
{
    gboolean cancel;
    ItTaskLog *log = event_begin(data, task, IT_EV_DELAYED, &cancel);
    (void)log;
    event_end(data, task, cancel);
    url_delayed_request_handler_complete(handler, URL_DELAYED_REQUEST_CONTINUE_LOADING, NULL);
}

static void on_will_perform_redirection(UrlSession *session, UrlSessionTask *task,
                                        const UrlResponse *response, UrlRequest *new_request,
                                        UrlRedirectHandler *handler, void *data)
{
    ItRecorder *rec = data;
    gboolean cancel;
    ItTaskLog *log = event_begin(rec, task, IT_EV_REDIRECT, &cancel);
    url_response_unref(log->redirect_response);
    log->redirect_response = url_response_ref(response);
    log->redirect_status = url_response_get_status_code(response);
    g_free(log->redirect_proposed_method);
    log->redirect_proposed_method = g_strdup(url_request_get_method(new_request));
    g_free(log->redirect_proposed_url);
    log->redirect_proposed_url = g_strdup(url_request_get_url(new_request));
    ItRedirectMode mode = rec->redirect_mode;
    g_autofree char *modified_url = g_strdup(rec->redirect_url);
    event_end(rec, task, cancel);

    switch (mode) {
    case IT_REDIRECT_FOLLOW:
        url_redirect_handler_complete(handler, new_request);
        break;
    case IT_REDIRECT_MODIFY: {
        UrlRequest *modified = url_request_copy(new_request);
        g_assert_true(url_request_set_url(modified, modified_url, NULL));
        url_redirect_handler_complete(handler, modified);
        url_request_unref(modified);
        break;
    }
    case IT_REDIRECT_REFUSE:
        url_redirect_handler_complete(handler, NULL);
        break;
    }
}

static void on_did_send_body_data(UrlSession *session, UrlSessionTask *task, int64_t bytes_sent,
                                  int64_t total_sent, int64_t total_expected, void *data)
{
    gboolean cancel;
    ItTaskLog *log = event_begin(data, task, IT_EV_SEND_BODY, &cancel);
    if (total_sent < log->last_total_sent || bytes_sent < 0) {
        log->sent_totals_monotonic = FALSE;
    }
    log->sent_sum += bytes_sent;
    log->last_total_sent = total_sent;
    log->last_total_expected_to_send = total_expected;
    event_end(data, task, cancel);
}

static void on_need_new_body_stream(UrlSession *session, UrlSessionTask *task,
                                    UrlBodyStreamHandler *handler, void *data)
{
    gboolean cancel;
    event_begin(data, task, IT_EV_NEED_BODY_STREAM, &cancel);
    event_end(data, task, cancel);
    url_body_stream_handler_complete(handler, NULL);
}

static void on_did_finish_collecting_metrics(UrlSession *session, UrlSessionTask *task,
                                             const UrlTaskMetrics *metrics, void *data)
{
    gboolean cancel;
    ItTaskLog *log = event_begin(data, task, IT_EV_METRICS, &cancel);
    log->metrics_redirect_count = (guint)url_task_metrics_get_redirect_count(metrics);
    event_end(data, task, cancel);
}

static void on_did_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                            void *data)
{
    ItRecorder *rec = data;
    gboolean cancel;
    ItTaskLog *log = event_begin(rec, task, IT_EV_COMPLETE, &cancel);
    if (error && !log->error) {
        log->error = url_error_ref(error);
    }
    rec->completed++;
    log->complete_seq = rec->seq;
    rec->last_complete_seq = rec->seq;
    event_end(rec, task, cancel);
}

static void on_data_did_receive_response(UrlSession *session, UrlSessionTask *task,
                                         const UrlResponse *response, UrlResponseHandler *handler,
                                         void *data)
{
    ItRecorder *rec = data;
    gboolean cancel;
    ItTaskLog *log = event_begin(rec, task, IT_EV_RESPONSE, &cancel);
    url_response_unref(log->response);
    log->response = url_response_ref(response);
    UrlResponseDisposition disposition = rec->response_disposition;
    event_end(rec, task, cancel);
    url_response_handler_complete(handler, disposition);
}

static void on_download_did_resume_at_offset(UrlSession *session, UrlSessionTask *task,
                                             int64_t offset, int64_t expected, void *data)
{
    ItRecorder *rec = data;
    gboolean cancel;
    ItTaskLog *log = event_begin(rec, task, IT_EV_RESUME_AT_OFFSET, &cancel);
    log->resume_offset = offset;
    log->resume_expected = expected;
    event_end(rec, task, cancel);
}

static void on_data_did_become_download_task(UrlSession *session, UrlSessionTask *data_task,
                                             UrlSessionTask *download_task, void *data)
{
    ItRecorder *rec = data;
    gboolean cancel;
    event_begin(rec, data_task, IT_EV_BECOME_DOWNLOAD, &cancel);
    g_assert_true(data_task == download_task);
    g_assert_cmpint(url_session_task_get_kind(download_task), ==, URL_TASK_KIND_DOWNLOAD);
    event_end(rec, data_task, cancel);
}

static void on_data_did_receive_data(UrlSession *session, UrlSessionTask *task, const void *bytes,
                                     size_t length, void *data)
{
    ItRecorder *rec = data;
    gboolean cancel;
    ItTaskLog *log = event_begin(rec, task, IT_EV_DATA, &cancel);
    if (rec->keep_body) {
        g_byte_array_append(log->body, bytes, (guint)length);
    }
    g_checksum_update(log->body_sha256, bytes, (gssize)length);
    log->body_length += length;
    guint sleep_us = rec->data_sleep_us;
    event_end(rec, task, cancel);
    if (sleep_us) {
        g_usleep(sleep_us);
    }
}

static void on_download_did_write_data(UrlSession *session, UrlSessionTask *task,
                                       int64_t bytes_written, int64_t total_written,
                                       int64_t total_expected, void *data)
{
    gboolean cancel;
    ItTaskLog *log = event_begin(data, task, IT_EV_WRITE_DATA, &cancel);
    log->written_sum += bytes_written;
    log->last_total_written = total_written;
    event_end(data, task, cancel);
}

static void on_download_did_finish_downloading_to(UrlSession *session, UrlSessionTask *task,
                                                  const char *location, void *data)
{
    /* Read the file outside the lock: it can be large. */
    char *sha = it_sha256_file(location);
    gint64 size = it_file_size(location);
    gboolean cancel;
    ItTaskLog *log = event_begin(data, task, IT_EV_FINISH_DOWNLOAD, &cancel);
    g_free(log->download_location);
    log->download_location = g_strdup(location);
    g_free(log->download_sha256);
    log->download_sha256 = sha;
    log->download_size = size;
    event_end(data, task, cancel);
}

static const UrlSessionDelegate recorder_delegate = {
    .did_become_invalid = on_did_become_invalid,
    .will_begin_delayed_request = on_will_begin_delayed_request,
    .will_perform_redirection = on_will_perform_redirection,
    .did_send_body_data = on_did_send_body_data,
    .need_new_body_stream = on_need_new_body_stream,
    .did_finish_collecting_metrics = on_did_finish_collecting_metrics,
    .did_complete = on_did_complete,
    .data_did_receive_response = on_data_did_receive_response,
    .data_did_receive_data = on_data_did_receive_data,
    .download_did_write_data = on_download_did_write_data,
    .download_did_finish_downloading_to = on_download_did_finish_downloading_to,
    .data_did_become_download_task = on_data_did_become_download_task,
    .download_did_resume_at_offset = on_download_did_resume_at_offset,
};

const UrlSessionDelegate *it_recorder_delegate(void)
{
    return &recorder_delegate;
}

/* Runs the recorder's queue or context for a short while, or sleeps on its condition. */
static void drive_once(ItRecorder *rec, double max_seconds)
{
    if (rec->manual_queue) {
        if (url_queue_wait(rec->manual_queue, max_seconds)) {
            url_queue_dispatch(rec->manual_queue);
        }
    } else if (rec->context) {
        if (!g_main_context_iteration(rec->context, FALSE)) {
            g_usleep((gulong)(MIN(max_seconds, 0.005) * G_USEC_PER_SEC));
        }
    } else {
        g_mutex_lock(&rec->lock);
        g_cond_wait_until(&rec->cond, &rec->lock,
                          g_get_monotonic_time() + (gint64)(max_seconds * G_USEC_PER_SEC));
        g_mutex_unlock(&rec->lock);
    }
}

static gboolean wait_until(ItRecorder *rec, gboolean (*done)(ItRecorder *, guint), guint arg,
                           double timeout)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(timeout * G_USEC_PER_SEC);
    for (;;) {
        g_mutex_lock(&rec->lock);
        gboolean ok = done(rec, arg);
        g_mutex_unlock(&rec->lock);
        if (ok) {
            return TRUE;
        }
        if (g_get_monotonic_time() >= deadline) {
            return FALSE;
        }
        drive_once(rec, 0.05);
    }
}

static gboolean completed_at_least(ItRecorder *rec, guint count)
{
    return rec->completed >= count;
}

static gboolean invalid_seen(ItRecorder *rec, guint unused)
{
    return rec->invalid_count > 0;
}

gboolean it_recorder_wait_completed(ItRecorder *rec, guint count, double timeout)
{
    return wait_until(rec, completed_at_least, count, timeout);
}

gboolean it_recorder_wait_invalid(ItRecorder *rec, double timeout)
{
    return wait_until(rec, invalid_seen, 0, timeout);
}

void it_recorder_pump(ItRecorder *rec, double seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    while (g_get_monotonic_time() < deadline) {
        drive_once(rec, 0.01);
    }
}

char *it_task_log_check_order(const ItTaskLog *log)
{
    /* Phases of delegate.h's documented order; an event may not go back to an earlier
     * phase. */
    enum { BEFORE, SENDING, RESPONDED, BODY, FINISHED, METRICS, DONE } phase = BEFORE;
    GString *trace = g_string_new(NULL);
    char *problem = NULL;
    for (guint i = 0; i < log->events->len && !problem; i++) {
        ItEvent e = g_array_index(log->events, guint8, i);
        g_string_append_printf(trace, "%s%s", i ? " " : "", it_event_name(e));
        if (phase == DONE) {
            problem = g_strdup_printf("%s after did_complete", it_event_name(e));
            break;
        }
        switch (e) {
        case IT_EV_DELAYED:
            if (i != 0) {
                problem = g_strdup("will_begin_delayed_request not first");
            }
            break;
        case IT_EV_SEND_BODY:
        case IT_EV_REDIRECT:
        case IT_EV_NEED_BODY_STREAM:
            if (phase > SENDING) {
                problem = g_strdup_printf("%s after the response", it_event_name(e));
            }
            phase = SENDING;
            break;
        case IT_EV_RESPONSE:
            if (phase > SENDING) {
                problem = g_strdup("data_did_receive_response twice or after the body");
            }
            phase = RESPONDED;
            break;
        case IT_EV_RESUME_AT_OFFSET:
            if (phase > RESPONDED) {
                problem = g_strdup("download_did_resume_at_offset after the body began");
            }
            break;
        case IT_EV_BECOME_DOWNLOAD:
            if (phase != RESPONDED) {
                problem = g_strdup("data_did_become_download_task not right after the response");
            }
            break;
        case IT_EV_DATA:
        case IT_EV_WRITE_DATA:
            if (phase > BODY) {
                problem = g_strdup_printf("%s after the end of the body", it_event_name(e));
            }
            if (log->counts[IT_EV_DATA] && log->counts[IT_EV_WRITE_DATA]) {
                problem = g_strdup("both data and download callbacks");
            }
            phase = BODY;
            break;
        case IT_EV_FINISH_DOWNLOAD:
            if (phase > BODY) {
                problem = g_strdup("download_did_finish_downloading_to twice or late");
            }
            phase = FINISHED;
            break;
        case IT_EV_METRICS:
            if (phase >= METRICS) {
                problem = g_strdup("did_finish_collecting_metrics twice");
            }
            phase = METRICS;
            break;
        case IT_EV_COMPLETE:
            phase = DONE;
            break;
        case IT_EV_COUNT:
            problem = g_strdup("unknown event");
            break;
        }
    }
    if (!problem && log->counts[IT_EV_COMPLETE] != 1) {
        problem = g_strdup_printf("did_complete ran %u times", log->counts[IT_EV_COMPLETE]);
    }
    if (!problem && phase != DONE) {
        problem = g_strdup("did_complete is not the last callback");
    }
    char *result = NULL;
    if (problem) {
        result = g_strdup_printf("task %" G_GUINT64_FORMAT ": %s; callbacks: %s", log->id, problem,
                                 trace->str);
        g_free(problem);
    }
    g_string_free(trace, TRUE);
    return result;
}

const char *it_task_log_body_string(const ItTaskLog *log)
{
    /* Keep a NUL after the bytes without counting it in the length. */
    g_byte_array_append(log->body, (const guint8 *)"", 1);
    g_byte_array_set_size(log->body, log->body->len - 1);
    return (const char *)log->body->data;
}

int it_task_log_error_code(const ItTaskLog *log)
{
    return log->error ? (int)url_error_get_code(log->error) : 0;
}

void it_session_finish(UrlSession *session, ItRecorder *rec)
{
    url_session_finish_tasks_and_invalidate(session);
    if (rec) {
        if (!it_recorder_wait_invalid(rec, 60)) {
            g_error("did_become_invalid did not arrive within 60 s");
        }
    }
    url_session_unref(session);
}

/* ---- completion handlers ---- */

void it_completion_init(ItCompletion *c)
{
    memset(c, 0, sizeof *c);
    g_mutex_init(&c->lock);
    c->data = g_byte_array_new();
    c->download_size = -1;
}

void it_completion_clear(ItCompletion *c)
{
    g_byte_array_unref(c->data);
    url_response_unref(c->response);
    url_error_unref(c->error);
    g_free(c->location);
    g_free(c->download_sha256);
    g_mutex_clear(&c->lock);
}

static void completion_common(ItCompletion *c, const UrlResponse *response, const UrlError *error)
{
    c->calls++;
    c->thread = g_thread_self();
    if (response && !c->response) {
        c->response = url_response_ref(response);
    }
    if (error && !c->error) {
        c->error = url_error_ref(error);
    }
}

void it_data_completion(UrlSessionTask *task, const void *data, size_t length,
                        const UrlResponse *response, const UrlError *error, void *user_data)
{
    ItCompletion *c = user_data;
    g_mutex_lock(&c->lock);
    completion_common(c, response, error);
    if (data && length) {
        g_byte_array_append(c->data, data, (guint)length);
    }
    g_mutex_unlock(&c->lock);
}

void it_download_completion(UrlSessionTask *task, const char *location, const UrlResponse *response,
                            const UrlError *error, void *user_data)
{
    ItCompletion *c = user_data;
    char *sha = location ? it_sha256_file(location) : NULL;
    gint64 size = location ? it_file_size(location) : -1;
    g_mutex_lock(&c->lock);
    completion_common(c, response, error);
    g_free(c->location);
    c->location = g_strdup(location);
    g_free(c->download_sha256);
    c->download_sha256 = sha;
    c->download_size = size;
    g_mutex_unlock(&c->lock);
}

int it_completion_error_code(ItCompletion *c)
{
    g_mutex_lock(&c->lock);
    int code = c->error ? (int)url_error_get_code(c->error) : 0;
    g_mutex_unlock(&c->lock);
    return code;
}

UrlSessionTask *it_fetch(UrlSession *session, const char *url, UrlRequest *request, ItCompletion *c)
{
    UrlRequest *own = request ? url_request_ref(request) : url_request_new(url);
    it_completion_init(c);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, own, it_data_completion, c);
    url_request_unref(own);
    it_run_task(task, 60);
    return task;
}

UrlSessionTask *it_download_task_new(UrlSession *session, const char *url, ItCompletion *c)
{
    UrlRequest *request = url_request_new(url);
    g_assert_nonnull(request);
    it_completion_init(c);
    UrlSessionTask *task =
        url_session_download_task_with_completion(session, request, it_download_completion, c);
    url_request_unref(request);
    return task;
}

void it_run_task(UrlSessionTask *task, double timeout)
{
    g_assert_nonnull(task);
    url_session_task_resume(task);
    if (!url_session_task_wait(task, timeout)) {
        g_error("task %" G_GUINT64_FORMAT " did not complete within %.0f s (state %d)",
                url_session_task_get_identifier(task), timeout,
                (int)url_session_task_get_state(task));
    }
}

void it_wait_bytes_received(UrlSessionTask *task, gint64 bytes, double timeout)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(timeout * G_USEC_PER_SEC);
    while (url_session_task_get_count_of_bytes_received(task) < bytes) {
        if (url_session_task_get_state(task) == URL_TASK_STATE_COMPLETED) {
            UrlError *error = url_session_task_get_error(task);
            g_error("task %" G_GUINT64_FORMAT " completed after %" G_GINT64_FORMAT
                    " bytes, before %" G_GINT64_FORMAT ": %s",
                    url_session_task_get_identifier(task),
                    url_session_task_get_count_of_bytes_received(task), bytes,
                    error ? url_error_get_message(error) : "success");
        }
        if (g_get_monotonic_time() >= deadline) {
            g_error("task %" G_GUINT64_FORMAT " received %" G_GINT64_FORMAT
                    " bytes in %.0f s, expected at least %" G_GINT64_FORMAT,
                    url_session_task_get_identifier(task),
                    url_session_task_get_count_of_bytes_received(task), timeout, bytes);
        }
        g_usleep(10 * 1000);
    }
}

void it_assert_error_code_impl(const char *file, int line, const UrlError *error, int code,
                               const char *code_name)
{
    int actual = error ? (int)url_error_get_code(error) : 0;
    if (actual == code) {
        return;
    }
    g_autofree char *msg =
        g_strdup_printf("%s:%d: expected %s (%d), got %s (%d): %s", file, line, code_name, code,
                        error ? url_error_code_name(url_error_get_code(error)) : "success", actual,
                        error ? url_error_get_message(error) : "no error");
    g_assertion_message(G_LOG_DOMAIN, file, line, G_STRFUNC, msg);
}
