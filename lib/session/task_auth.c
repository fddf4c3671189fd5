/* task_auth.c — HTTP authentication challenges of a task (Basic and Digest, origin and
 * proxy). A 401 with WWW-Authenticate (or a 407 with Proxy-Authenticate from the proxy
 * the hop used) is held, body and all, until its transfer ends; then the delegate's
 * task_did_receive_challenge (else did_receive_challenge) answers with a handler, or
 * default handling applies a stored credential once. A credential is sent on a new hop
 * (libcurl's CURLOPT_HTTPAUTH / CURLOPT_PROXYAUTH build the Authorization), only to the
 * protection space it answers, and is stored once a response other than a challenge
 * from that space came back. */
#include "task_auth.h"

#include <string.h>

#include <curl/curl.h>
#include <glib.h>

#include "http/auth_header.h"
#include "http/server_trust.h"
#include "session/auth_challenge.h"
#include "session/configuration.h"
#include "session/credential.h"
#include "session/error.h"
#include "session/request.h"
#include "session/response.h"
#include "session/task.h"

/* A challenge response's body is kept for the case that it completes the task. */
#define MAX_CHALLENGE_BODY_BYTES (1024 * 1024)

/* What one protection space's answer is: the credential sent, and how often one
 * failed there. */
typedef struct {
    UrlProtectionSpace *space;
    UrlCredential *credential; /* sent on the next hops; NULL: none */
    int failures;
    bool confirmed;    /* a response other than a challenge came back for it */
    bool stored_tried; /* default handling already sent the stored credential */
} Answer;

struct UrlTaskAuth {
    Answer origin, proxy, trust;
    /* A server-trust challenge: the chain the handshake showed. */
    GPtrArray *certificates;
    char *leaf_pin;
    char *hop_proxy; /* the proxy of the hop in progress, NULL: direct */
    /* The challenge being read, then asked about: a 401/407 response, or (response NULL)
     * a proxy's 407 to CONNECT, which libcurl keeps to itself. */
    bool pending;
    UrlResponse *response;
    GByteArray *body;
    Answer *asking; /* &origin or &proxy */
    UrlProtectionSpace *asked_space;
};

static struct UrlTaskAuth *auth_of(UrlSessionTask *task)
{
    if (task->net.auth == NULL)
        task->net.auth = g_new0(struct UrlTaskAuth, 1);
    return task->net.auth;
}

static void answer_clear(Answer *answer)
{
    g_clear_pointer(&answer->space, url_protection_space_unref);
    g_clear_pointer(&answer->credential, url_credential_unref);
    answer->failures = 0;
    answer->confirmed = false;
    answer->stored_tried = false;
}

