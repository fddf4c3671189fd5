/* task_run.c — a task's life on the network thread: start (after any earliest begin
 * date), one transfer per hop, redirects, the response disposition, pauses, timeouts,
 * and exactly one finish. Every function here runs on the network thread. */
#include "session/task.h"

#include <string.h>

#include "http/network_thread.h"
#include "http/proxy.h"
#include "http/url.h"
#include "session/error.h"
#include "session/input_stream.h"
#include "session/metrics.h"
#include "session/request.h"
#include "session/response.h"
#include "session/task_assist.h"
#include "session/task_auth.h"
#include "session/task_cache.h"
#include "http/cookie_storage.h"
#include "session/task_path.h"
#include "session/task_resolve.h"

#define MAX_REDIRECTS           20
#define MAX_REDIRECT_BODY_BYTES (1024 * 1024)

static void begin_request(UrlSessionTask *task);
static void store_cookies(UrlSessionTask *task, const UrlResponse *response);
static void finish(UrlSessionTask *task, UrlError *error);

static double now_seconds(void)
{
    return (double)g_get_real_time() / G_USEC_PER_SEC;
}

static const UrlSessionDelegate *delegate_of(UrlSessionTask *task)
{
    return &task->session->delegate;
}

static void touch(UrlSessionTask *task)
{
    task->net.last_activity = g_get_monotonic_time();
}

static bool idle_clock_stopped(UrlSessionTask *task)
{
    UrlTaskNet *net = &task->net;
    return net->paused_by_user || net->paused_by_backpressure || net->awaiting_decision ||
           net->awaiting_disposition || net->transfer == NULL;
}

/* The request timeout measures silence from the network, not time spent waiting for the
 * application (suspended, slow consumer, pending decision). */
static void on_idle_timer(void *data)
{
    UrlSessionTask *task = data;
    UrlTaskNet *net = &task->net;
    gint64 timeout_us = (gint64)(net->request_timeout * G_USEC_PER_SEC);
    if (idle_clock_stopped(task)) {
        touch(task);
        url__timer_arm_at(&net->idle_timer, net->last_activity + timeout_us);
        return;
    }
    gint64 due = net->last_activity + timeout_us;
    if (g_get_monotonic_time() < due) {
        url__timer_arm_at(&net->idle_timer, due);
        return;
    }
    finish(task, url__error_newf(URL_ERROR_TIMED_OUT, net->request->url,
                                 "the request timed out: nothing received or sent for %g s",
                                 net->request_timeout));
}

static void on_resource_timer(void *data)
{
    UrlSessionTask *task = data;
    finish(task, url__error_newf(URL_ERROR_TIMED_OUT, task->net.request->url,
                                 "the resource timed out: the task took longer than %g s",
                                 task->session->configuration->resource_timeout));
}

static void update_pause(UrlSessionTask *task)
{
    UrlTaskNet *net = &task->net;
    if (net->transfer == NULL)
        return;
    bool recv = net->paused_by_user || net->paused_by_backpressure || net->awaiting_disposition;
    bool send = net->paused_by_user || net->stream_blocked;
    url__transfer_set_paused(net->transfer, recv, send);
    url__multi_driver_kick(url__session_driver(task->session));
}

/* ---- events to the delegate ------------------------------------------------------- */

typedef struct {
    UrlResponse *response;
    UrlResponseHandler *handler;
} ResponseEvent;

static void run_response_event(UrlSessionTask *task, void *payload)
{
    ResponseEvent *event = payload;
    const UrlSessionDelegate *delegate = delegate_of(task);
    if (delegate->data_did_receive_response)
        delegate->data_did_receive_response(task->session, task, event->response, event->handler,
                                            task->session->delegate_data);
    else
        url_response_handler_complete(event->handler, URL_RESPONSE_ALLOW);
}

static void free_response_event(void *payload)
{
    ResponseEvent *event = payload;
    url_response_unref(event->response);
    url_response_handler_unref(event->handler);
    g_free(event);
}

typedef struct {
    UrlResponse *response;
    UrlRequest *proposed;
    UrlRedirectHandler *handler;
} RedirectEvent;

static void run_redirect_event(UrlSessionTask *task, void *payload)
{
    RedirectEvent *event = payload;
    const UrlSessionDelegate *delegate = delegate_of(task);
    if (delegate->will_perform_redirection)
        delegate->will_perform_redirection(task->session, task, event->response, event->proposed,
                                           event->handler, task->session->delegate_data);
    else
        url_redirect_handler_complete(event->handler, event->proposed);
}

static void free_redirect_event(void *payload)
{
    RedirectEvent *event = payload;
    url_response_unref(event->response);
    url_request_unref(event->proposed);
    url_redirect_handler_unref(event->handler);
    g_free(event);
}

typedef struct {
    UrlRequest *request;
    UrlDelayedRequestHandler *handler;
} DelayedEvent;

static void run_delayed_event(UrlSessionTask *task, void *payload)
{
    DelayedEvent *event = payload;
    const UrlSessionDelegate *delegate = delegate_of(task);
    if (delegate->will_begin_delayed_request)
        delegate->will_begin_delayed_request(task->session, task, event->request, event->handler,
                                             task->session->delegate_data);
    else
        url_delayed_request_handler_complete(event->handler, URL_DELAYED_REQUEST_CONTINUE_LOADING,
                                             NULL);
}

