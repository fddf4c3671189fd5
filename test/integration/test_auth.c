/* test_auth.c — authentication challenges against real servers: HTTP Basic (nginx's
 * auth_basic, with an htpasswd made at server start), HTTP Digest (auth_server.py, a
 * server of the test's own: nginx-light has no Digest), proxy Basic (tinyproxy's
 * BasicAuth); wrong passwords, cancel, default handling, credential storage and
 * persistence, a 401 without a challenge, credentials and redirects across origins, and
 * https -> http redirects refused. */
#include "fixture.h"

#include <string.h>

#define USER     "alice"
#define PASSWORD "wonderland"

/* ---- a scripted delegate ------------------------------------------------------------- */

typedef struct {
    UrlAuthChallengeDisposition disposition;
    const char *user, *password; /* USE_CREDENTIAL */
    UrlCredentialPersistence persistence;
} Reply;

typedef struct {
    char *host, *protocol, *realm, *proposed_user;
    int port, failures, status;
    UrlAuthenticationMethod method;
    bool proxy;
    bool task_level;
} Asked;

typedef struct {
    GMutex lock;
    const Reply *replies;
    size_t reply_count;
    GArray *asked; /* Asked */
} Script;

static void answer(Script *script, const UrlAuthenticationChallenge *challenge,
                   UrlAuthChallengeHandler *handler, bool task_level)
{
    const UrlProtectionSpace *space = url_authentication_challenge_get_protection_space(challenge);
    if (url_protection_space_get_authentication_method(space) == URL_AUTH_METHOD_SERVER_TRUST) {
        /* https origins are judged first (test_server_trust): libcurl's verification. */
        url_auth_challenge_handler_complete(handler, URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING,
                                            NULL);
        return;
    }
    UrlCredential *proposed = url_authentication_challenge_get_proposed_credential(challenge);
    const UrlResponse *failure = url_authentication_challenge_get_failure_response(challenge);
    Asked asked = {
        .host = g_strdup(url_protection_space_get_host(space)),
        .protocol = g_strdup(url_protection_space_get_protocol(space)),
        .realm = g_strdup(url_protection_space_get_realm(space)),
        .proposed_user = proposed ? g_strdup(url_credential_get_user(proposed)) : NULL,
        .port = url_protection_space_get_port(space),
        .failures = url_authentication_challenge_get_previous_failure_count(challenge),
        .status = failure ? url_response_get_status_code(failure) : 0,
        .method = url_protection_space_get_authentication_method(space),
        .proxy = url_protection_space_is_proxy(space),
        .task_level = task_level,
    };
    g_mutex_lock(&script->lock);
    size_t index = script->asked->len;
    g_array_append_val(script->asked, asked);
    g_mutex_unlock(&script->lock);
    g_assert_cmpuint(index, <, script->reply_count);
    const Reply *reply = &script->replies[index];
    UrlCredential *credential =
        reply->user ? url_credential_new_with_user(reply->user, reply->password, reply->persistence)
                    : NULL;
    url_auth_challenge_handler_complete(handler, reply->disposition, credential);
    url_credential_unref(credential);
}

static void on_task_challenge(UrlSession *session, UrlSessionTask *task,
                              const UrlAuthenticationChallenge *challenge,
                              UrlAuthChallengeHandler *handler, void *data)
{
    answer(data, challenge, handler, true);
}

static void on_session_challenge(UrlSession *session, const UrlAuthenticationChallenge *challenge,
                                 UrlAuthChallengeHandler *handler, void *data)
{
    answer(data, challenge, handler, false);
}

static Script *script_new(const Reply *replies, size_t count)
{
    Script *script = g_new0(Script, 1);
    g_mutex_init(&script->lock);
    script->replies = replies;
    script->reply_count = count;
    script->asked = g_array_new(FALSE, TRUE, sizeof(Asked));
    return script;
}

static void script_free(Script *script)
{
    for (guint i = 0; i < script->asked->len; i++) {
        Asked *a = &g_array_index(script->asked, Asked, i);
        g_free(a->host);
        g_free(a->protocol);
        g_free(a->realm);
        g_free(a->proposed_user);
    }
    g_array_unref(script->asked);
    g_mutex_clear(&script->lock);
    g_free(script);
}

static Asked *asked_at(Script *script, guint i)
{
    g_assert_cmpuint(i, <, script->asked->len);
    return &g_array_index(script->asked, Asked, i);
}

/* A session whose delegate answers challenges from @script: at task level, or only at
 * session level; NULL @script: a delegate without challenge callbacks. */
