/* handlers.c — decision handlers: a delegate's answer, given once, now or later, from any
 * thread, and carried to the network thread. A handler dropped unanswered applies its
 * default so that a forgotten answer never leaves a task hanging. */
#include <urlsession/handlers.h>
#include <urlsession/input_stream.h>

#include "http/cache_storage.h"
#include "http/network_thread.h"
#include "session/request.h"
#include "session/task.h"
#include "session/task_auth.h"

typedef enum {
    HANDLER_RESPONSE,
    HANDLER_REDIRECT,
    HANDLER_BODY_STREAM,
    HANDLER_DELAYED_REQUEST,
    HANDLER_AUTH_CHALLENGE,
    HANDLER_CACHE_RESPONSE,
} HandlerKind;

/* One layout behind the four public handler types. */
typedef struct {
    int ref_count;
    int answered; /* atomic: 0, then 1 once answered */
    HandlerKind kind;
    UrlSessionTask *task;
    UrlRequest *proposed; /* HANDLER_REDIRECT: followed when no answer comes */
    /* HANDLER_CACHE_RESPONSE: where the answer is stored, and what is stored by default */
    UrlCache *cache;
    char *cache_key;
    UrlCachedResponse *proposed_cached;
} Handler;

struct UrlResponseHandler {
    Handler base;
};
struct UrlRedirectHandler {
    Handler base;
};
struct UrlBodyStreamHandler {
    Handler base;
};
struct UrlDelayedRequestHandler {
    Handler base;
};
struct UrlAuthChallengeHandler {
    Handler base;
};
struct UrlCacheResponseHandler {
    Handler base;
};

typedef struct {
    UrlSessionTask *task;
    HandlerKind kind;
    int choice;
    UrlRequest *request;
    UrlInputStream *stream;
    UrlCredential *credential;
} Answer;

static const char *handler_name(HandlerKind kind)
{
    switch (kind) {
    case HANDLER_RESPONSE:
        return "response";
    case HANDLER_REDIRECT:
        return "redirect";
    case HANDLER_BODY_STREAM:
        return "body stream";
    case HANDLER_DELAYED_REQUEST:
        return "delayed request";
    case HANDLER_AUTH_CHALLENGE:
        return "authentication challenge";
    case HANDLER_CACHE_RESPONSE:
        return "cache response";
    }
    return "decision";
}

static void answer_apply(void *data)
{
    Answer *answer = data;
    switch (answer->kind) {
    case HANDLER_RESPONSE:
        url__task_net_disposition(answer->task, (UrlResponseDisposition)answer->choice);
        break;
    case HANDLER_REDIRECT:
        url__task_net_redirect_decided(answer->task, answer->request);
        break;
    case HANDLER_BODY_STREAM:
        url__task_net_body_stream_decided(answer->task, answer->stream);
        break;
    case HANDLER_DELAYED_REQUEST:
        url__task_net_delayed_decided(answer->task, answer->choice, answer->request);
        break;
    case HANDLER_AUTH_CHALLENGE:
        url__task_net_challenge_decided(answer->task, (UrlAuthChallengeDisposition)answer->choice,
                                        answer->credential);
        break;
    case HANDLER_CACHE_RESPONSE:
        break; /* answered on the caller's thread: see cache_handler_answer */
    }
}

static void answer_free(void *data)
{
    Answer *answer = data;
    url_session_task_unref(answer->task);
    url_request_unref(answer->request);
    url_input_stream_unref(answer->stream);
    url_credential_unref(answer->credential);
    g_free(answer);
}

/* Returns false (with a warning) when the handler was answered already. */
static bool handler_answer_with(Handler *handler, int choice, UrlRequest *request,
                                UrlInputStream *stream, UrlCredential *credential)
{
    if (!g_atomic_int_compare_and_exchange(&handler->answered, 0, 1)) {
        g_warning("urlsession: %s handler answered twice; the second answer is ignored",
                  handler_name(handler->kind));
        return false;
    }
    Answer *answer = g_new0(Answer, 1);
    answer->task = url_session_task_ref(handler->task);
    answer->kind = handler->kind;
    answer->choice = choice;
    answer->request = request ? url_request_copy(request) : NULL;
    answer->stream = stream ? url_input_stream_ref(stream) : NULL;
    answer->credential = credential ? url_credential_ref(credential) : NULL;
    url__network_invoke(answer_apply, answer, answer_free);
    return true;
}