static void free_delayed_event(void *payload)
{
    DelayedEvent *event = payload;
    url_request_unref(event->request);
    url_delayed_request_handler_unref(event->handler);
    g_free(event);
}

static void run_body_stream_event(UrlSessionTask *task, void *payload)
{
    UrlBodyStreamHandler *handler = payload;
    const UrlSessionDelegate *delegate = delegate_of(task);
    if (delegate->need_new_body_stream)
        delegate->need_new_body_stream(task->session, task, handler, task->session->delegate_data);
    else
        url_body_stream_handler_complete(handler, NULL);
}

typedef struct {
    int64_t bytes, total, expected;
} SendEvent;

static void run_send_event(UrlSessionTask *task, void *payload)
{
    SendEvent *event = payload;
    const UrlSessionDelegate *delegate = delegate_of(task);
    if (delegate->did_send_body_data)
        delegate->did_send_body_data(task->session, task, event->bytes, event->total,
                                     event->expected, task->session->delegate_data);
}

/* ---- transfer callbacks ------------------------------------------------------------ */

static bool is_redirect_status(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* The response the task will report: stored, announced, and for downloads the file's
 * expected size noted. Data and upload tasks with a delegate wait for its disposition. */
static void accept_final_response(UrlSessionTask *task, UrlResponse *response)
{
    g_mutex_lock(&task->lock);
    url_response_unref(task->response);
    task->response = url_response_ref(response);
    g_mutex_unlock(&task->lock);
    int64_t length = url_response_get_expected_content_length(response);
    url__task_counter_set(&task->expected_to_receive, length);

    if (task->kind != URL_TASK_KIND_DOWNLOAD && !url__task_has_completion_handler(task) &&
        delegate_of(task)->data_did_receive_response) {
        task->net.awaiting_disposition = true;
        ResponseEvent *event = g_new0(ResponseEvent, 1);
        event->response = url_response_ref(response);
        event->handler = url__response_handler_new(task);
        url__task_post_event(task, run_response_event, event, free_response_event);
    }
}

typedef struct {
    int64_t offset, expected;
} ResumeEvent;

static void run_resume_event(UrlSessionTask *task, void *payload)
{
    ResumeEvent *event = payload;
    const UrlSessionDelegate *delegate = delegate_of(task);
    if (delegate->download_did_resume_at_offset)
        delegate->download_did_resume_at_offset(task->session, task, event->offset, event->expected,
                                                task->session->delegate_data);
}

/* The first byte of a 206's Content-Range ("bytes 100-199/200"), and its total (-1 for
 * "*"); false when absent or malformed. */
static bool content_range(const UrlResponse *response, int64_t *first, int64_t *total)
{
    const char *value = url_response_get_header(response, "Content-Range");
    gint64 start = 0, end = 0;
    char size[32] = "";
    if (value == NULL || sscanf(value, "bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%31s",
                                &start, &end, size) != 3)
        return false;
    *first = start;
    *total = strcmp(size, "*") == 0 ? -1 : g_ascii_strtoll(size, NULL, 10);
    return true;
}

/* A resumed download's answer: a 206 at the recorded offset continues the partial file;
 * anything else (200 because the server ignores ranges or If-Range found the resource
 * changed, an error status) starts the file again from 0. */
static void decide_resume(UrlSessionTask *task, int status, UrlResponse *response)
{
    UrlResumeData *resume = task->resume_from;
    UrlTaskDelivery *d = &task->delivery;
    task->net.resume_decided = true;
    int64_t offset = 0, first = -1, total = -1;
    int64_t length = url_response_get_expected_content_length(response);
    if (status == 206) {
        if (!content_range(response, &first, &total) || first != resume->offset) {
            task->net.resume_mismatch = true; /* the body is refused in on_body */
            return;
        }
        offset = resume->offset;
    } else {
        total = length;
    }
    if (total < 0 && length >= 0)
        total = offset + length;
    g_free(d->resume_path);
    d->resume_path = g_strdup(resume->path);
    d->resume_offset = offset;
    url__task_counter_set(&task->expected_to_receive, total);
    if (status == 200 || status == 206) {
        ResumeEvent *event = g_new(ResumeEvent, 1);
        event->offset = offset;
        event->expected = total;
        url__task_post_event(task, run_resume_event, event, g_free);
    }
}

static void on_response(void *owner, UrlTransfer *transfer, int status, const char *http_version,
                        UrlHeaderList *headers, const char *url)
{
    UrlSessionTask *task = owner;
    touch(task);
    bool redirect = is_redirect_status(status) && url__header_list_get(headers, "Location");
    UrlResponse *response = url__response_new(status, url, http_version, headers);
    store_cookies(task, response);
    if (url__task_auth_on_response(task, response, url__transfer_is_proxied(transfer))) {
        url_response_unref(response); /* held as a challenge until the transfer ends */
        return;
    }
    if (redirect) {
        task->net.redirect_response = response;
        task->net.redirect_body = g_byte_array_new();
        return;
    }
    UrlResponse *reported = url__task_cache_on_response(task, response);
    accept_final_response(task, reported);
    url_response_unref(reported);
    if (task->resume_from && !task->net.resume_decided)
        decide_resume(task, status, response);
    url_response_unref(response);
}

static size_t on_body(void *owner, UrlTransfer *transfer, const char *data, size_t length)
{
    UrlSessionTask *task = owner;
    UrlTaskNet *net = &task->net;
    touch(task);
    if (net->redirect_body) {
        size_t room = MAX_REDIRECT_BODY_BYTES - net->redirect_body->len;
        g_byte_array_append(net->redirect_body, (const guint8 *)data,
                            (guint)(length < room ? length : room));
        return length;
    }
    if (url__task_auth_on_body(task, data, length))
        return length;
    if (net->awaiting_disposition)
        return URL__TRANSFER_PAUSE;
    if (net->resume_mismatch)
        return 0; /* curl ends the transfer; see url__task_net_transfer_done */
    if (!url__task_delivery_push(task, data, length, false)) {
        net->paused_by_backpressure = true;
        return URL__TRANSFER_PAUSE;
    }
    url__task_counter_set(&task->bytes_received,
                          url__task_counter_get(&task->bytes_received) + (gint64)length);
    url__task_cache_on_body(task, data, length);
    return length;
}

static void stream_wake_job(void *data)
{
    UrlSessionTask *task = data;
    if (task->net.finished || !task->net.stream_blocked)
        return;
    task->net.stream_blocked = false;
    update_pause(task);
}

static void on_stream_readable(void *data)
{
    UrlSessionTask *task = data;
    url__network_invoke(stream_wake_job, url_session_task_ref(task),
                        (GDestroyNotify)url_session_task_unref);
}

static ssize_t read_body(void *owner, UrlTransfer *transfer, char *buffer, size_t length)
{
    UrlSessionTask *task = owner;
    ssize_t n = url__input_stream_read(task->net.stream, buffer, length);
    if (n == URL__INPUT_STREAM_WOULD_BLOCK) {
        task->net.stream_blocked = true;
        return URL__TRANSFER_WOULD_BLOCK;
    }
    return n;
}

static void on_progress(void *owner, UrlTransfer *transfer, int64_t sent)
{
    UrlSessionTask *task = owner;
    UrlTaskNet *net = &task->net;
    if (sent <= net->sent_reported)
        return;
    touch(task);
    SendEvent *event = g_new(SendEvent, 1);
    event->bytes = sent - net->sent_reported;
    event->total = sent;
    event->expected = url_session_task_get_count_of_bytes_expected_to_send(task);
    net->sent_reported = sent;
    url__task_counter_set(&task->bytes_sent, sent);
    url__task_post_event(task, run_send_event, event, g_free);
}

/* Wi-Fi Assist may make another attempt the hop's transfer: it takes the task's pauses. */
static bool on_ready(void *owner, UrlTransfer *transfer)
{
    UrlSessionTask *task = owner;
    UrlTransfer *before = task->net.transfer;
    bool go = url__task_assist_ready(task, transfer);
    if (task->net.transfer != before)
        update_pause(task);
    return go;
}

static const UrlTransferCallbacks transfer_callbacks = {
    .on_response = on_response,
    .on_body = on_body,
    .read_body = read_body,
    .on_progress = on_progress,
    .on_ready = on_ready,
};

/* ---- starting a hop ---------------------------------------------------------------- */

static bool handles_cookies(UrlSessionTask *task, const UrlRequest *request)
{
    const UrlSessionConfiguration *configuration = task->session->configuration;
    return configuration->cookie_storage && configuration->http_should_set_cookies &&
           request->should_handle_cookies;
}

/* Every response of the task, redirects and challenges included, may set cookies: the
 * next hop sends them. */
static void store_cookies(UrlSessionTask *task, const UrlResponse *response)
{
    UrlRequest *request = task->net.request;
    if (!handles_cookies(task, request))
        return;
    const UrlSessionConfiguration *configuration = task->session->configuration;
    const UrlHeaderList *headers = url__response_get_headers(response);
    size_t count = url__header_list_count(headers);
    size_t first = url__header_list_find(headers, "Set-Cookie", 0);
    if (first == count)
        return; /* most responses: no clock read, no other name compared */
    double now = now_seconds();
    for (size_t i = first; i < count; i = url__header_list_find(headers, "Set-Cookie", i + 1)) {
        const char *value = NULL;
        url__header_list_at(headers, i, NULL, &value);
        url__cookie_storage_take(configuration->cookie_storage, value,
                                 url_response_get_url(response), request->main_document_url,
                                 configuration->cookie_accept_policy, now);
    }
}

/* The request's headers and the session's defaults, built into one block: the room for
 * every field is counted before the list is made. */
static UrlHeaderList *headers_to_send(UrlSessionTask *task, UrlRequest *request)
{
    const UrlSessionConfiguration *configuration = task->session->configuration;
    size_t extra_fields = 0, extra_bytes = 0;
    size_t count = url__header_list_count(configuration->additional_headers);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(configuration->additional_headers, i, &name, &value);
        if (!url__header_list_contains(request->headers, name)) {
            extra_fields++;
            extra_bytes += strlen(name) + strlen(value) + 2;
        }
    }
    bool add_agent = !url__header_list_contains(request->headers, "User-Agent") &&
                     !url__header_list_contains(configuration->additional_headers, "User-Agent");
    if (add_agent) {
        extra_fields++;
        extra_bytes += sizeof "User-Agent" + strlen(configuration->user_agent) + 1;
    }
    g_autofree char *cookies = NULL;
    if (handles_cookies(task, request) && !url__header_list_contains(request->headers, "Cookie") &&
        !url__header_list_contains(configuration->additional_headers, "Cookie")) {
        cookies = url__cookie_storage_header_for(configuration->cookie_storage, request->url,
                                                 now_seconds());
        if (cookies) {
            extra_fields++;
            extra_bytes += sizeof "Cookie" + strlen(cookies) + 1;
        }
    }

    UrlHeaderList *headers =
        url__header_list_copy_with_room(request->headers, extra_fields, extra_bytes);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(configuration->additional_headers, i, &name, &value);
        if (!url__header_list_contains(request->headers, name))
            url__header_list_append(headers, name, value);
    }
    if (add_agent)
        url__header_list_append(headers, "User-Agent", configuration->user_agent);
    if (cookies)
        url__header_list_append(headers, "Cookie", cookies);
    return headers;
}