static UrlSession *session_new(UrlSessionConfiguration *config, Script *script, bool task_level)
{
    UrlSessionDelegate delegate = {0};
    if (script && task_level)
        delegate.task_did_receive_challenge = on_task_challenge;
    if (script)
        delegate.did_receive_challenge = on_session_challenge;
    return url_session_new(config, &delegate, script, NULL);
}

static void session_done(UrlSession *session)
{
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
}

static gint64 transaction_count(UrlSessionTask *task)
{
    UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
    gint64 count = (gint64)url_task_metrics_get_transaction_count(metrics);
    url_task_metrics_unref(metrics);
    return count;
}

/* Fetches @url and returns the finished task; @c holds the result. */
static UrlSessionTask *fetch(UrlSession *session, const char *url, ItCompletion *c)
{
    return it_fetch(session, url, NULL, c);
}

/* ---- Basic against nginx ------------------------------------------------------------- */

static void test_basic_success(gconstpointer data)
{
    ItProto proto = (ItProto)GPOINTER_TO_INT(data);
    static const Reply replies[] = {
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_NONE}};
    Script *script = script_new(replies, 1);
    UrlSessionConfiguration *config = it_configuration_new(proto);
    UrlSession *session = session_new(config, script, true);
    g_autofree char *url = it_url(proto, "/auth/basic/1m.bin");
    ItCompletion c;
    UrlSessionTask *task = fetch(session, url, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_autofree char *got = it_sha256_data(c.data->data, c.data->len);
    g_assert_cmpstr(got, ==, want);
    g_assert_cmpuint(script->asked->len, ==, 1);
    Asked *a = asked_at(script, 0);
    g_assert_true(a->task_level);
    g_assert_cmpstr(a->host, ==, "127.0.0.1");
    g_assert_cmpint(a->port, ==, it_port(proto));
    g_assert_cmpstr(a->protocol, ==, proto == IT_HTTPS ? "https" : "http");
    g_assert_cmpstr(a->realm, ==, "liburlsession");
    g_assert_cmpint(a->method, ==, URL_AUTH_METHOD_HTTP_BASIC);
    g_assert_false(a->proxy);
    g_assert_cmpint(a->failures, ==, 0);
    g_assert_cmpint(a->status, ==, 401);
    g_assert_null(a->proposed_user);
    /* The challenged request and the answered one are two transactions; over https the
     * handshake stopped for the server-trust question is one more. */
    g_assert_cmpint(transaction_count(task), ==, proto == IT_HTTPS ? 3 : 2);
    /* Persistence none: nothing stored, the next task is asked again. */
    g_assert_cmpuint(
        url_credential_storage_get_count(url_session_configuration_get_credential_storage(config)),
        ==, 0);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);
    url_session_configuration_unref(config);
    script_free(script);
}

/* A wrong password is asked about again with the failure count and the failed credential
 * proposed; the right one then succeeds. */
static void test_basic_wrong_password(void)
{
    static const Reply replies[] = {
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, "wrong", URL_CREDENTIAL_PERSISTENCE_NONE},
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, "still wrong", URL_CREDENTIAL_PERSISTENCE_NONE},
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_NONE}};
    Script *script = script_new(replies, 3);
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    UrlSession *session = session_new(config, script, true);
    g_autofree char *url = it_url(IT_HTTP, "/auth/basic/small.txt");
    ItCompletion c;
    UrlSessionTask *task = fetch(session, url, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_assert_cmpuint(script->asked->len, ==, 3);
    for (guint i = 0; i < 3; i++) {
        g_assert_cmpint(asked_at(script, i)->failures, ==, (int)i);
        g_assert_cmpstr(asked_at(script, i)->proposed_user, ==, i ? USER : NULL);
    }
    g_assert_cmpint(transaction_count(task), ==, 4);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);
    url_session_configuration_unref(config);
    script_free(script);
}

/* Cancel fails the task; reject-protection-space and default handling (nothing stored)
 * let the 401 complete it, body and all. */