static bool handler_answer(Handler *handler, int choice, UrlRequest *request,
                           UrlInputStream *stream)
{
    return handler_answer_with(handler, choice, request, stream, NULL);
}

/* The cache is thread-safe, so the answer is stored right away, on the caller's thread,
 * with what the proposed response knew (its times and Vary values). */
static void cache_handler_answer(Handler *handler, UrlCachedResponse *cached)
{
    if (!g_atomic_int_compare_and_exchange(&handler->answered, 0, 1)) {
        g_warning("urlsession: %s handler answered twice; the second answer is ignored",
                  handler_name(handler->kind));
        return;
    }
    if (cached == NULL)
        return;
    UrlCachedResponse *stored = url__cached_response_with_meta(cached, handler->proposed_cached);
    url__cache_store(handler->cache, handler->cache_key, stored);
    url_cached_response_unref(stored);
}

static Handler *handler_new(HandlerKind kind, UrlSessionTask *task, size_t size)
{
    Handler *handler = g_malloc0(size);
    handler->ref_count = 1;
    handler->kind = kind;
    handler->task = url_session_task_ref(task);
    return handler;
}

static void handler_unref(Handler *handler)
{
    if (handler == NULL || !g_atomic_int_dec_and_test(&handler->ref_count))
        return;
    if (!g_atomic_int_get(&handler->answered)) {
        g_warning("urlsession: %s handler released without an answer; applying the default",
                  handler_name(handler->kind));
        switch (handler->kind) {
        case HANDLER_RESPONSE:
            handler_answer(handler, URL_RESPONSE_ALLOW, NULL, NULL);
            break;
        case HANDLER_REDIRECT:
            handler_answer(handler, 0, handler->proposed, NULL);
            break;
        case HANDLER_BODY_STREAM:
            handler_answer(handler, 0, NULL, NULL);
            break;
        case HANDLER_DELAYED_REQUEST:
            handler_answer(handler, URL_DELAYED_REQUEST_CONTINUE_LOADING, NULL, NULL);
            break;
        case HANDLER_AUTH_CHALLENGE:
            handler_answer(handler, URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING, NULL, NULL);
            break;
        case HANDLER_CACHE_RESPONSE:
            cache_handler_answer(handler, handler->proposed_cached);
            break;
        }
    }
    url_session_task_unref(handler->task);
    url_request_unref(handler->proposed);
    url_cache_unref(handler->cache);
    g_free(handler->cache_key);
    url_cached_response_unref(handler->proposed_cached);
    g_free(handler);
}

static Handler *handler_ref(Handler *handler)
{
    g_atomic_int_inc(&handler->ref_count);
    return handler;
}

UrlResponseHandler *url__response_handler_new(UrlSessionTask *task)
{
    return (UrlResponseHandler *)handler_new(HANDLER_RESPONSE, task, sizeof(UrlResponseHandler));
}

UrlRedirectHandler *url__redirect_handler_new(UrlSessionTask *task, UrlRequest *proposed)
{
    Handler *handler = handler_new(HANDLER_REDIRECT, task, sizeof(UrlRedirectHandler));
    handler->proposed = url_request_ref(proposed);
    return (UrlRedirectHandler *)handler;
}

UrlBodyStreamHandler *url__body_stream_handler_new(UrlSessionTask *task)
{
    return (UrlBodyStreamHandler *)handler_new(HANDLER_BODY_STREAM, task,
                                               sizeof(UrlBodyStreamHandler));
}

UrlAuthChallengeHandler *url__auth_challenge_handler_new(UrlSessionTask *task)
{
    return (UrlAuthChallengeHandler *)handler_new(HANDLER_AUTH_CHALLENGE, task,
                                                  sizeof(UrlAuthChallengeHandler));
}

void url_auth_challenge_handler_complete(UrlAuthChallengeHandler *handler,
                                         UrlAuthChallengeDisposition disposition,
                                         UrlCredential *credential)
{
    g_return_if_fail(handler != NULL);
    handler_answer_with(&handler->base, disposition, NULL, NULL,
                        disposition == URL_AUTH_CHALLENGE_USE_CREDENTIAL ? credential : NULL);
}

UrlAuthChallengeHandler *url_auth_challenge_handler_ref(UrlAuthChallengeHandler *handler)
{
    g_return_val_if_fail(handler != NULL, NULL);
    return (UrlAuthChallengeHandler *)handler_ref(&handler->base);
}