/* A download continued from resume data asks for the rest, and only if the resource is
 * still the one the partial file holds (RFC 9110 §13.1.5: If-Range takes a strong ETag or
 * a date). */
static void add_resume_headers(UrlSessionTask *task, UrlHeaderList *headers)
{
    UrlResumeData *resume = task->resume_from;
    if (resume == NULL || resume->offset == 0 || task->net.resume_decided)
        return;
    char *range = g_strdup_printf("bytes=%" G_GINT64_FORMAT "-", (gint64)resume->offset);
    url__header_list_remove(headers, "Range");
    url__header_list_append(headers, "Range", range);
    g_free(range);
    bool strong = resume->etag && !g_str_has_prefix(resume->etag, "W/");
    const char *validator = strong ? resume->etag : resume->last_modified;
    if (validator) {
        url__header_list_remove(headers, "If-Range");
        url__header_list_append(headers, "If-Range", validator);
    }
}

static long curl_http_version(UrlHttpVersion version, const char *url)
{
    switch (version) {
    case URL_HTTP_VERSION_1_1:
        return CURL_HTTP_VERSION_1_1;
    case URL_HTTP_VERSION_2:
        return url__url_is_https(url) ? CURL_HTTP_VERSION_2TLS
                                      : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    case URL_HTTP_VERSION_DEFAULT:
        break;
    }
    return CURL_HTTP_VERSION_2TLS;
}

