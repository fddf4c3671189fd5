/* test_server_trust.c — server-trust challenges against nginx's TLS listener: the chain
 * reaches the delegate (DER, leaf first) with the leaf's SPKI sha256; a delegate pinning
 * that key gets through a chain no configured CA signed; another answer cancels, or
 * leaves libcurl's full verification, which refuses the untrusted chain. */
#include "fixture.h"

#include <string.h>

typedef struct {
    GMutex lock;
    int asked;
    UrlAuthChallengeDisposition disposition;
    const char *expected_pin; /* USE_CREDENTIAL only when the key matches; else cancel */
    /* What the last challenge showed. */
    UrlAuthenticationMethod method;
    char *host, *protocol, *pin;
    int port;
    size_t certificates;
    GBytes *leaf;
} Trust;

static void on_challenge(UrlSession *session, UrlSessionTask *task,
                         const UrlAuthenticationChallenge *challenge,
                         UrlAuthChallengeHandler *handler, void *data)
{
    Trust *t = data;
    const UrlProtectionSpace *space = url_authentication_challenge_get_protection_space(challenge);
    const char *pin = url_authentication_challenge_get_server_public_key_sha256(challenge);
    size_t length = 0;
    const void *leaf =
        url_authentication_challenge_get_server_certificate_der(challenge, 0, &length);
    g_mutex_lock(&t->lock);
    t->asked++;
    t->method = url_protection_space_get_authentication_method(space);
    g_free(t->host);
    t->host = g_strdup(url_protection_space_get_host(space));
    g_free(t->protocol);
    t->protocol = g_strdup(url_protection_space_get_protocol(space));
    t->port = url_protection_space_get_port(space);
    g_free(t->pin);
    t->pin = g_strdup(pin);
    t->certificates = url_authentication_challenge_get_server_certificate_count(challenge);
    if (t->leaf)
        g_bytes_unref(t->leaf);
    t->leaf = leaf ? g_bytes_new(leaf, length) : NULL;
    g_mutex_unlock(&t->lock);
    g_assert_null(url_authentication_challenge_get_failure_response(challenge));
    g_assert_null(url_authentication_challenge_get_server_certificate_der(
        challenge, url_authentication_challenge_get_server_certificate_count(challenge), &length));
    if (t->disposition != URL_AUTH_CHALLENGE_USE_CREDENTIAL) {
        url_auth_challenge_handler_complete(handler, t->disposition, NULL);
        return;
    }
    if (pin == NULL || g_strcmp0(pin, t->expected_pin) != 0) {
        url_auth_challenge_handler_complete(handler, URL_AUTH_CHALLENGE_CANCEL, NULL);
        return;
    }
    UrlCredential *credential = url_credential_new_for_trust(challenge);
    g_assert_nonnull(credential);
    g_assert_null(url_credential_get_user(credential));
    url_auth_challenge_handler_complete(handler, URL_AUTH_CHALLENGE_USE_CREDENTIAL, credential);
    url_credential_unref(credential);
}

static void trust_clear(Trust *t)
{
    g_free(t->host);
    g_free(t->protocol);
    g_free(t->pin);
    if (t->leaf)
        g_bytes_unref(t->leaf);
    g_mutex_clear(&t->lock);
}

static char *server_pem(void)
{
    g_autofree char *dir = g_path_get_dirname(it_ca_file());
    return g_build_filename(dir, "tls", "server.pem", NULL);
}

/* Runs a shell pipeline on nginx's certificate; returns its output. */
static GBytes *openssl_output(const char *pipeline)
{
    g_autofree char *pem = server_pem();
    g_autofree char *command = g_strdup_printf(pipeline, pem);
    char *argv[] = {"/bin/sh", "-c", command, NULL};
    char *out = NULL;
    gsize length = 0;
    int status = 0;
    GError *error = NULL;
    g_assert_true(
        g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    length = strlen(out);
    return g_bytes_new_take(out, length);
}

/* nginx's key pin, the way HPKP documents compute it, by openssl(1). */
static char *expected_pin(void)
{
    GBytes *out = openssl_output("openssl x509 -in '%s' -pubkey -noout | openssl pkey -pubin "
                                 "-outform der | openssl dgst -sha256 -binary | base64");
    char *pin = g_strstrip(g_strndup(g_bytes_get_data(out, NULL), g_bytes_get_size(out)));
    g_bytes_unref(out);
    return pin;
}

static GBytes *leaf_der(void)
{
    g_autofree char *pem = server_pem();
    g_autofree char *command = g_strdup_printf("openssl x509 -in '%s' -outform der", pem);
    char *argv[] = {"/bin/sh", "-c", command, NULL};
    char *out = NULL;
    gsize length = 0;
    GError *error = NULL;
    int status = 0;
    /* DER holds NUL bytes: read it through a file. */
    g_autofree char *path = g_build_filename(it_scratch_dir(), "leaf.der", NULL);
    g_autofree char *to_file = g_strdup_printf("%s > '%s'", command, path);
    argv[2] = to_file;
    g_assert_true(
        g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_true(g_file_get_contents(path, &out, &length, NULL));
    return g_bytes_new_take(out, length);
}

/* A configuration that does not trust the test CA: the system's store. */
static UrlSessionConfiguration *untrusting_configuration(void)
{
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTPS);
    url_session_configuration_set_ca_file(config, NULL);
    return config;
}

static UrlSessionTask *fetch(UrlSession *session, ItCompletion *c)
{
    g_autofree char *url = it_url(IT_HTTPS, "/files/small.txt");
    return it_fetch(session, url, NULL, c);
}

static UrlSession *session_with(UrlSessionConfiguration *config, Trust *t)
{
    UrlSessionDelegate delegate = {.task_did_receive_challenge = t ? on_challenge : NULL};
    return url_session_new(config, &delegate, t, NULL);
}

static void session_done(UrlSession *session)
{
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
}

/* Without a delegate the untrusted chain fails as libcurl's verification says. */
static void test_untrusted_fails(void)
{
    UrlSessionConfiguration *config = untrusting_configuration();
    UrlSession *session = session_with(config, NULL);
    ItCompletion c;
    UrlSessionTask *task = fetch(session, &c);
    g_assert_nonnull(c.error);
    int code = url_error_get_code(c.error);
    if (code != URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED &&
        code != URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT)
        g_error("expected an untrusted-certificate error, got %d: %s", code,
                url_error_get_message(c.error));
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);
    url_session_configuration_unref(config);
}

