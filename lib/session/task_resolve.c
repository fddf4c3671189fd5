/* task_resolve.c — the resolve step of a task's hop, between the request and the
 * transfer: the host's addresses come from lib/net (c-ares, NAT64, RFC 6724 / 8305
 * order) and reach libcurl as one CURLOPT_RESOLVE entry, so curl never resolves. */
#include "session/task_resolve.h"

#include <netinet/in.h>
#include <string.h>

#include "http/network_thread.h"
#include "http/url.h"
#include "net/destination.h"
#include "net/network_change.h"
#include "net/socket_factory.h"
#include "session/error.h"
#include "session/metrics.h"
#include "session/request.h"
#include "session/task.h"

static bool host_and_port(const char *url, char **host, int *port)
{
    CURLU *parsed = url__url_parse(url, 0);
    char *h = NULL, *p = NULL;
    bool ok = parsed && curl_url_get(parsed, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
              curl_url_get(parsed, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK;
    if (ok) {
        size_t length = strlen(h);
        *host = length >= 2 && h[0] == '[' ? g_strndup(h + 1, length - 2) : g_strdup(h);
        /* A zone id ("fe80::1%25eth0") is not an address c-ares or we can parse. */
        char *zone = strchr(*host, '%');
        if (zone)
            *zone = '\0';
        *port = atoi(p);
    }
    curl_free(h);
    curl_free(p);
    return ok;
}

static bool is_ip_literal(const char *host)
{
    UrlAddress address;
    return url__address_parse(host, &address);
}

static bool is_idempotent(const char *method)
{
    static const char *const idempotent[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
    for (size_t i = 0; i < G_N_ELEMENTS(idempotent); i++)
        if (strcmp(method, idempotent[i]) == 0)
            return true;
    return false;
}

UrlDestinations *url__session_destinations(UrlSession *session, UrlError **error)
{
    if (session->destinations)
        return session->destinations;
    const UrlSessionConfiguration *configuration = session->configuration;
    double timeout = configuration->request_timeout;
    UrlDestinationsOptions options = {
        .dns_servers = configuration->dns_servers,
        .nat64_prefix = configuration->nat64_prefix,
        .dns_timeout = timeout < 30 ? timeout : 30,
        .doh_url = configuration->dns_over_https_url,
        .ca_file = configuration->ca_file,
        .ca_path = configuration->ca_path,
    };
    session->destinations = url__destinations_new(&options, error);
    return session->destinations;
}

static void free_destinations(void *data)
{
    url__destinations_free(data);
}

void url__session_destinations_release(UrlSession *session)
{
    if (session->destinations)
        url__network_invoke(free_destinations, session->destinations, NULL);
    session->destinations = NULL;
}

static void on_plan(UrlDestinationPlan *plan, UrlError *error, void *data)
{
    UrlSessionTask *task = data;
    UrlTaskResolve *state = task->net.resolve;
    state->lookup = NULL;
    state->lookup_end = (double)g_get_real_time() / G_USEC_PER_SEC;
    if (plan == NULL) {
        if (state->starting)
            state->inline_error = error; /* url__task_resolve ends the task */
        else
            url__task_net_fail(task, error);
        return;
    }
    state->plan = plan;
    bool synthesized = false;
    for (size_t i = 0; i < plan->count; i++)
        synthesized = synthesized || plan->addresses[i].synthesized;
    /* curl connects to an IP literal itself unless it must be synthesized. */
    if (!is_ip_literal(state->host) || synthesized)
        state->resolve_entry = url__destination_plan_resolve_entry(plan, state->host, state->port);
    if (state->starting)
        return; /* answered at once: url__task_resolve returns true */
    state->then(task);
}

bool url__task_resolve(UrlSessionTask *task, void (*then)(UrlSessionTask *task))
{
    UrlTaskResolve *state = task->net.resolve;
    const char *url = task->net.request->url;
    char *host = NULL;
    int port = 0;
    if (!host_and_port(url, &host, &port))
        return true; /* curl reports the bad URL */
    if (state && state->plan && strcmp(host, state->host) == 0 && port == state->port &&
        state->plan->generation == url__network_generation()) {
        g_free(host); /* the plan of an earlier hop to the same place */
        return true;
    }
    if (state == NULL) {
        /* The state lives in the task: no allocation per task. */
        task->net.resolve_storage = (UrlTaskResolve){0};
        state = task->net.resolve = &task->net.resolve_storage;
    }
    url__destinations_cancel(state->lookup);
    state->lookup = NULL;
    url__destination_plan_free(state->plan);
    state->plan = NULL;
    g_free(state->resolve_entry);
    state->resolve_entry = NULL;
    g_free(state->host);
    state->host = host;
    state->port = port;
    state->then = then;
    state->lookup_start = (double)g_get_real_time() / G_USEC_PER_SEC;
    state->lookup_end = 0;
    UrlError *error = NULL;
    UrlDestinations *destinations = url__session_destinations(task->session, &error);
    if (destinations == NULL) {
        url__task_net_fail(task, error);
        return false;
    }
    /* An IP literal's plan is usually made inside the call: the hop goes on from here
     * instead of coming back through @then. */
    state->starting = true;
    state->lookup =
        url__destinations_lookup(destinations, state->host, state->port,
                                 task->session->configuration->address_family, url, on_plan, task);
    state->starting = false;
    if (state->inline_error) {
        error = state->inline_error;
        state->inline_error = NULL;
        url__task_net_fail(task, error);
        return false;
    }
    return state->lookup == NULL;
}

void url__task_resolve_fill_spec(UrlSessionTask *task, UrlTransferSpec *spec)
{
    const UrlSessionConfiguration *configuration = task->session->configuration;
    UrlTaskResolve *state = task->net.resolve;
    spec->resolve_entry = state ? state->resolve_entry : NULL;
    spec->happy_eyeballs_timeout_ms =
        (long)(configuration->connection_attempt_delay * 1000.0 + 0.5);
    spec->tcp_fast_open = configuration->tcp_fast_open && is_idempotent(spec->method);
}

void url__task_resolve_annotate(UrlSessionTask *task, UrlTransfer *transfer)
{
    UrlTaskResolve *state = task->net.resolve;
    size_t count = url_task_metrics_get_transaction_count(task->net.metrics);
    if (count == 0)
        return;
    /* The metrics are still being built on this thread: the last one is ours to fill. */
    UrlTransactionMetrics *transaction =
        (UrlTransactionMetrics *)url_task_metrics_get_transaction(task->net.metrics, count - 1);
    if (state && state->lookup_end > 0 &&
        !url_transaction_metrics_is_reused_connection(transaction)) {
        /* curl found the addresses in its cache; the lookup was ours, and the fetch
         * started with it. */
        double fetch_start =
            url_transaction_metrics_get_timing(transaction, URL_TIMING_FETCH_START);
        if (fetch_start == 0 || state->lookup_start < fetch_start)
            url__transaction_metrics_set_timing(transaction, URL_TIMING_FETCH_START,
                                                state->lookup_start);
        url__transaction_metrics_set_timing(transaction, URL_TIMING_DOMAIN_LOOKUP_START,
                                            state->lookup_start);
        url__transaction_metrics_set_timing(transaction, URL_TIMING_DOMAIN_LOOKUP_END,
                                            state->lookup_end);
        state->lookup_end = 0; /* once: later hops reuse the plan */
    }
    const GArray *attempts = url__transfer_get_connect_attempts(transfer);
    for (guint i = 0; attempts && i < attempts->len; i++) {
        const UrlConnectAttempt *attempt = &g_array_index(attempts, UrlConnectAttempt, i);
        url__transaction_metrics_add_connect_attempt(transaction, attempt->address, attempt->start);
    }
    url__transaction_metrics_set_tcp_fast_open(transaction,
                                               url__transfer_uses_tcp_fast_open(transfer));
    int port = 0;
    const char *remote = url_transaction_metrics_get_remote_address(transaction, &port);
    if (remote == NULL && attempts && attempts->len == 1 && state &&
        !url_transaction_metrics_is_reused_connection(transaction)) {
        /* libcurl 7.88 leaves CURLINFO_PRIMARY_IP empty when the SYN carried data (TCP Fast
         * Open with a cookie): one attempt means it is the address connected to. */
        url__transaction_metrics_set_remote_address(
            transaction, g_array_index(attempts, UrlConnectAttempt, 0).address, state->port);
        remote = url_transaction_metrics_get_remote_address(transaction, &port);
    }
    if (state == NULL || state->plan == NULL || remote == NULL)
        return;
    const UrlAddress *used = url__destination_plan_find(state->plan, remote);
    if (used && used->synthesized) {
        char *prefix = url__nat64_prefix_to_string(&state->plan->prefix);
        url__transaction_metrics_set_nat64(transaction, true, prefix);
        g_free(prefix);
    }
    double connect_start =
        url_transaction_metrics_get_timing(transaction, URL_TIMING_CONNECT_START);
    double connect_end = url_transaction_metrics_get_timing(transaction, URL_TIMING_CONNECT_END);
    if (attempts && attempts->len > 0 && connect_start > 0 && connect_end >= connect_start &&
        !url_transaction_metrics_is_reused_connection(transaction)) {
        UrlDestinations *destinations = url__session_destinations(task->session, NULL);
        if (destinations)
            url__destinations_record_winner(destinations, state->host, state->port, remote,
                                            connect_end - connect_start, state->plan->generation);
    }
}

UrlError *url__task_resolve_explain(UrlSessionTask *task, UrlTransfer *transfer, UrlError *error)
{
    if (error == NULL)
        return NULL;
    UrlErrorCode code = url_error_get_code(error);
    const GArray *attempts = url__transfer_get_connect_attempts(transfer);
    if ((code != URL_ERROR_CANNOT_CONNECT_TO_HOST && code != URL_ERROR_TIMED_OUT) ||
        attempts == NULL || attempts->len == 0 || url__transfer_has_response(transfer))
        return error;
    GString *message = g_string_new(url_error_get_message(error));
    g_string_append(message, " (addresses tried:");
    GPtrArray *tried = g_ptr_array_new();
    for (guint i = 0; i < attempts->len; i++) {
        const char *address = g_array_index(attempts, UrlConnectAttempt, i).address;
        bool seen = false;
        for (guint j = 0; j < tried->len && !seen; j++)
            seen = strcmp(g_ptr_array_index(tried, j), address) == 0;
        if (seen)
            continue;
        g_string_append_printf(message, "%s %s", tried->len ? "," : "", address);
        g_ptr_array_add(tried, (gpointer)address);
    }
    g_string_append(message, ")");
    UrlError *explained = url__error_newf(code, task->net.request ? task->net.request->url : NULL,
                                          "%s", message->str);
    UrlError *with_addresses =
        url__error_with_addresses_tried(explained, (const char *const *)tried->pdata, tried->len);
    g_ptr_array_free(tried, TRUE);
    g_string_free(message, TRUE);
    url_error_unref(explained);
    url_error_unref(error);
    return with_addresses;
}

void url__task_resolve_clear(UrlSessionTask *task)
{
    UrlTaskResolve *state = task->net.resolve;
    if (state == NULL)
        return;
    url__destinations_cancel(state->lookup);
    url__destination_plan_free(state->plan);
    g_free(state->resolve_entry);
    g_free(state->host);
    task->net.resolve = NULL;
}