static void test_basic_dispositions(void)
{
    const UrlAuthChallengeDisposition dispositions[] = {
        URL_AUTH_CHALLENGE_CANCEL, URL_AUTH_CHALLENGE_REJECT_PROTECTION_SPACE,
        URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING,
        URL_AUTH_CHALLENGE_USE_CREDENTIAL /* without a credential: default handling */};
    for (size_t i = 0; i < G_N_ELEMENTS(dispositions); i++) {
        Reply reply = {dispositions[i], NULL, NULL, 0};
        Script *script = script_new(&reply, 1);
        UrlSessionConfiguration *config = url_session_configuration_new_ephemeral();
        url_session_configuration_set_ca_file(config, it_ca_file());
        UrlSession *session = session_new(config, script, true);
        g_autofree char *url = it_url(IT_HTTP, "/auth/basic/small.txt");
        ItCompletion c;
        UrlSessionTask *task = fetch(session, url, &c);
        g_assert_cmpuint(script->asked->len, ==, 1);
        if (dispositions[i] == URL_AUTH_CHALLENGE_CANCEL) {
            it_assert_error_code(c.error, URL_ERROR_USER_CANCELLED_AUTHENTICATION);
        } else {
            it_assert_no_error(c.error);
            g_assert_cmpint(url_response_get_status_code(c.response), ==, 401);
            g_assert_nonnull(url_response_get_header(c.response, "WWW-Authenticate"));
            g_assert_cmpuint(c.data->len, >, 0);
            g_assert_nonnull(g_strstr_len((const char *)c.data->data, c.data->len, "401"));
        }
        url_session_task_unref(task);
        it_completion_clear(&c);
        session_done(session);
        url_session_configuration_unref(config);
        script_free(script);
    }
}

/* Without challenge callbacks a 401 is the answer, as in URLSession; a 401 without
 * WWW-Authenticate completes normally even with them, and nobody is asked. */
static void test_401_completes_normally(void)
{
    UrlSessionConfiguration *config = url_session_configuration_new_ephemeral();
    UrlSession *plain = session_new(config, NULL, false);
    g_autofree char *url = it_url(IT_HTTP, "/auth/basic/small.txt");
    ItCompletion c;
    UrlSessionTask *task = fetch(plain, url, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 401);
    g_assert_cmpint(transaction_count(task), ==, 1);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(plain);

    Script *script = script_new(NULL, 0);
    UrlSession *asking = session_new(config, script, true);
    g_autofree char *bare = it_url(IT_HTTP, "/status/401");
    task = fetch(asking, bare, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 401);
    g_assert_null(url_response_get_header(c.response, "WWW-Authenticate"));
    g_assert_cmpuint(c.data->len, ==, strlen("status 401\n"));
    g_assert_cmpuint(script->asked->len, ==, 0);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(asking);
    url_session_configuration_unref(config);
    script_free(script);
}

/* Only the session-level callback: it is asked. */
static void test_session_level_challenge(void)
{
    static const Reply replies[] = {
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_NONE}};
    Script *script = script_new(replies, 1);
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    UrlSession *session = session_new(config, script, false);
    g_autofree char *url = it_url(IT_HTTP, "/auth/basic/small.txt");
    ItCompletion c;
    UrlSessionTask *task = fetch(session, url, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_assert_cmpuint(script->asked->len, ==, 1);
    g_assert_false(asked_at(script, 0)->task_level);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);
    url_session_configuration_unref(config);
    script_free(script);
}

static UrlProtectionSpace *nginx_space(ItProto proto)
{
    return url_protection_space_new("127.0.0.1", it_port(proto),
                                    proto == IT_HTTPS ? "https" : "http", "liburlsession",
                                    URL_AUTH_METHOD_HTTP_BASIC, false);
}

/* Permanent persistence lands in the configuration's storage once it worked; a stored
 * credential answers by default handling (and without any challenge callback), once: a
 * stored wrong one leaves the 401. Ephemeral configurations do not share storage. */
static void test_storage_permanent(void)
{
    static const Reply replies[] = {
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_PERMANENT},
        {URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING, NULL, NULL, 0}};
    Script *script = script_new(replies, 2);
    UrlSessionConfiguration *config = url_session_configuration_new_ephemeral();
    UrlCredentialStorage *storage = url_session_configuration_get_credential_storage(config);
    g_assert_true(storage != url_credential_storage_shared());
    UrlSession *session = session_new(config, script, true);
    g_autofree char *url = it_url(IT_HTTP, "/auth/basic/small.txt");
    ItCompletion c;
    UrlSessionTask *task = fetch(session, url, &c);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    url_session_task_unref(task);
    it_completion_clear(&c);
    UrlProtectionSpace *space = nginx_space(IT_HTTP);
    UrlCredential *stored = url_credential_storage_copy_credential(storage, space);
    g_assert_nonnull(stored);
    g_assert_cmpstr(url_credential_get_user(stored), ==, USER);
    url_credential_unref(stored);
    /* The next task is asked with the stored credential proposed; default handling uses it. */
    task = fetch(session, url, &c);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_assert_cmpstr(asked_at(script, 1)->proposed_user, ==, USER);
    g_assert_cmpint(asked_at(script, 1)->failures, ==, 0);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);

    /* No challenge callback at all: the stored credential, once. */
    UrlSession *plain = session_new(config, NULL, false);
    task = fetch(plain, url, &c);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    url_session_task_unref(task);
    it_completion_clear(&c);
    UrlCredential *wrong =
        url_credential_new_with_user(USER, "wrong", URL_CREDENTIAL_PERSISTENCE_PERMANENT);
    url_credential_storage_set_credential(storage, wrong, space);
    url_credential_unref(wrong);
    task = fetch(plain, url, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 401);
    g_assert_cmpint(transaction_count(task), ==, 2);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(plain);

    /* Another ephemeral configuration has a storage of its own. */
    UrlSessionConfiguration *other = url_session_configuration_new_ephemeral();
    UrlSession *isolated = session_new(other, NULL, false);
    task = fetch(isolated, url, &c);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 401);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(isolated);
    url_session_configuration_unref(other);
    url_protection_space_unref(space);
    url_session_configuration_unref(config);
    script_free(script);
}