static long curl_tls_version(UrlTlsVersion version)
{
    switch (version) {
    case URL_TLS_VERSION_1_0:
        return CURL_SSLVERSION_TLSv1_0;
    case URL_TLS_VERSION_1_1:
        return CURL_SSLVERSION_TLSv1_1;
    case URL_TLS_VERSION_1_3:
        return CURL_SSLVERSION_TLSv1_3;
    case URL_TLS_VERSION_1_2:
        break;
    }
    return CURL_SSLVERSION_TLSv1_2;
}

static void attach_stream(UrlSessionTask *task, UrlInputStream *stream)
{
    UrlTaskNet *net = &task->net;
    if (net->stream == stream)
        return;
    if (net->stream) {
        url__input_stream_set_wake(net->stream, NULL, NULL);
        url_input_stream_unref(net->stream);
    }
    net->stream = stream ? url_input_stream_ref(stream) : NULL;
    if (stream)
        url__input_stream_set_wake(stream, on_stream_readable, task);
}

/* The proxy for @url from the configuration and the environment (lib/http/proxy.c); NULL
 * for a direct connection. g_free() it. */
static char *proxy_for(UrlSessionTask *task, const char *url)
{
    const UrlSessionConfiguration *configuration = task->session->configuration;
    const UrlProxySettings settings = {
        .http = configuration->http_proxy,
        .https = configuration->https_proxy,
        .socks = configuration->socks_proxy,
        .no_proxy = configuration->no_proxy,
        .use_environment = configuration->uses_environment_proxies,
        .environment = &task->session->proxy_environment,
    };
    return url__proxy_for_url(&settings, url);
}

