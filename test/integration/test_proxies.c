/* test_proxies.c — requests through real proxies the test starts on loopback: tinyproxy
 * (an HTTP proxy: absolute-form requests for http:// URLs, CONNECT tunnels for https://)
 * and dante (danted, SOCKS5); the no-proxy list; the environment's proxy variables; the
 * metrics' proxy flag. */
#include "fixture.h"

#include <string.h>

typedef struct {
    GPid pid;
    int port;
    char *log; /* where the proxy writes what it did */
} Proxy;

/* Starts @program (tinyproxy or danted) with a configuration made from @conf_format (one
 * %d: the port) and waits until it listens; NULL, with the test skipped (failed under
 * CI), when the program is not installed. */
static Proxy *proxy_start(const char *program, const char *package, const char *conf_format)
{
    g_autofree char *found = g_find_program_in_path(program);
    if (found == NULL && g_file_test("/usr/sbin/danted", G_FILE_TEST_IS_EXECUTABLE) &&
        g_str_equal(program, "danted"))
        found = g_strdup("/usr/sbin/danted");
    if (found == NULL) {
        g_autofree char *why =
            g_strdup_printf("%s is not installed (Debian package %s)", program, package);
        if (g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error("%s", why);
        g_test_skip(why);
        return NULL;
    }
    Proxy *proxy = g_new0(Proxy, 1);
    proxy->port = it_unused_port();
    g_autofree char *name = g_strdup_printf("%s-%d", program, proxy->port);
    g_autofree char *dir = g_build_filename(it_scratch_dir(), name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    g_autofree char *conf_path = g_build_filename(dir, "proxy.conf", NULL);
    proxy->log = g_build_filename(dir, "proxy.log", NULL);
    g_autofree char *conf = g_strdup_printf(conf_format, proxy->port);
    g_assert_true(g_file_set_contents(conf_path, conf, -1, NULL));
    g_autofree char *pid_path = g_build_filename(dir, "proxy.pid", NULL);
    /* Both log in the foreground, to the log file. */
    g_autofree char *command =
        g_str_equal(program, "danted")
            ? g_strdup_printf("exec '%s' -f '%s' -p '%s' -N 1 >'%s' 2>&1", found, conf_path,
                              pid_path, proxy->log)
            : g_strdup_printf("exec '%s' -d -c '%s' >'%s' 2>&1", found, conf_path, proxy->log);
    proxy->pid = it_daemon_start(command, proxy->port, proxy->log);
    return proxy;
}

static void proxy_stop(Proxy *proxy)
{
    if (proxy == NULL)
        return;
    it_daemon_stop(proxy->pid);
    g_free(proxy->log);
    g_free(proxy);
}

static char *proxy_log(Proxy *proxy)
{
    char *text = NULL;
    g_assert_true(g_file_get_contents(proxy->log, &text, NULL, NULL));
    return text;
}

static const char tinyproxy_conf[] = "Port %d\n"
                                     "Listen 127.0.0.1\n"
                                     "Timeout 60\n"
                                     "MaxClients 64\n"
                                     "Allow 127.0.0.1\n"
                                     "LogLevel Info\n";

static const char danted_conf[] = "logoutput: stderr\n"
                                  "internal: 127.0.0.1 port = %d\n"
                                  "external: 127.0.0.1\n"
                                  "socksmethod: none\n"
                                  "clientmethod: none\n"
                                  "user.privileged: root\n"
                                  "user.unprivileged: nobody\n"
                                  "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n"
                                  "socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect }\n";

static Proxy *http_proxy_start(void)
{
    return proxy_start("tinyproxy", "tinyproxy", tinyproxy_conf);
}

/* tinyproxy asking for Basic credentials (realm "Tinyproxy"). */
static Proxy *authenticating_proxy_start(void)
{
    g_autofree char *conf = g_strconcat(tinyproxy_conf, "BasicAuth alice wonderland\n", NULL);
    return proxy_start("tinyproxy", "tinyproxy", conf);
}

static Proxy *socks_proxy_start(void)
{
    return proxy_start("danted", "dante-server", danted_conf);
}

/* Fetches /files/1m.bin over @proto with @config and checks the body; returns the task's
 * only transaction's proxy flag and remote port. */
static void fetch_checked(UrlSessionConfiguration *config, ItProto proto, bool *proxied,
                          int *remote_port)
{
    UrlSession *session = url_session_new(config, NULL, NULL, NULL);
    g_autofree char *url = it_url(proto, "/files/1m.bin");
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, NULL, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_autofree char *got = it_sha256_data(c.data->data, c.data->len);
    g_assert_cmpstr(got, ==, want);
    UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
    g_assert_cmpuint(url_task_metrics_get_transaction_count(metrics), ==, 1);
    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    *proxied = url_transaction_metrics_is_proxy_connection(t);
    *remote_port = 0;
    url_transaction_metrics_get_remote_address(t, remote_port);
    url_task_metrics_unref(metrics);
    url_session_task_unref(task);
    it_completion_clear(&c);
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
}

static char *proxy_address(Proxy *proxy, const char *scheme)
{
    return g_strdup_printf("%s%s127.0.0.1:%d", scheme ? scheme : "", scheme ? "://" : "",
                           proxy->port);
}

/* An http:// URL through an HTTP proxy: the request line carries the absolute URL. */
static void test_http_proxy(void)
{
    Proxy *proxy = http_proxy_start();
    if (proxy == NULL)
        return;
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    g_autofree char *address = proxy_address(proxy, NULL);
    UrlError *error = NULL;
    g_assert_true(url_session_configuration_set_http_proxy(config, address, &error));
    g_assert_null(error);
    bool proxied = false;
    int port = 0;
    fetch_checked(config, IT_HTTP, &proxied, &port);
    g_assert_true(proxied);
    g_assert_cmpint(port, ==, proxy->port);
    g_autofree char *log = proxy_log(proxy);
    g_autofree char *line =
        g_strdup_printf("GET http://127.0.0.1:%d/files/1m.bin HTTP/1.1", it_port(IT_HTTP));
    g_assert_nonnull(strstr(log, line));
    url_session_configuration_unref(config);
    proxy_stop(proxy);
}

/* An https:// URL through the HTTPS proxy setting: a CONNECT tunnel, TLS with the origin
 * inside it (the test CA verifies nginx, not the proxy). */
static void test_https_proxy_connect(void)
{
    Proxy *proxy = http_proxy_start();
    if (proxy == NULL)
        return;
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTPS);
    g_autofree char *address = proxy_address(proxy, "http");
    g_assert_true(url_session_configuration_set_https_proxy(config, address, NULL));
    /* The http:// proxy setting is not used for https:// URLs. */
    g_assert_true(url_session_configuration_set_http_proxy(config, "127.0.0.1:9", NULL));
    bool proxied = false;
    int port = 0;
    fetch_checked(config, IT_HTTPS, &proxied, &port);
    g_assert_true(proxied);
    g_assert_cmpint(port, ==, proxy->port);
    g_autofree char *log = proxy_log(proxy);
    g_autofree char *line = g_strdup_printf("CONNECT 127.0.0.1:%d", it_port(IT_HTTPS));
    g_assert_nonnull(strstr(log, line));
    url_session_configuration_unref(config);
    proxy_stop(proxy);
}

/* SOCKS5 carries both schemes; the proxy resolves names (socks5h) by default. */
static void test_socks_proxy(gconstpointer data)
{
    ItProto proto = (ItProto)GPOINTER_TO_INT(data);
    Proxy *proxy = socks_proxy_start();
    if (proxy == NULL)
        return;
    UrlSessionConfiguration *config = it_configuration_new(proto);
    g_autofree char *address = proxy_address(proxy, NULL);
    g_assert_true(url_session_configuration_set_socks_proxy(config, address, NULL));
    g_autofree char *expected = proxy_address(proxy, "socks5h");
    g_assert_cmpstr(url_session_configuration_get_socks_proxy(config), ==, expected);
    bool proxied = false;
    int port = 0;
    fetch_checked(config, proto, &proxied, &port);
    g_assert_true(proxied);
    g_assert_cmpint(port, ==, proxy->port);
    g_autofree char *log = proxy_log(proxy);
    g_autofree char *target = g_strdup_printf("127.0.0.1.%d", it_port(proto));
    g_assert_nonnull(strstr(log, target));
    url_session_configuration_unref(config);
    proxy_stop(proxy);
}

/* A host in the no-proxy list is reached directly; the proxy never hears of it. */
static void test_no_proxy(void)
{
    Proxy *proxy = http_proxy_start();
    if (proxy == NULL)
        return;
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    g_autofree char *address = proxy_address(proxy, NULL);
    g_assert_true(url_session_configuration_set_http_proxy(config, address, NULL));
    url_session_configuration_set_no_proxy(config, "example.com, 127.0.0.0/8");
    bool proxied = true;
    int port = 0;
    fetch_checked(config, IT_HTTP, &proxied, &port);
    g_assert_false(proxied);
    g_assert_cmpint(port, ==, it_port(IT_HTTP));
    g_autofree char *log = proxy_log(proxy);
    g_assert_null(strstr(log, "/files/1m.bin"));
    url_session_configuration_unref(config);
    proxy_stop(proxy);
}

/* http_proxy and HTTPS_PROXY from the environment, as curl reads them; NO_PROXY; and a
 * configuration that turns the environment off. Each test runs in a process of its own,
 * and the variables are set before its first session starts the network thread. */
static void test_environment_proxies(void)
{
    Proxy *proxy = http_proxy_start();
    if (proxy == NULL)
        return;
    g_autofree char *address = proxy_address(proxy, NULL);
    g_setenv("http_proxy", address, TRUE);
    g_setenv("HTTPS_PROXY", address, TRUE);
    g_unsetenv("no_proxy");
    g_unsetenv("NO_PROXY");

    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    g_assert_true(url_session_configuration_get_uses_environment_proxies(config));
    bool proxied = false;
    int port = 0;
    fetch_checked(config, IT_HTTP, &proxied, &port);
    g_assert_true(proxied);
    g_assert_cmpint(port, ==, proxy->port);
    fetch_checked(config, IT_HTTPS, &proxied, &port);
    g_assert_true(proxied);
    g_assert_cmpint(port, ==, proxy->port);

    url_session_configuration_set_uses_environment_proxies(config, false);
    fetch_checked(config, IT_HTTP, &proxied, &port);
    g_assert_false(proxied);
    g_assert_cmpint(port, ==, it_port(IT_HTTP));
    url_session_configuration_set_uses_environment_proxies(config, true);

    g_setenv("NO_PROXY", "localhost,127.0.0.1", TRUE);
    fetch_checked(config, IT_HTTPS, &proxied, &port);
    g_assert_false(proxied);
    g_assert_cmpint(port, ==, it_port(IT_HTTPS));

    g_autofree char *log = proxy_log(proxy);
    g_autofree char *get = g_strdup_printf("GET http://127.0.0.1:%d/", it_port(IT_HTTP));
    g_autofree char *connect = g_strdup_printf("CONNECT 127.0.0.1:%d", it_port(IT_HTTPS));
    g_assert_nonnull(strstr(log, get));
    g_assert_nonnull(strstr(log, connect));
    url_session_configuration_unref(config);
    proxy_stop(proxy);
}

/* Upper-case HTTP_PROXY is never read (httpoxy); all_proxy is the fallback. */
static void test_environment_upper_case_http_proxy_ignored(void)
{
    Proxy *proxy = http_proxy_start();
    if (proxy == NULL)
        return;
    g_autofree char *address = proxy_address(proxy, NULL);
    g_unsetenv("http_proxy");
    g_unsetenv("all_proxy");
    g_unsetenv("ALL_PROXY");
    g_unsetenv("no_proxy");
    g_unsetenv("NO_PROXY");
    g_setenv("HTTP_PROXY", "127.0.0.1:9", TRUE);
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    bool proxied = true;
    int port = 0;
    fetch_checked(config, IT_HTTP, &proxied, &port);
    g_assert_false(proxied);

    g_setenv("ALL_PROXY", address, TRUE);
    fetch_checked(config, IT_HTTP, &proxied, &port);
    g_assert_true(proxied);
    g_assert_cmpint(port, ==, proxy->port);
    url_session_configuration_unref(config);
    proxy_stop(proxy);
}

/* A proxy that is not there fails the task as a connection failure, without a fallback
 * to a direct connection. */
static void test_unreachable_proxy(void)
{
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    g_autofree char *address = g_strdup_printf("127.0.0.1:%d", it_unused_port());
    g_assert_true(url_session_configuration_set_http_proxy(config, address, NULL));
    UrlSession *session = url_session_new(config, NULL, NULL, NULL);
    g_autofree char *url = it_url(IT_HTTP, "/files/small.txt");
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, NULL, &c);
    it_assert_error_code(c.error, URL_ERROR_CANNOT_CONNECT_TO_HOST);
    url_session_task_unref(task);
    it_completion_clear(&c);
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
    url_session_configuration_unref(config);
}