/* The protection space of @url (scheme, host, port filled in) or of @proxy. */
static UrlProtectionSpace *space_for(const char *url, const char *realm,
                                     UrlAuthenticationMethod method, bool proxy)
{
    CURLU *parsed = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    UrlProtectionSpace *space = NULL;
    if (curl_url_set(parsed, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
        size_t n = strlen(host);
        g_autofree char *bare =
            n > 2 && host[0] == '[' ? g_strndup(host + 1, n - 2) : g_strdup(host);
        int number = port ? atoi(port) : 1080; /* a proxy without a port: curl's 1080 */
        space = url_protection_space_new(bare, number, scheme, realm, method, proxy);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(parsed);
    return space;
}

/* Whether @url is in @space's origin (protocol, host, port). */
static bool url_in_space(const char *url, const UrlProtectionSpace *space)
{
    UrlProtectionSpace *other = space_for(url, NULL, space->method, space->proxy);
    bool same = other && other->port == space->port &&
                g_ascii_strcasecmp(other->host, space->host) == 0 &&
                strcmp(other->protocol, space->protocol) == 0;
    url_protection_space_unref(other);
    return same;
}

static bool same_space(const UrlProtectionSpace *a, const UrlProtectionSpace *b)
{
    return a && b && url__protection_space_equal(a, b);
}

/* The stored credential for @space: the session's own (for-session persistence), else
 * the configuration's storage. */
static UrlCredential *stored_credential(UrlSessionTask *task, const UrlProtectionSpace *space)
{
    UrlCredential *credential =
        url_credential_storage_copy_credential(task->session->credentials, space);
    UrlCredentialStorage *storage = task->session->configuration->credential_storage;
    if (credential == NULL && storage)
        credential = url_credential_storage_copy_credential(storage, space);
    return credential;
}

static void store_credential(UrlSessionTask *task, Answer *answer)
{
    UrlCredential *credential = answer->credential;
    UrlCredentialStorage *storage = NULL;
    switch (credential->persistence) {
    case URL_CREDENTIAL_PERSISTENCE_FOR_SESSION:
        storage = task->session->credentials;
        break;
    case URL_CREDENTIAL_PERSISTENCE_PERMANENT:
        storage = task->session->configuration->credential_storage;
        break;
    case URL_CREDENTIAL_PERSISTENCE_NONE:
        break;
    }
    if (storage)
        url_credential_storage_set_credential(storage, credential, answer->space);
}

static bool delegate_answers_challenges(UrlSessionTask *task)
{
    const UrlSessionDelegate *delegate = &task->session->delegate;
    return delegate->task_did_receive_challenge || delegate->did_receive_challenge;
}

bool url__task_auth_on_response(UrlSessionTask *task, UrlResponse *response, bool proxied)
{
    struct UrlTaskAuth *auth = auth_of(task);
    int status = url_response_get_status_code(response);
    bool proxy = status == 407 && proxied && auth->hop_proxy;
    /* A credential that was sent and not challenged again worked. */
    Answer *answers[] = {&auth->origin, &auth->proxy};
    for (size_t i = 0; i < G_N_ELEMENTS(answers); i++) {
        Answer *answer = answers[i];
        bool challenged_again = (i == 0 && status == 401) || (i == 1 && status == 407);
        if (answer->credential && !challenged_again && !answer->confirmed) {
            store_credential(task, answer);
            answer->confirmed = true;
        }
    }
    if (status != 401 && !proxy)
        return false;
    g_autofree char *value =
        url_response_get_header_joined(response, proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
    UrlAuthenticationMethod method;
    g_autofree char *realm = NULL;
    if (value == NULL || !url__auth_header_pick(value, &method, &realm))
        return false; /* nothing to answer: the response completes the task */
    UrlProtectionSpace *space =
        space_for(proxy ? auth->hop_proxy : url_response_get_url(response), realm, method, proxy);
    if (space == NULL)
        return false;
    Answer *answer = proxy ? &auth->proxy : &auth->origin;
    if (!same_space(answer->space, space)) {
        answer_clear(answer);
        answer->space = url_protection_space_ref(space);
    }
    /* Without a delegate to ask, only a stored credential not tried yet can answer. */
    if (!delegate_answers_challenges(task)) {
        UrlCredential *stored = answer->stored_tried ? NULL : stored_credential(task, space);
        bool usable = stored != NULL;
        url_credential_unref(stored);
        if (!usable) {
            url_protection_space_unref(space);
            return false;
        }
    }
    if (answer->credential)
        answer->failures++;
    auth->pending = true;
    auth->asking = answer;
    auth->asked_space = space;
    auth->response = url_response_ref(response);
    auth->body = g_byte_array_new();
    return true;
}

bool url__task_auth_tunnel_refused(UrlSessionTask *task, UrlTransfer *transfer, UrlError **error)
{
    long available = 0;
    if (*error == NULL || !url__transfer_tunnel_refused(transfer, &available))
        return false;
    struct UrlTaskAuth *auth = auth_of(task);
    UrlAuthenticationMethod method =
        (available & CURLAUTH_DIGEST) ? URL_AUTH_METHOD_HTTP_DIGEST : URL_AUTH_METHOD_HTTP_BASIC;
    UrlProtectionSpace *space = (available & (CURLAUTH_BASIC | CURLAUTH_DIGEST)) && auth->hop_proxy
                                    ? space_for(auth->hop_proxy, NULL, method, true)
                                    : NULL;
    Answer *answer = &auth->proxy;
    bool answerable = space != NULL;
    if (answerable && !same_space(answer->space, space)) {
        answer_clear(answer);
        answer->space = url_protection_space_ref(space);
    }
    if (answerable && !delegate_answers_challenges(task)) {
        UrlCredential *stored = answer->stored_tried ? NULL : stored_credential(task, space);
        answerable = stored != NULL;
        url_credential_unref(stored);
    }
    if (!answerable) {
        UrlError *explained = url__error_newf(
            URL_ERROR_USER_AUTHENTICATION_REQUIRED, task->net.request->url,
            "the proxy requires authentication (407 to CONNECT) and no credential answered it");
        url_error_unref(*error);
        *error = explained;
        url_protection_space_unref(space);
        return false;
    }
    url_error_unref(*error);
    *error = NULL;
    if (answer->credential)
        answer->failures++;
    auth->pending = true;
    auth->asking = answer;
    auth->asked_space = space;
    return true;
}

bool url__task_auth_on_body(UrlSessionTask *task, const char *data, size_t length)
{
    struct UrlTaskAuth *auth = task->net.auth;
    if (auth == NULL || auth->body == NULL)
        return false;
    size_t room = MAX_CHALLENGE_BODY_BYTES - auth->body->len;
    g_byte_array_append(auth->body, (const guint8 *)data, (guint)(length < room ? length : room));
    return true;
}

typedef struct {
    UrlAuthenticationChallenge *challenge;
    UrlAuthChallengeHandler *handler;
} ChallengeEvent;

static void run_challenge_event(UrlSessionTask *task, void *payload)
{
    ChallengeEvent *event = payload;
    const UrlSessionDelegate *delegate = &task->session->delegate;
    void *data = task->session->delegate_data;
    if (delegate->task_did_receive_challenge)
        delegate->task_did_receive_challenge(task->session, task, event->challenge, event->handler,
                                             data);
    else if (delegate->did_receive_challenge)
        delegate->did_receive_challenge(task->session, event->challenge, event->handler, data);
    else
        url_auth_challenge_handler_complete(event->handler,
                                            URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING, NULL);
}

static void free_challenge_event(void *payload)
{
    ChallengeEvent *event = payload;
    url_authentication_challenge_unref(event->challenge);
    url_auth_challenge_handler_unref(event->handler);
    g_free(event);
}

/* "host:port" of @space, the key of the session's trust decisions. */
static char *trust_key(const UrlProtectionSpace *space)
{
    return g_strdup_printf("%s:%d", space->host, space->port);
}

static GHashTable *trust_decisions(UrlSessionTask *task)
{
    if (task->session->trust_decisions == NULL)
        task->session->trust_decisions =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return task->session->trust_decisions;
}

bool url__task_auth_trust_asked(UrlSessionTask *task, const UrlServerTrust *trust, UrlError **error)
{
    struct UrlTaskAuth *auth = task->net.auth;
    if (*error == NULL || trust == NULL || !trust->asked || auth == NULL)
        return false;
    UrlProtectionSpace *space =
        space_for(task->net.request->url, NULL, URL_AUTH_METHOD_SERVER_TRUST, false);
    if (space == NULL)
        return false;
    url_error_unref(*error);
    *error = NULL;
    answer_clear(&auth->trust);
    auth->trust.space = url_protection_space_ref(space);
    if (auth->certificates)
        g_ptr_array_unref(auth->certificates);
    auth->certificates = trust->certificates ? g_ptr_array_ref(trust->certificates) : NULL;
    g_free(auth->leaf_pin);
    auth->leaf_pin = g_strdup(trust->leaf_pin);
    auth->pending = true;
    auth->asking = &auth->trust;
    auth->asked_space = space;
    return true;
}

bool url__task_auth_transfer_done(UrlSessionTask *task)
{
    struct UrlTaskAuth *auth = task->net.auth;
    if (auth == NULL || !auth->pending)
        return false;
    Answer *answer = auth->asking;
    if (!delegate_answers_challenges(task)) {
        url__task_net_challenge_decided(task, URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING, NULL);
        return true;
    }
    /* The proposed credential: the one that just failed, else the stored one. */
    UrlCredential *proposed = answer == &auth->trust ? NULL
                              : answer->credential   ? url_credential_ref(answer->credential)
                                                     : stored_credential(task, auth->asked_space);
    ChallengeEvent *event = g_new0(ChallengeEvent, 1);
    event->challenge = url__authentication_challenge_new(auth->asked_space, answer->failures,
                                                         proposed, auth->response);
    if (answer == &auth->trust)
        url__authentication_challenge_set_server_trust(event->challenge, auth->certificates,
                                                       auth->leaf_pin);
    event->handler = url__auth_challenge_handler_new(task);
    url_credential_unref(proposed);
    task->net.awaiting_decision = true;
    url__task_post_event(task, run_challenge_event, event, free_challenge_event);
    return true;
}

/* Ends the challenge: the held response becomes the task's answer (a refused tunnel has
 * none: the task fails). */
static void complete_with_challenge(UrlSessionTask *task, struct UrlTaskAuth *auth)
{
    auth->pending = false;
    if (auth->response == NULL) {
        g_clear_pointer(&auth->asked_space, url_protection_space_unref);
        url__task_net_fail(task, url__error_newf(URL_ERROR_USER_AUTHENTICATION_REQUIRED,
                                                 task->net.request->url,
                                                 "the proxy requires authentication (407 to "
                                                 "CONNECT) and no credential answered it"));
        return;
    }
    UrlResponse *response = g_steal_pointer(&auth->response);
    GByteArray *body = g_steal_pointer(&auth->body);
    g_clear_pointer(&auth->asked_space, url_protection_space_unref);
    url__task_net_complete_with_response(task, response, body);
}

/* A server-trust answer holds for the session's later connections to the same host and
 * port: the accepted leaf key (pinned), or libcurl's verification (""). */
static void decide_trust(UrlSessionTask *task, struct UrlTaskAuth *auth,
                         UrlAuthChallengeDisposition disposition, UrlCredential *credential)
{
    auth->pending = false;
    UrlProtectionSpace *space = g_steal_pointer(&auth->asked_space);
    if (disposition == URL_AUTH_CHALLENGE_CANCEL) {
        url_protection_space_unref(space);
        url__task_net_fail(task, url__error_newf(URL_ERROR_CANCELLED, task->net.request->url,
                                                 "cancelled by the delegate's server-trust "
                                                 "challenge"));
        return;
    }
    bool accept =
        disposition == URL_AUTH_CHALLENGE_USE_CREDENTIAL && credential && credential->trust_pin;
    g_hash_table_replace(trust_decisions(task), trust_key(space),
                         g_strdup(accept ? credential->trust_pin : ""));
    url_protection_space_unref(space);
    url__task_net_retry_hop(task);
}

void url__task_net_challenge_decided(UrlSessionTask *task, UrlAuthChallengeDisposition disposition,
                                     UrlCredential *credential)
{
    UrlTaskNet *net = &task->net;
    struct UrlTaskAuth *auth = net->auth;
    if (net->finished || auth == NULL || !auth->pending)
        return;
    net->awaiting_decision = false;
    Answer *answer = auth->asking;
    if (answer == &auth->trust) {
        decide_trust(task, auth, disposition, credential);
        return;
    }
    if (disposition == URL_AUTH_CHALLENGE_CANCEL) {
        auth->pending = false;
        url__task_net_fail(task, url__error_newf(URL_ERROR_USER_CANCELLED_AUTHENTICATION,
                                                 net->request->url,
                                                 "authentication cancelled by the delegate (%s)",
                                                 answer == &auth->proxy ? "proxy" : "server"));
        return;
    }
    bool usable = credential && credential->user && credential->password;
    if (disposition == URL_AUTH_CHALLENGE_USE_CREDENTIAL && usable) {
        url_credential_ref(credential);
    } else if (disposition != URL_AUTH_CHALLENGE_REJECT_PROTECTION_SPACE && !answer->stored_tried) {
        /* Default handling: the stored credential, once. */
        credential = stored_credential(task, auth->asked_space);
        answer->stored_tried = credential != NULL;
    } else {
        credential = NULL;
    }
    if (credential == NULL) {
        complete_with_challenge(task, auth);
        return;
    }
    url_credential_unref(answer->credential);
    answer->credential = credential;
    answer->confirmed = false;
    url_protection_space_unref(answer->space);
    answer->space = g_steal_pointer(&auth->asked_space);
    auth->pending = false;
    g_clear_pointer(&auth->response, url_response_unref);
    if (auth->body)
        g_byte_array_unref(g_steal_pointer(&auth->body));
    url__task_net_retry_hop(task);
}

static long curl_auth(UrlAuthenticationMethod method)
{
    return method == URL_AUTH_METHOD_HTTP_DIGEST ? (long)CURLAUTH_DIGEST : (long)CURLAUTH_BASIC;
}

/* A delegate that answers challenges judges each new https origin once per session; the
 * TLS of an https:// proxy is libcurl's alone. */
static void fill_trust(UrlSessionTask *task, UrlTransferSpec *spec, const char *url)
{
    if (!delegate_answers_challenges(task) || g_ascii_strncasecmp(url, "https:", 6) != 0 ||
        (spec->proxy && g_ascii_strncasecmp(spec->proxy, "https:", 6) == 0))
        return;
    UrlProtectionSpace *space = space_for(url, NULL, URL_AUTH_METHOD_SERVER_TRUST, false);
    if (space == NULL)
        return;
    g_autofree char *key = trust_key(space);
    url_protection_space_unref(space);
    const char *decision = g_hash_table_lookup(trust_decisions(task), key);
    spec->trust_mode = decision == NULL    ? URL__TRUST_ASK
                       : *decision == '\0' ? URL__TRUST_VERIFY
                                           : URL__TRUST_PINNED;
    spec->trust_pin = decision;
}

void url__task_auth_fill_spec(UrlSessionTask *task, UrlTransferSpec *spec, const char *url)
{
    struct UrlTaskAuth *auth = auth_of(task);
    fill_trust(task, spec, url);
    g_free(auth->hop_proxy);
    auth->hop_proxy = g_strdup(spec->proxy);
    Answer *origin = &auth->origin;
    if (origin->credential && url_in_space(url, origin->space)) {
        spec->auth_method = curl_auth(origin->space->method);
        spec->user = origin->credential->user;
        spec->password = origin->credential->password;
    }
    Answer *proxy = &auth->proxy;
    if (proxy->credential && spec->proxy && url_in_space(spec->proxy, proxy->space)) {
        spec->proxy_auth_method = curl_auth(proxy->space->method);
        spec->proxy_user = proxy->credential->user;
        spec->proxy_password = proxy->credential->password;
    }
}

void url__task_auth_clear(UrlSessionTask *task)
{
    struct UrlTaskAuth *auth = task->net.auth;
    if (auth == NULL)
        return;
    answer_clear(&auth->origin);
    answer_clear(&auth->proxy);
    answer_clear(&auth->trust);
    if (auth->certificates)
        g_ptr_array_unref(auth->certificates);
    g_free(auth->leaf_pin);
    g_free(auth->hop_proxy);
    url_response_unref(auth->response);
    if (auth->body)
        g_byte_array_unref(auth->body);
    url_protection_space_unref(auth->asked_space);
    g_free(auth);
    task->net.auth = NULL;
}