static void begin_request(UrlSessionTask *task)
{
    UrlTaskNet *net = &task->net;
    /* The cache answers before anything touches the network (it works offline too); the
     * headers it matches Vary against are built only when it may answer. */
    if (!net->cache_consulted) {
        net->cache_consulted = true;
        if (url__task_cache_may_answer(task)) {
            UrlHeaderList *headers = headers_to_send(task, net->request);
            bool answered = url__task_cache_begin(task, headers);
            url__header_list_free(headers);
            if (answered)
                return;
        }
    }
    /* Beyond what the origin's connections can carry, the hop waits in the session rather
     * than as a transfer inside libcurl. Like any wait without a transfer, it is not
     * silence from the network: only the resource timeout runs meanwhile. */
    if (!url__task_admission_enter(task, begin_request))
        return;
    /* Where the hop may go comes first: no network means waiting or
     * not-connected-to-internet, not a DNS failure. */
    if (!url__task_path_ready(task, begin_request))
        return;
    const UrlSessionConfiguration *configuration = task->session->configuration;
    UrlRequest *request = net->request;
    /* Through a proxy the proxy finds the origin (absolute-form, CONNECT, socks5h): no
     * lookup of the origin's name here. */
    g_autofree char *proxy = proxy_for(task, request->url);
    if (proxy == NULL && !url__task_resolve(task, begin_request))
        return; /* comes back here when resolved, unless it failed */

    url__header_list_free(net->send_headers);
    net->send_headers = headers_to_send(task, request);
    add_resume_headers(task, net->send_headers);
    url__task_cache_add_headers(task, net->send_headers);
    g_mutex_lock(&task->lock);
    float priority = task->priority;
    g_mutex_unlock(&task->lock);

    UrlTransferSpec spec = {
        .url = request->url,
        .method = request->method,
        .headers = net->send_headers,
        .http_version = curl_http_version(configuration->http_version, request->url),
        .tls_minimum = curl_tls_version(configuration->tls_minimum_version),
        .ca_file = configuration->ca_file,
        .ca_path = configuration->ca_path,
        .stream_weight = 1 + (long)(priority * 255.0f + 0.5f),
        .proxy = proxy,
        .driver = url__session_driver(task->session),
        .max_decoded_body = configuration->max_decoded_body_size,
    };
    url__task_auth_fill_spec(task, &spec, request->url);
    url__task_path_fill_spec(task, &spec);
    url__task_resolve_fill_spec(task, &spec);
    switch (request->body_kind) {
    case URL_REQUEST_BODY_DATA: {
        gsize size = 0;
        spec.body_kind = URL_TRANSFER_BODY_BYTES;
        spec.body_data = g_bytes_get_data(request->body_data, &size);
        spec.body_length = (int64_t)size;
        break;
    }
    case URL_REQUEST_BODY_FILE:
        spec.body_kind = URL_TRANSFER_BODY_FILE;
        spec.body_path = request->body_file;
        break;
    case URL_REQUEST_BODY_STREAM:
        spec.body_kind = URL_TRANSFER_BODY_READER;
        spec.body_length = request->body_stream_length;
        attach_stream(task, request->body_stream);
        break;
    case URL_REQUEST_BODY_NONE:
        spec.body_kind = URL_TRANSFER_BODY_NONE;
        break;
    }

    UrlError *error = NULL;
    UrlTransfer *transfer = url__transfer_new(&spec, &transfer_callbacks, task, &error);
    if (transfer == NULL) {
        finish(task, error);
        return;
    }
    url__task_counter_set(&task->expected_to_send, url__transfer_get_body_length(transfer));
    net->sent_reported = 0;
    net->transfer = transfer;
    CURLMcode added =
        url__multi_driver_add(url__session_driver(task->session), url__transfer_get_easy(transfer));
    if (added != CURLM_OK) {
        finish(task, url__error_newf(URL_ERROR_UNKNOWN, request->url, "cannot start transfer: %s",
                                     curl_multi_strerror(added)));
        return;
    }
    url__task_assist_prepare(task, &spec, &transfer_callbacks);
    touch(task);
    url__timer_arm_in(&net->idle_timer, net->request_timeout);
    if (net->paused_by_user)
        update_pause(task);
}

static void record_transaction(UrlSessionTask *task)
{
    UrlTransferInfo info;
    url__transfer_get_info(task->net.transfer, &info);
    UrlTransactionMetrics *t = url__task_metrics_add_transaction(task->net.metrics);
    url__transaction_metrics_set_url(t, task->net.request->url);
    const double moments[] = {
        [URL_TIMING_FETCH_START] = info.fetch_start,
        [URL_TIMING_DOMAIN_LOOKUP_START] = info.lookup_start,
        [URL_TIMING_DOMAIN_LOOKUP_END] = info.lookup_end,
        [URL_TIMING_CONNECT_START] = info.connect_start,
        [URL_TIMING_SECURE_CONNECTION_START] = info.secure_start,
        [URL_TIMING_SECURE_CONNECTION_END] = info.secure_end,
        [URL_TIMING_CONNECT_END] = info.connect_end,
        [URL_TIMING_REQUEST_START] = info.request_start,
        [URL_TIMING_REQUEST_END] = info.request_end,
        [URL_TIMING_RESPONSE_START] = info.response_start,
        [URL_TIMING_RESPONSE_END] = info.response_end,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(moments); i++)
        url__transaction_metrics_set_timing(t, (UrlTransactionTiming)i, moments[i]);
    url__transaction_metrics_set_status_code(t, info.status);
    if (info.protocol)
        url__transaction_metrics_set_network_protocol_name(t, info.protocol);
    url__transaction_metrics_set_reused_connection(t, info.reused);
    if (info.remote_address[0])
        url__transaction_metrics_set_remote_address(t, info.remote_address, info.remote_port);
    if (info.local_address[0])
        url__transaction_metrics_set_local_address(t, info.local_address, info.local_port);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_REQUEST_HEADER, info.request_header_bytes);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_REQUEST_BODY, info.request_body_bytes);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_RESPONSE_HEADER,
                                            info.response_header_bytes);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_RESPONSE_BODY, info.response_body_bytes);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_REQUEST_BODY_BEFORE_ENCODING,
                                            info.request_body_bytes);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_RESPONSE_BODY_AFTER_DECODING,
                                            info.response_body_decoded_bytes);
    url__transaction_metrics_set_fetch_type(t, URL_FETCH_TYPE_NETWORK_LOAD);
    url__transaction_metrics_set_proxy_connection(t, info.proxied);
    if (info.tls_version[0])
        url__transaction_metrics_set_tls(t, info.tls_version, info.tls_cipher);
}