/* ---- proxy authentication ---------------------------------------------------------- */

typedef struct {
    GMutex lock;
    int asked;
    bool proxy;
    int port, failures;
    char *realm;
    const char *password; /* answered with; NULL: cancel */
} ProxyAsk;

static void on_proxy_challenge(UrlSession *session, UrlSessionTask *task,
                               const UrlAuthenticationChallenge *challenge,
                               UrlAuthChallengeHandler *handler, void *data)
{
    ProxyAsk *ask = data;
    const UrlProtectionSpace *space = url_authentication_challenge_get_protection_space(challenge);
    if (url_protection_space_get_authentication_method(space) == URL_AUTH_METHOD_SERVER_TRUST) {
        /* The https origin is judged first (test_server_trust): libcurl's verification. */
        url_auth_challenge_handler_complete(handler, URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING,
                                            NULL);
        return;
    }
    g_mutex_lock(&ask->lock);
    ask->asked++;
    ask->proxy = url_protection_space_is_proxy(space);
    ask->port = url_protection_space_get_port(space);
    ask->failures = url_authentication_challenge_get_previous_failure_count(challenge);
    g_free(ask->realm);
    ask->realm = g_strdup(url_protection_space_get_realm(space));
    g_mutex_unlock(&ask->lock);
    if (ask->password == NULL) {
        url_auth_challenge_handler_complete(handler, URL_AUTH_CHALLENGE_CANCEL, NULL);
        return;
    }
    UrlCredential *credential =
        url_credential_new_with_user("alice", ask->password, URL_CREDENTIAL_PERSISTENCE_NONE);
    url_auth_challenge_handler_complete(handler, URL_AUTH_CHALLENGE_USE_CREDENTIAL, credential);
    url_credential_unref(credential);
}

