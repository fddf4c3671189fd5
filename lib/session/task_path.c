/* task_path.c — where a task's connections may go, decided before each hop from the path
 * monitor's current facts and the session's interface policy:
 *   - no usable permitted interface: fail with not-connected-to-internet, or, when the
 *     configuration waits for connectivity, say so once and start when a path appears
 *     (the request timeout is not armed while waiting; the resource timeout runs);
 *   - some usable interface forbidden (cellular, expensive, constrained): bind the
 *     sockets to the best permitted one;
 *   - a multipath service type: MPTCP sockets.
 * While a transfer runs on a worse interface than one that becomes usable, the delegate
 * hears of the better route once per change. */
#include "session/task_path.h"

#include <string.h>

#include "path/monitor.h"
#include "path/path.h"
#include "mptcp/mptcp_socket.h"
#include "mptcp/subflow_policy.h"
#include "net/network_change.h"
#include "http/url.h"
#include "session/error.h"
#include "session/metrics.h"
#include "session/request.h"
#include "session/task.h"

#define MAX_SUBFLOWS 8

/* The state lives in the task (no allocation per task); task->net.path points at it
 * while in use, NULL otherwise. */
static UrlTaskPath *state_of(UrlSessionTask *task)
{
    if (task->net.path == NULL) {
        task->net.path_storage = (UrlTaskPath){0};
        task->net.path = &task->net.path_storage;
    }
    return task->net.path;
}

static UrlInterfacePolicy policy_of(UrlSessionTask *task)
{
    const UrlSessionConfiguration *configuration = task->session->configuration;
    UrlInterfacePolicy policy = {
        .allows_cellular = configuration->allows_cellular_access &&
                           (task->net.request == NULL || task->net.request->allows_cellular_access),
        .allows_expensive = configuration->allows_expensive_network_access,
        .allows_constrained = configuration->allows_constrained_network_access,
    };
    return policy;
}

static UrlPath *current_path(UrlSessionTask *task)
{
    return url__path_new(url__path_links(), task->session->configuration->interface_types,
                         "/sys/class/net");
}

/* Loopback needs no network: the library's own tests, local services. */
static bool is_loopback_url(const char *url)
{
    CURLU *parsed = url__url_parse(url, 0);
    char *host = NULL;
    bool loopback = false;
    if (parsed && curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        loopback = g_ascii_strcasecmp(host, "localhost") == 0 ||
                   g_str_has_suffix(host, ".localhost") || g_str_has_prefix(host, "127.") ||
                   strcmp(host, "[::1]") == 0;
    }
    curl_free(host);
    return loopback;
}

static void run_waiting_event(UrlSessionTask *task, void *unused)
{
    const UrlSessionDelegate *delegate = &task->session->delegate;
    if (delegate->task_is_waiting_for_connectivity)
        delegate->task_is_waiting_for_connectivity(task->session, task,
                                                   task->session->delegate_data);
}

static void run_better_route_event(UrlSessionTask *task, void *unused)
{
    const UrlSessionDelegate *delegate = &task->session->delegate;
    if (delegate->task_better_route_discovered)
        delegate->task_better_route_discovered(task->session, task, task->session->delegate_data);
}

/* A running transfer on cellular or an expensive interface while a permitted interface
 * that is neither is usable: tell the delegate, once per better interface. */
static void check_better_route(UrlSessionTask *task, UrlTaskPath *state, const UrlPath *path)
{
    if (task->net.transfer == NULL ||
        task->session->configuration->multipath_service_type == URL_MULTIPATH_SERVICE_TYPE_HANDOVER)
        return;
    const char *local = NULL;
    CURL *easy = url__transfer_get_easy(task->net.transfer);
    if (curl_easy_getinfo(easy, CURLINFO_LOCAL_IP, &local) != CURLE_OK || local == NULL || !*local)
        return;
    const UrlLink *link = url__link_state_find_address(url__path_links(), local);
    const UrlPathInterface *used = link ? url__path_find(path, link->name) : NULL;
    UrlInterfacePolicy policy = policy_of(task);
    const UrlPathInterface *best = url__path_best_permitted(path, &policy);
    if (best == NULL) {
        state->better_told[0] = '\0';
        return;
    }
    /* An interface that is gone is connection-lost or handover business, not this. */
    bool used_is_worse = used && (used->type == URL_INTERFACE_TYPE_CELLULAR || used->expensive);
    bool best_is_better = best->type != URL_INTERFACE_TYPE_CELLULAR && !best->expensive;
    if (!used_is_worse || !best_is_better || strcmp(used->name, best->name) == 0) {
        state->better_told[0] = '\0'; /* the next better route is a new change */
        return;
    }
    if (strcmp(state->better_told, best->name) == 0)
        return;
    g_strlcpy(state->better_told, best->name, sizeof state->better_told);
    url__task_post_event(task, run_better_route_event, NULL, NULL);
}