/* Ends the current hop: metrics recorded, easy handle detached and freed. */
static void end_transfer(UrlSessionTask *task)
{
    UrlTaskNet *net = &task->net;
    url__task_assist_clear(task);
    url__task_admission_leave(task);
    if (net->transfer == NULL)
        return;
    record_transaction(task);
    url__task_path_annotate(task, net->transfer);
    url__task_resolve_annotate(task, net->transfer);
    url__transfer_prepare_removal(net->transfer);
    url__multi_driver_remove(url__session_driver(task->session),
                             url__transfer_get_easy(net->transfer));
    url__transfer_free(net->transfer);
    net->transfer = NULL;
    url__timer_disarm(&net->idle_timer);
}

static void on_begin_timer(void *data);

static void start(UrlSessionTask *task)
{
    UrlTaskNet *net = &task->net;
    const UrlSessionConfiguration *configuration = task->session->configuration;
    net->started = true;
    net->start_time = now_seconds();
    net->metrics = url__task_metrics_new();
    g_mutex_lock(&task->lock);
    net->request = url_request_ref(task->current_request);
    double begin_date = task->earliest_begin_date;
    g_mutex_unlock(&task->lock);
    net->request_timeout = net->request->timeout_interval > 0 ? net->request->timeout_interval
                                                              : configuration->request_timeout;
    url__timer_init(&net->idle_timer, on_idle_timer, task);
    url__timer_init(&net->resource_timer, on_resource_timer, task);
    url__timer_arm_in(&net->resource_timer, configuration->resource_timeout);
    /* The network side keeps the task alive until it finishes. */
    url_session_task_ref(task);

    double delay = begin_date - net->start_time;
    if (begin_date > 0 && delay > 0) {
        net->begin_timer = url__timer_new(on_begin_timer, task);
        url__timer_arm_in(net->begin_timer, delay);
        return;
    }
    begin_request(task);
}

/* The earliest begin date came: the delegate may still change or cancel the request. */
static void on_begin_timer(void *data)
{
    UrlSessionTask *task = data;
    UrlTaskNet *net = &task->net;
    if (net->finished)
        return;
    if (!delegate_of(task)->will_begin_delayed_request) {
        begin_request(task);
        return;
    }
    net->awaiting_decision = true;
    DelayedEvent *event = g_new0(DelayedEvent, 1);
    event->request = url_request_copy(net->request);
    event->handler = url__delayed_request_handler_new(task);
    url__task_post_event(task, run_delayed_event, event, free_delayed_event);
}

void url__task_net_delayed_decided(UrlSessionTask *task, int disposition, UrlRequest *request)
{
    UrlTaskNet *net = &task->net;
    if (net->finished)
        return;
    net->awaiting_decision = false;
    if (disposition == URL_DELAYED_REQUEST_CANCEL) {
        finish(task, url__error_newf(URL_ERROR_CANCELLED, net->request->url,
                                     "cancelled by will_begin_delayed_request"));
        return;
    }
    if (disposition == URL_DELAYED_REQUEST_USE_NEW_REQUEST && request) {
        url_request_unref(net->request);
        net->request = url_request_ref(request);
        g_mutex_lock(&task->lock);
        url_request_unref(task->current_request);
        task->current_request = url_request_ref(request);
        g_mutex_unlock(&task->lock);
    }
    begin_request(task);
}

/* ---- redirects --------------------------------------------------------------------- */

/* The request a redirect proposes, per RFC 9110 §15.4 and what browsers and URLSession
 * do: 301/302 turn POST into GET, 303 turns everything but HEAD into GET (dropping the
 * body and its headers), 307/308 keep method and body. Credentials stay with their
 * origin. */
static UrlRequest *proposed_redirect(UrlRequest *current, int status, const char *location)
{
    UrlRequest *next = url_request_copy(current);
    url_request_set_url(next, location, NULL);
    bool to_get = ((status == 301 || status == 302) && strcmp(current->method, "POST") == 0) ||
                  (status == 303 && strcmp(current->method, "HEAD") != 0);
    if (to_get) {
        url_request_set_method(next, "GET", NULL);
        url_request_set_body_data(next, NULL, 0);
        next->body_kind = URL_REQUEST_BODY_NONE;
        url__header_list_remove(next->headers, "Content-Type");
        url__header_list_remove(next->headers, "Content-Length");
        url__header_list_remove(next->headers, "Content-Encoding");
    }
    if (!url__url_same_origin(current->url, location)) {
        url__header_list_remove(next->headers, "Authorization");
        url__header_list_remove(next->headers, "Cookie");
    }
    return next;
}