/* Fetches /files/small.txt over @proto through @proxy with @ask answering challenges
 * (NULL: no challenge callback). Returns the status (0 on error) and sets @code. */
static int fetch_through(Proxy *proxy, ItProto proto, ProxyAsk *ask, const char *proxy_url,
                         int *code)
{
    UrlSessionConfiguration *config = it_configuration_new(proto);
    g_autofree char *address = proxy_address(proxy, NULL);
    const char *setting = proxy_url ? proxy_url : address;
    if (proto == IT_HTTPS)
        g_assert_true(url_session_configuration_set_https_proxy(config, setting, NULL));
    else
        g_assert_true(url_session_configuration_set_http_proxy(config, setting, NULL));
    UrlSessionDelegate delegate = {.task_did_receive_challenge = ask ? on_proxy_challenge : NULL};
    UrlSession *session = url_session_new(config, &delegate, ask, NULL);
    g_autofree char *url = it_url(proto, "/files/small.txt");
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, NULL, &c);
    int status = c.response ? url_response_get_status_code(c.response) : 0;
    *code = c.error ? url_error_get_code(c.error) : 0;
    if (status == 200)
        g_assert_cmpmem(c.data->data, c.data->len, "hello world\n", 12);
    url_session_task_unref(task);
    it_completion_clear(&c);
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
    url_session_configuration_unref(config);
    return status;
}