/* The delegate pins nginx's key: the untrusted chain is accepted, once per session. */
static void test_pinned_key_accepted(void)
{
    g_autofree char *pin = expected_pin();
    Trust t = {.disposition = URL_AUTH_CHALLENGE_USE_CREDENTIAL, .expected_pin = pin};
    g_mutex_init(&t.lock);
    UrlSessionConfiguration *config = untrusting_configuration();
    UrlSession *session = session_with(config, &t);
    ItCompletion c;
    UrlSessionTask *task = fetch(session, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_assert_cmpmem(c.data->data, c.data->len, "hello world\n", 12);
    g_assert_cmpint(t.asked, ==, 1);
    g_assert_cmpint(t.method, ==, URL_AUTH_METHOD_SERVER_TRUST);
    g_assert_cmpstr(t.host, ==, "127.0.0.1");
    g_assert_cmpstr(t.protocol, ==, "https");
    g_assert_cmpint(t.port, ==, it_port(IT_HTTPS));
    g_assert_cmpstr(t.pin, ==, pin);
    g_assert_cmpuint(t.certificates, ==, 1); /* nginx sends the leaf; no CA completes it */
    GBytes *want = leaf_der();
    g_assert_true(g_bytes_equal(t.leaf, want));
    g_bytes_unref(want);
    url_session_task_unref(task);
    it_completion_clear(&c);
    /* The answer holds for the session: the next task is not asked. */
    task = fetch(session, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(t.asked, ==, 1);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);
    url_session_configuration_unref(config);
    trust_clear(&t);
}

/* A key other than the pinned one is refused: the delegate cancels. */
static void test_wrong_pin_cancels(void)
{
    Trust t = {.disposition = URL_AUTH_CHALLENGE_USE_CREDENTIAL,
               .expected_pin = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="};
    g_mutex_init(&t.lock);
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTPS); /* even trusted */
    UrlSession *session = session_with(config, &t);
    ItCompletion c;
    UrlSessionTask *task = fetch(session, &c);
    it_assert_error_code(c.error, URL_ERROR_CANCELLED);
    g_assert_cmpint(t.asked, ==, 1);
    url_session_task_unref(task);
    it_completion_clear(&c);
    session_done(session);
    url_session_configuration_unref(config);
    trust_clear(&t);
}

/* Default handling is libcurl's verification: a trusted chain (leaf and CA) passes, an
 * untrusted one fails. */
static void test_default_handling(void)
{
    for (int trusted = 0; trusted < 2; trusted++) {
        Trust t = {.disposition = URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING};
        g_mutex_init(&t.lock);
        UrlSessionConfiguration *config =
            trusted ? it_configuration_new(IT_HTTPS) : untrusting_configuration();
        UrlSession *session = session_with(config, &t);
        ItCompletion c;
        UrlSessionTask *task = fetch(session, &c);
        g_assert_cmpint(t.asked, ==, 1);
        if (trusted) {
            it_assert_no_error(c.error);
            g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
            g_assert_cmpuint(t.certificates, ==, 2);
        } else {
            g_assert_nonnull(c.error);
            g_assert_cmpint(url_error_get_code(c.error), <=,
                            URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE);
            g_assert_cmpint(url_error_get_code(c.error), >=,
                            URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID);
        }
        url_session_task_unref(task);
        it_completion_clear(&c);
        session_done(session);
        url_session_configuration_unref(config);
        trust_clear(&t);
    }
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/server-trust/untrusted-fails", test_untrusted_fails);
    it_add("/server-trust/pinned-key-accepted", test_pinned_key_accepted);
    it_add("/server-trust/wrong-pin-cancels", test_wrong_pin_cancels);
    it_add("/server-trust/default-handling", test_default_handling);
    return it_run();
}