static void handle_redirect(UrlSessionTask *task)
{
    UrlTaskNet *net = &task->net;
    UrlResponse *response = net->redirect_response;
    if (net->redirect_count >= MAX_REDIRECTS) {
        finish(task, url__error_newf(URL_ERROR_HTTP_TOO_MANY_REDIRECTS, net->request->url,
                                     "too many redirects: stopped after %d", MAX_REDIRECTS));
        return;
    }
    UrlError *error = NULL;
    char *location = url__url_resolve(url_response_get_url(response),
                                      url_response_get_header(response, "Location"), &error);
    if (location == NULL) {
        UrlError *redirect_error =
            url__error_newf(URL_ERROR_REDIRECT_TO_NON_EXISTENT_LOCATION, net->request->url,
                            "redirect to an unusable location: %s", url_error_get_message(error));
        url_error_unref(error);
        finish(task, redirect_error);
        return;
    }
    if (url__url_is_https(net->request->url) && !url__url_is_https(location) &&
        !task->session->configuration->allows_https_to_http_redirects) {
        g_autofree char *shown = url__url_redact(location);
        UrlError *insecure = url__error_newf(
            URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION, net->request->url,
            "refused a redirect from https to %s (allows_https_to_http_redirects is off)", shown);
        g_free(location);
        finish(task, insecure);
        return;
    }
    UrlRequest *proposed =
        proposed_redirect(net->request, url_response_get_status_code(response), location);
    g_free(location);
    net->awaiting_decision = true;
    RedirectEvent *event = g_new0(RedirectEvent, 1);
    event->response = url_response_ref(response);
    event->proposed = url_request_ref(proposed);
    event->handler = url__redirect_handler_new(task, proposed);
    url_request_unref(proposed);
    url__task_post_event(task, run_redirect_event, event, free_redirect_event);
}

/* Delivers a body kept aside and ends the task, once its response may be delivered. */
static void deliver_parked_and_finish(UrlSessionTask *task)
{
    UrlTaskNet *net = &task->net;
    if (net->parked_body) {
        url__task_delivery_push(task, net->parked_body->data, net->parked_body->len, true);
        url__task_counter_set(&task->bytes_received, (gint64)net->parked_body->len);
        g_byte_array_unref(net->parked_body);
        net->parked_body = NULL;
    }
    finish(task, NULL);
}

void url__task_net_complete_with_response(UrlSessionTask *task, UrlResponse *response,
                                          GByteArray *body)
{
    UrlTaskNet *net = &task->net;
    net->parked_body = body;
    accept_final_response(task, response);
    url_response_unref(response);
    if (net->awaiting_disposition)
        net->done_while_awaiting = true;
    else
        deliver_parked_and_finish(task);
}

void url__task_net_retry_hop(UrlSessionTask *task)
{
    begin_request(task);
}

static bool body_needs_new_stream(UrlRequest *request)
{
    return request->body_kind == URL_REQUEST_BODY_STREAM &&
           url__input_stream_was_read(request->body_stream);
}

void url__task_net_redirect_decided(UrlSessionTask *task, UrlRequest *request)
{
    UrlTaskNet *net = &task->net;
    if (net->finished)
        return;
    net->awaiting_decision = false;
    UrlResponse *response = net->redirect_response;
    GByteArray *body = net->redirect_body;
    net->redirect_response = NULL;
    net->redirect_body = NULL;
    if (request == NULL) {
        /* Refused: the redirect response is the task's answer, body and all. */
        url__task_net_complete_with_response(task, response, body);
        return;
    }
    url_response_unref(response);
    g_byte_array_unref(body);
    net->redirect_count++;
    url_request_unref(net->request);
    net->request = url_request_ref(request);
    g_mutex_lock(&task->lock);
    url_request_unref(task->current_request);
    task->current_request = url_request_ref(request);
    g_mutex_unlock(&task->lock);
    if (body_needs_new_stream(request)) {
        net->awaiting_decision = true;
        url__task_post_event(task, run_body_stream_event, url__body_stream_handler_new(task),
                             (GDestroyNotify)url_body_stream_handler_unref);
        return;
    }
    begin_request(task);
}

void url__task_net_body_stream_decided(UrlSessionTask *task, UrlInputStream *stream)
{
    UrlTaskNet *net = &task->net;
    if (net->finished)
        return;
    net->awaiting_decision = false;
    if (stream == NULL) {
        finish(task, url__error_newf(URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED, net->request->url,
                                     "the body stream was already sent and the delegate gave no "
                                     "new one (need_new_body_stream)"));
        return;
    }
    UrlRequest *fresh = url_request_copy(net->request);
    url_request_set_body_stream(fresh, stream, net->request->body_stream_length);
    url_request_unref(net->request);
    net->request = fresh;
    g_mutex_lock(&task->lock);
    url_request_unref(task->current_request);
    task->current_request = url_request_ref(fresh);
    g_mutex_unlock(&task->lock);
    begin_request(task);
}

/* ---- the end of a hop, and of the task ------------------------------------------- */

void url__task_net_transfer_done(UrlSessionTask *task, UrlTransfer *transfer, CURLcode code)
{
    UrlTaskNet *net = &task->net;
    UrlTransfer *before = net->transfer;
    if (url__task_assist_transfer_done(task, transfer, code)) {
        if (net->transfer != before)
            update_pause(task);
        return;
    }
    UrlError *error =
        net->resume_mismatch
            ? url__error_newf(URL_ERROR_BAD_SERVER_RESPONSE, net->request->url,
                              "the server answered the resumed download with another range")
            : url__transfer_error(net->transfer, code, net->request->url);
    error = url__task_resolve_explain(task, net->transfer, error);
    url__task_auth_tunnel_refused(task, net->transfer, &error);
    url__task_auth_trust_asked(task, url__transfer_get_server_trust(net->transfer), &error);
    if (error == NULL)
        /* curl's last progress report may predate the last body bytes. */
        on_progress(task, net->transfer, url__transfer_get_body_sent(net->transfer));
    end_transfer(task);
    if (error) {
        finish(task, error);
        return;
    }
    if (net->redirect_response) {
        handle_redirect(task);
        return;
    }
    if (url__task_auth_transfer_done(task))
        return;
    /* A 304 to a revalidation: the body is the stored one. */
    GByteArray *stored_body = url__task_cache_transfer_done(task);
    if (stored_body)
        net->parked_body = stored_body;
    if (net->awaiting_disposition) {
        net->done_while_awaiting = true;
        return;
    }
    deliver_parked_and_finish(task);
}