/* For-session persistence: the session remembers it, another session of the same
 * configuration does not, and the configuration's storage never sees it. */
static void test_storage_for_session(void)
{
    static const Reply replies[] = {
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_FOR_SESSION},
        {URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING, NULL, NULL, 0},
        {URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING, NULL, NULL, 0}};
    Script *script = script_new(replies, 3);
    UrlSessionConfiguration *config = url_session_configuration_new_ephemeral();
    UrlSession *session = session_new(config, script, true);
    g_autofree char *url = it_url(IT_HTTP, "/auth/basic/small.txt");
    ItCompletion c;
    for (int i = 0; i < 2; i++) {
        UrlSessionTask *task = fetch(session, url, &c);
        g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
        url_session_task_unref(task);
        it_completion_clear(&c);
    }
    g_assert_cmpstr(asked_at(script, 1)->proposed_user, ==, USER);
    session_done(session);
    g_assert_cmpuint(
        url_credential_storage_get_count(url_session_configuration_get_credential_storage(config)),
        ==, 0);
    UrlSession *next = session_new(config, script, true);
    UrlSessionTask *task = fetch(next, url, &c);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 401);
    g_assert_null(asked_at(script, 2)->proposed_user);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(next);
    url_session_configuration_unref(config);
    script_free(script);
}

/* ---- the test's own server: Digest, and Basic before a redirect ---------------------- */

typedef struct {
    GPid pid;
    int port;
    char *log;
} AuthServer;

static AuthServer *auth_server_start(void)
{
    g_autofree char *python = g_find_program_in_path("python3");
    g_assert_nonnull(python); /* nginx.sh's tests need it anyway */
    AuthServer *server = g_new0(AuthServer, 1);
    server->port = it_unused_port();
    g_autofree char *name = g_strdup_printf("auth-server-%d.log", server->port);
    server->log = g_build_filename(it_scratch_dir(), name, NULL);
    g_autofree char *port = g_strdup_printf("%d", server->port);
    g_autofree char *command = g_strdup_printf("exec '%s' '%s' %s %s %s >'%s' 2>&1", python,
                                               URL_TEST_SOURCE_DIR "/test/servers/auth_server.py",
                                               port, USER, PASSWORD, server->log);
    server->pid = it_daemon_start(command, server->port, server->log);
    return server;
}

static void auth_server_stop(AuthServer *server)
{
    it_daemon_stop(server->pid);
    g_free(server->log);
    g_free(server);
}

static char *auth_server_url(AuthServer *server, const char *path)
{
    return g_strdup_printf("http://127.0.0.1:%d%s", server->port, path);
}

static void test_digest(void)
{
    static const Reply replies[] = {
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, "wrong", URL_CREDENTIAL_PERSISTENCE_NONE},
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_NONE}};
    AuthServer *server = auth_server_start();
    Script *script = script_new(replies, 2);
    UrlSessionConfiguration *config = url_session_configuration_new_ephemeral();
    UrlSession *session = session_new(config, script, true);
    g_autofree char *url = auth_server_url(server, "/digest/page");
    ItCompletion c;
    UrlSessionTask *task = fetch(session, url, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_assert_cmpmem(c.data->data, c.data->len, "digest ok /digest/page\n", 23);
    g_assert_cmpuint(script->asked->len, ==, 2);
    Asked *a = asked_at(script, 0);
    g_assert_cmpint(a->method, ==, URL_AUTH_METHOD_HTTP_DIGEST);
    g_assert_cmpstr(a->realm, ==, "digest-realm");
    g_assert_cmpint(a->port, ==, server->port);
    g_assert_cmpint(a->failures, ==, 0);
    g_assert_cmpint(asked_at(script, 1)->failures, ==, 1);
    /* One transaction per hop: the first request, the wrong answer, the right one (each
     * answer costs libcurl one round trip more inside its hop, for the nonce). */
    g_assert_cmpint(transaction_count(task), ==, 3);
    g_autofree char *log = NULL;
    g_assert_true(g_file_get_contents(server->log, &log, NULL, NULL));
    g_assert_nonnull(strstr(log, "auth=Digest username=\"alice\", realm=\"digest-realm\""));
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);
    url_session_configuration_unref(config);
    script_free(script);
    auth_server_stop(server);
}