void url_auth_challenge_handler_unref(UrlAuthChallengeHandler *handler)
{
    handler_unref(handler ? &handler->base : NULL);
}

UrlDelayedRequestHandler *url__delayed_request_handler_new(UrlSessionTask *task)
{
    return (UrlDelayedRequestHandler *)handler_new(HANDLER_DELAYED_REQUEST, task,
                                                   sizeof(UrlDelayedRequestHandler));
}

void url_response_handler_complete(UrlResponseHandler *handler, UrlResponseDisposition disposition)
{
    g_return_if_fail(handler != NULL);
    handler_answer(&handler->base, disposition, NULL, NULL);
}

UrlResponseHandler *url_response_handler_ref(UrlResponseHandler *handler)
{
    g_return_val_if_fail(handler != NULL, NULL);
    return (UrlResponseHandler *)handler_ref(&handler->base);
}

void url_response_handler_unref(UrlResponseHandler *handler)
{
    handler_unref(handler ? &handler->base : NULL);
}

void url_redirect_handler_complete(UrlRedirectHandler *handler, UrlRequest *request)
{
    g_return_if_fail(handler != NULL);
    handler_answer(&handler->base, 0, request, NULL);
}

UrlRedirectHandler *url_redirect_handler_ref(UrlRedirectHandler *handler)
{
    g_return_val_if_fail(handler != NULL, NULL);
    return (UrlRedirectHandler *)handler_ref(&handler->base);
}

void url_redirect_handler_unref(UrlRedirectHandler *handler)
{
    handler_unref(handler ? &handler->base : NULL);
}

void url_body_stream_handler_complete(UrlBodyStreamHandler *handler, UrlInputStream *stream)
{
    g_return_if_fail(handler != NULL);
    handler_answer(&handler->base, 0, NULL, stream);
}

UrlBodyStreamHandler *url_body_stream_handler_ref(UrlBodyStreamHandler *handler)
{
    g_return_val_if_fail(handler != NULL, NULL);
    return (UrlBodyStreamHandler *)handler_ref(&handler->base);
}

void url_body_stream_handler_unref(UrlBodyStreamHandler *handler)
{
    handler_unref(handler ? &handler->base : NULL);
}

void url_delayed_request_handler_complete(UrlDelayedRequestHandler *handler,
                                          UrlDelayedRequestDisposition disposition,
                                          UrlRequest *request)
{
    g_return_if_fail(handler != NULL);
    if (disposition == URL_DELAYED_REQUEST_USE_NEW_REQUEST && request == NULL) {
        g_warning("urlsession: USE_NEW_REQUEST without a request; continuing with the original");
        disposition = URL_DELAYED_REQUEST_CONTINUE_LOADING;
    }
    handler_answer(&handler->base, disposition,
                   disposition == URL_DELAYED_REQUEST_USE_NEW_REQUEST ? request : NULL, NULL);
}

UrlDelayedRequestHandler *url_delayed_request_handler_ref(UrlDelayedRequestHandler *handler)
{
    g_return_val_if_fail(handler != NULL, NULL);
    return (UrlDelayedRequestHandler *)handler_ref(&handler->base);
}

void url_delayed_request_handler_unref(UrlDelayedRequestHandler *handler)
{
    handler_unref(handler ? &handler->base : NULL);
}

UrlCacheResponseHandler *url__cache_response_handler_new(UrlSessionTask *task, UrlCache *cache,
                                                         const char *key,
                                                         UrlCachedResponse *proposed)
{
    Handler *handler = handler_new(HANDLER_CACHE_RESPONSE, task, sizeof(UrlCacheResponseHandler));
    handler->cache = url_cache_ref(cache);
    handler->cache_key = g_strdup(key);
    handler->proposed_cached = url_cached_response_ref(proposed);
    return (UrlCacheResponseHandler *)handler;
}

void url_cache_response_handler_complete(UrlCacheResponseHandler *handler,
                                         UrlCachedResponse *cached)
{
    g_return_if_fail(handler != NULL);
    cache_handler_answer(&handler->base, cached);
}

UrlCacheResponseHandler *url_cache_response_handler_ref(UrlCacheResponseHandler *handler)
{
    g_return_val_if_fail(handler != NULL, NULL);
    return (UrlCacheResponseHandler *)handler_ref(&handler->base);
}

void url_cache_response_handler_unref(UrlCacheResponseHandler *handler)
{
    handler_unref(handler ? &handler->base : NULL);
}