static void run_become_download_event(UrlSessionTask *task, void *unused)
{
    const UrlSessionDelegate *delegate = delegate_of(task);
    if (delegate->data_did_become_download_task)
        delegate->data_did_become_download_task(task->session, task, task,
                                                task->session->delegate_data);
}

void url__task_net_disposition(UrlSessionTask *task, UrlResponseDisposition disposition)
{
    UrlTaskNet *net = &task->net;
    if (net->finished)
        return;
    net->awaiting_disposition = false;
    /* Nothing of the body was delivered yet (it waits for this answer), so from here on
     * it all goes to the download file; the announcement is queued before any of it. */
    if (disposition == URL_RESPONSE_BECOME_DOWNLOAD && task->kind == URL_TASK_KIND_DATA) {
        __atomic_store_n(&task->kind, URL_TASK_KIND_DOWNLOAD, __ATOMIC_RELAXED);
        url__task_post_event(task, run_become_download_event, NULL, NULL);
    }
    if (disposition == URL_RESPONSE_CANCEL) {
        finish(task, url__error_newf(URL_ERROR_CANCELLED, net->request->url,
                                     "cancelled by data_did_receive_response"));
        return;
    }
    if (net->done_while_awaiting) {
        deliver_parked_and_finish(task);
        return;
    }
    update_pause(task);
}

void url__task_net_drained(void *data)
{
    UrlSessionTask *task = data;
    if (task->net.finished || !task->net.paused_by_backpressure)
        return;
    task->net.paused_by_backpressure = false;
    touch(task);
    update_pause(task);
}

void url__task_net_fail(UrlSessionTask *task, UrlError *error)
{
    finish(task, error);
}

/* Ends the task exactly once: whatever runs is stopped, the result is stored, and the
 * completion is queued behind every event already produced. Takes @error. */
static void finish(UrlSessionTask *task, UrlError *error)
{
    UrlTaskNet *net = &task->net;
    if (net->finished) {
        url_error_unref(error);
        return;
    }
    net->finished = true;
    end_transfer(task);
    url__task_auth_clear(task);
    url__task_cache_clear(task);
    url__task_path_clear(task);
    url__task_resolve_clear(task);
    url__timer_clear(&net->idle_timer);
    url__timer_clear(&net->resource_timer);
    url__timer_free(net->begin_timer);
    net->begin_timer = NULL;
    if (net->stream) {
        url__input_stream_abort(net->stream);
        attach_stream(task, NULL);
    }
    url_response_unref(net->redirect_response);
    net->redirect_response = NULL;
    if (net->redirect_body)
        g_byte_array_unref(net->redirect_body);
    net->redirect_body = NULL;
    if (net->parked_body)
        g_byte_array_unref(net->parked_body);
    net->parked_body = NULL;
    url__header_list_free(net->send_headers);
    net->send_headers = NULL;

    double end = now_seconds();
    if (net->metrics == NULL)
        net->metrics = url__task_metrics_new();
    url__task_metrics_set_task_interval(net->metrics, net->start_time ? net->start_time : end,
                                        net->start_time ? end - net->start_time : 0);
    url__task_metrics_set_redirect_count(net->metrics, net->redirect_count);

    g_mutex_lock(&task->lock);
    /* The application cancelled before the task finished (for example from a callback
     * while the transfer was ending): the cancel wins, as the state it saw promised. */
    if (task->cancel_requested && error == NULL)
        error = url__error_newf(URL_ERROR_CANCELLED, task->original_request->url, "cancelled");
    /* The state turns COMPLETED when the completion is delivered (task_delivery.c): until
     * then the application may still cancel from a callback. */
    task->error = error;
    task->metrics = net->metrics;
    net->metrics = NULL;
    g_mutex_unlock(&task->lock);

    url__task_delivery_complete(task);
    url_request_unref(net->request);
    net->request = NULL;
    if (net->started)
        url_session_task_unref(task); /* the reference start() took */
}

/* ---- requests from the application ------------------------------------------------ */

void url__task_net_apply_state(void *data)
{
    UrlSessionTask *task = data;
    UrlTaskNet *net = &task->net;
    if (net->finished)
        return;
    g_mutex_lock(&task->lock);
    UrlSessionTaskState state = task->state;
    g_mutex_unlock(&task->lock);
    if (state == URL_TASK_STATE_RUNNING) {
        if (!net->started) {
            start(task);
        } else if (net->paused_by_user) {
            net->paused_by_user = false;
            touch(task);
            update_pause(task);
        }
    } else if (state == URL_TASK_STATE_SUSPENDED && net->started && !net->paused_by_user) {
        net->paused_by_user = true;
        update_pause(task);
    }
}

void url__task_net_cancel(void *data)
{
    UrlSessionTask *task = data;
    if (task->net.finished)
        return;
    const char *url = task->net.request ? task->net.request->url : task->original_request->url;
    finish(task, url__error_newf(URL_ERROR_CANCELLED, url, "cancelled"));
}