/* A single-path connection whose interface went down or lost the connection's address
 * cannot recover: fail now with connection-lost, as URLSession does, rather than after the
 * request timeout. An MPTCP connection may carry on over another subflow. */
static bool connection_lost(UrlSessionTask *task)
{
    UrlTransfer *transfer = task->net.transfer;
    /* libcurl 7.88 tells a transfer's socket only once it is done, so an MPTCP socket
     * that fell back to TCP counts as MPTCP here: it waits for the request timeout. */
    if (transfer == NULL || url__transfer_opened_mptcp(transfer))
        return false;
    const char *local = NULL;
    CURL *easy = url__transfer_get_easy(transfer);
    if (curl_easy_getinfo(easy, CURLINFO_LOCAL_IP, &local) != CURLE_OK || local == NULL || !*local)
        return false;
    if (g_str_has_prefix(local, "127.") || strcmp(local, "::1") == 0)
        return false;
    const UrlLink *link = url__link_state_find_address(url__path_links(), local);
    return link == NULL || !url__link_is_usable(link);
}

static void on_path_change(const UrlLinkState *links, void *data)
{
    UrlSessionTask *task = data;
    UrlTaskPath *state = task->net.path;
    if (task->net.finished || state == NULL)
        return;
    if (state->waiting) {
        UrlPath *path = current_path(task);
        UrlInterfacePolicy policy = policy_of(task);
        bool usable = url__path_best_permitted(path, &policy) != NULL;
        url_path_unref(path);
        if (usable) {
            state->waiting = false;
            state->then(task);
        }
        return;
    }
    if (connection_lost(task)) {
        url__task_net_fail(task, url__error_newf(URL_ERROR_NETWORK_CONNECTION_LOST,
                                                 task->net.request->url,
                                                 "the network connection was lost: its "
                                                 "interface went down or lost its address"));
        return;
    }
    UrlPath *path = current_path(task);
    check_better_route(task, state, path);
    url_path_unref(path);
}

static void watch(UrlSessionTask *task, UrlTaskPath *state)
{
    if (state->watch == 0)
        state->watch = url__path_watch_add(on_path_change, task);
}

bool url__task_path_ready(UrlSessionTask *task, void (*then)(UrlSessionTask *task))
{
    UrlTaskPath *state = state_of(task);
    state->interface[0] = '\0';
    if (is_loopback_url(task->net.request->url))
        return true;
    UrlPath *path = current_path(task);
    UrlInterfacePolicy policy = policy_of(task);
    const UrlPathInterface *best = url__path_best_permitted(path, &policy);
    if (best && url__path_policy_restricts(path, &policy))
        g_strlcpy(state->interface, best->name, sizeof state->interface);
    bool ready = best != NULL;
    size_t usable = url_path_get_interface_count(path);
    url_path_unref(path);
    watch(task, state);
    if (ready)
        return true;
    if (task->session->configuration->waits_for_connectivity) {
        state->waiting = true;
        state->then = then;
        if (!state->said_waiting) {
            state->said_waiting = true;
            url__task_post_event(task, run_waiting_event, NULL, NULL);
        }
        return false;
    }
    url__task_net_fail(task,
                       url__error_newf(URL_ERROR_NOT_CONNECTED_TO_INTERNET, task->net.request->url,
                                       usable ? "no permitted network path: the usable "
                                                "interfaces are all forbidden by the "
                                                "cellular / expensive / constrained policy"
                                              : "no network path: no interface is up "
                                                "with an address"));
    return false;
}

void url__task_path_fill_spec(UrlSessionTask *task, UrlTransferSpec *spec)
{
    UrlTaskPath *state = state_of(task);
    const UrlSessionConfiguration *configuration = task->session->configuration;
    state->mptcp = (UrlMptcpOptions){
        .service_type = configuration->multipath_service_type,
        .policy = policy_of(task),
        .overrides = configuration->interface_types,
        .manage_endpoints = configuration->manages_mptcp_endpoints,
    };
    spec->mptcp =
        state->mptcp.service_type != URL_MULTIPATH_SERVICE_TYPE_NONE ? &state->mptcp : NULL;
    spec->interface = state->interface[0] ? state->interface : NULL;
}