/* A 407 from the proxy (absolute-form for http://, to CONNECT for https://) is a proxy
 * challenge: answered, the request goes through; cancel fails the task. (A wrong proxy
 * password is not tried here: tinyproxy 1.11 answers it with 401 and WWW-Authenticate,
 * as if it were the origin; the failure count is tested against origins in test_auth.) */
static void test_proxy_authentication(gconstpointer data)
{
    ItProto proto = (ItProto)GPOINTER_TO_INT(data);
    Proxy *proxy = authenticating_proxy_start();
    if (proxy == NULL)
        return;
    ProxyAsk ask = {.password = "wonderland"};
    g_mutex_init(&ask.lock);
    int code = 0;
    g_assert_cmpint(fetch_through(proxy, proto, &ask, NULL, &code), ==, 200);
    g_assert_cmpint(code, ==, 0);
    g_assert_cmpint(ask.asked, ==, 1);
    g_assert_true(ask.proxy);
    g_assert_cmpint(ask.port, ==, proxy->port);
    /* libcurl keeps a CONNECT's 407 head to itself: a tunnel's challenge has no realm. */
    g_assert_cmpstr(ask.realm, ==, proto == IT_HTTP ? "Tinyproxy" : NULL);

    ask.asked = 0;
    ask.password = NULL; /* cancel */
    g_assert_cmpint(fetch_through(proxy, proto, &ask, NULL, &code), ==, 0);
    g_assert_cmpint(code, ==, URL_ERROR_USER_CANCELLED_AUTHENTICATION);
    g_assert_cmpint(ask.asked, ==, 1);

    /* Without a challenge callback: the 407 is the answer for http://; a refused tunnel
     * has no response to give, so the task fails saying why. */
    int status = fetch_through(proxy, proto, NULL, NULL, &code);
    if (proto == IT_HTTP) {
        g_assert_cmpint(status, ==, 407);
    } else {
        g_assert_cmpint(status, ==, 0);
        g_assert_cmpint(code, ==, URL_ERROR_USER_AUTHENTICATION_REQUIRED);
    }

    /* Credentials in the proxy setting are sent without a challenge. */
    g_autofree char *with_user =
        g_strdup_printf("http://alice:wonderland@127.0.0.1:%d", proxy->port);
    ask.asked = 0;
    g_assert_cmpint(fetch_through(proxy, proto, &ask, with_user, &code), ==, 200);
    g_assert_cmpint(ask.asked, ==, 0);
    g_free(ask.realm);
    g_mutex_clear(&ask.lock);
    proxy_stop(proxy);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/proxies/http", test_http_proxy);
    it_add("/proxies/https-connect", test_https_proxy_connect);
    it_add_data("/proxies/socks5/http", GINT_TO_POINTER(IT_HTTP), test_socks_proxy);
    it_add_data("/proxies/socks5/https", GINT_TO_POINTER(IT_HTTPS), test_socks_proxy);
    it_add("/proxies/no-proxy", test_no_proxy);
    it_add("/proxies/environment", test_environment_proxies);
    it_add("/proxies/environment-upper-case-http-proxy",
           test_environment_upper_case_http_proxy_ignored);
    it_add("/proxies/unreachable", test_unreachable_proxy);
    it_add_data("/proxies/authentication/http", GINT_TO_POINTER(IT_HTTP),
                test_proxy_authentication);
    it_add_data("/proxies/authentication/https", GINT_TO_POINTER(IT_HTTPS),
                test_proxy_authentication);
    return it_run();
}