/* A credential answers its own origin only: after a redirect to another origin it is not
 * sent, to the same origin it is. */
static void test_credential_stays_with_origin(void)
{
    static const Reply replies[] = {
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_NONE},
        {URL_AUTH_CHALLENGE_USE_CREDENTIAL, USER, PASSWORD, URL_CREDENTIAL_PERSISTENCE_NONE}};
    AuthServer *server = auth_server_start();
    Script *script = script_new(replies, 2);
    UrlSessionConfiguration *config = url_session_configuration_new_ephemeral();
    UrlSession *session = session_new(config, script, true);
    g_autofree char *cross = it_url(IT_HTTP, "/headers"); /* nginx: another port */
    g_autofree char *same = auth_server_url(server, "/whoami");
    const char *targets[] = {cross, same};
    const char *want[] = {"authorization: \n", "authorization: Basic "};
    for (int i = 0; i < 2; i++) {
        g_autofree char *escaped = g_uri_escape_string(targets[i], NULL, FALSE);
        g_autofree char *path = g_strdup_printf("/basic-redirect?to=%s", escaped);
        g_autofree char *url = auth_server_url(server, path);
        ItCompletion c;
        UrlSessionTask *task = fetch(session, url, &c);
        it_assert_no_error(c.error);
        g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
        g_autofree char *body = g_strndup((const char *)c.data->data, c.data->len);
        if (strstr(body, want[i]) == NULL)
            g_error("after the redirect to %s: expected \"%s\" in \"%s\"", targets[i], want[i],
                    body);
        url_session_task_unref(task);
        it_completion_clear(&c);
    }
    session_done(session);
    url_session_configuration_unref(config);
    script_free(script);
    auth_server_stop(server);
}

/* https -> http redirects fail unless the configuration allows them; https -> https and
 * http -> http ones are unaffected. */
static void test_https_to_http_redirect_refused(void)
{
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTPS);
    g_assert_false(url_session_configuration_get_allows_https_to_http_redirects(config));
    g_autofree char *target = it_url(IT_HTTP, "/method");
    /* nginx puts $arg_to in Location as it is, undecoded. */
    g_autofree char *path = g_strdup_printf("/redirect/302?to=%s", target);
    g_autofree char *url = it_url(IT_HTTPS, path);
    for (int allowed = 0; allowed < 2; allowed++) {
        url_session_configuration_set_allows_https_to_http_redirects(config, allowed);
        UrlSession *session = session_new(config, NULL, false);
        ItCompletion c;
        UrlSessionTask *task = fetch(session, url, &c);
        if (allowed) {
            it_assert_no_error(c.error);
            g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
            g_assert_cmpstr(url_response_get_url(c.response), ==, target);
        } else {
            it_assert_error_code(c.error,
                                 URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION);
        }
        url_session_task_unref(task);
        it_completion_clear(&c);
        session_done(session);
    }
    url_session_configuration_unref(config);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add_data("/auth/basic/http", GINT_TO_POINTER(IT_HTTP), test_basic_success);
    it_add_data("/auth/basic/https", GINT_TO_POINTER(IT_HTTPS), test_basic_success);
    it_add("/auth/basic/wrong-password", test_basic_wrong_password);
    it_add("/auth/basic/dispositions", test_basic_dispositions);
    it_add("/auth/401-completes-normally", test_401_completes_normally);
    it_add("/auth/session-level", test_session_level_challenge);
    it_add("/auth/storage/permanent", test_storage_permanent);
    it_add("/auth/storage/for-session", test_storage_for_session);
    it_add("/auth/digest", test_digest);
    it_add("/auth/credential-stays-with-origin", test_credential_stays_with_origin);
    it_add("/auth/https-to-http-redirect", test_https_to_http_redirect_refused);
    return it_run();
}