bool url__task_path_assist_interface(UrlSessionTask *task, char name[IF_NAMESIZE])
{
    const UrlSessionConfiguration *configuration = task->session->configuration;
    UrlTaskPath *state = state_of(task);
    if (!configuration->wifi_assist ||
        configuration->multipath_service_type != URL_MULTIPATH_SERVICE_TYPE_NONE ||
        is_loopback_url(task->net.request->url))
        return false;
    UrlPath *path = current_path(task);
    UrlInterfacePolicy policy = policy_of(task);
    const UrlPathInterface *hop = state->interface[0] ? url__path_find(path, state->interface)
                                                      : url__path_best_permitted(path, &policy);
    const UrlPathInterface *cellular = NULL;
    for (size_t i = 0; url__path_interface(path, i) && cellular == NULL; i++) {
        const UrlPathInterface *interface = url__path_interface(path, i);
        if (interface->type == URL_INTERFACE_TYPE_CELLULAR &&
            url__interface_permitted(interface, &policy))
            cellular = interface;
    }
    bool assist = hop && hop->type == URL_INTERFACE_TYPE_WIFI && cellular;
    if (assist)
        g_strlcpy(name, cellular->name, IF_NAMESIZE);
    url_path_unref(path);
    return assist;
}

/* What the environment and sysfs say about @link. Every transfer's metrics name their
 * interface, and reading sysfs costs more than a small request: the last answer is kept
 * (network thread only) until the links change or the environment says otherwise. */
static UrlInterfaceOverride classify_link(const UrlLink *link)
{
    static struct {
        bool valid;
        int index;
        char name[IF_NAMESIZE];
        uint64_t generation;
        char *environment;
        UrlInterfaceOverride facts;
    } last;
    const char *environment = g_getenv("URLSESSION_INTERFACE_TYPES");
    uint64_t generation = url__network_generation();
    if (last.valid && last.index == link->index && strcmp(last.name, link->name) == 0 &&
        last.generation == generation && g_strcmp0(last.environment, environment) == 0)
        return last.facts;
    last.facts = url__interface_classify(link->name, NULL, "/sys/class/net");
    last.index = link->index;
    g_strlcpy(last.name, link->name, sizeof last.name);
    last.generation = generation;
    g_free(last.environment);
    last.environment = g_strdup(environment);
    last.valid = true;
    return last.facts;
}

static void annotate_interface(UrlTransactionMetrics *transaction, const UrlLink *link,
                               UrlSessionTask *task)
{
    GHashTable *configured = task->session->configuration->interface_types;
    const char *name = link->name;
    UrlInterfaceOverride facts = configured && g_hash_table_contains(configured, name)
                                     ? url__interface_classify(name, configured, "/sys/class/net")
                                     : classify_link(link);
    url__transaction_metrics_set_interface(transaction, name, facts.type, facts.expensive,
                                           facts.constrained);
}

void url__task_path_annotate(UrlSessionTask *task, UrlTransfer *transfer)
{
    size_t count = url_task_metrics_get_transaction_count(task->net.metrics);
    if (count == 0)
        return;
    /* The metrics are still being built on this thread: the last one is ours to fill. */
    UrlTransactionMetrics *transaction =
        (UrlTransactionMetrics *)url_task_metrics_get_transaction(task->net.metrics, count - 1);
    int port = 0;
    const char *local = url_transaction_metrics_get_local_address(transaction, &port);
    const UrlLinkState *links = url__path_links();
    const UrlLink *link = local ? url__link_state_find_address(links, local) : NULL;
    if (link)
        annotate_interface(transaction, link, task);
    int fd = url__transfer_get_socket(transfer);
    if (fd < 0 || !url__transfer_wants_mptcp(transfer))
        return;
    bool negotiated = url__mptcp_is_negotiated(fd);
    url__transaction_metrics_set_multipath(transaction, negotiated);
    url__transaction_metrics_set_path_manager(
        transaction, negotiated ? url__path_manager_name(url__subflow_policy_backend(fd)) : NULL);
    UrlMptcpSubflow subflows[MAX_SUBFLOWS];
    size_t n = negotiated ? url__mptcp_subflows(fd, subflows, MAX_SUBFLOWS) : 0;
    for (size_t i = 0; i < n; i++) {
        const UrlLink *via = url__link_state_find_address(links, subflows[i].local);
        url__transaction_metrics_add_subflow(transaction, via ? via->name : NULL, subflows[i].local,
                                             subflows[i].remote, subflows[i].bytes_sent,
                                             subflows[i].bytes_received, subflows[i].rtt);
    }
}

void url__task_path_clear(UrlSessionTask *task)
{
    UrlTaskPath *state = task->net.path;
    if (state == NULL)
        return;
    if (state->watch)
        url__path_watch_remove(state->watch);
    task->net.path = NULL;
}
