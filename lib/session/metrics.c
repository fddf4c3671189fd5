/* metrics.c — UrlTaskMetrics and its transactions: storage, accessors and JSON output. */
#include "metrics.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#define URL__TIMING_COUNT (URL_TIMING_RESPONSE_END + 1)
#define URL__BYTE_COUNT   (URL_BYTES_RESPONSE_BODY_AFTER_DECODING + 1)

/* The short strings below point into their own buffer when they fit (nearly always:
 * an address, "HTTP/1.1", "TLSv1.3", an interface name), else to a heap copy; NULL when
 * unset. Five strings allocated per transaction were a good part of a small request's
 * allocations. */
struct UrlTransactionMetrics {
    char *url;
    int status_code;
    char *network_protocol_name;
    char network_protocol_name_buffer[16];
    bool reused_connection;
    char *remote_address;
    char remote_address_buffer[48]; /* INET6_ADDRSTRLEN, and room */
    int remote_port;
    char *local_address;
    char local_address_buffer[48];
    int local_port;
    UrlResourceFetchType fetch_type;
    bool proxy_connection;
    char *tls_protocol_version;
    char tls_protocol_version_buffer[16];
    char *tls_cipher_suite;
    char tls_cipher_suite_buffer[48];
    /* The path (lib/path, lib/mptcp): the interface of the connection, its costs, and
     * the MPTCP subflows when multipath was negotiated. */
    char *interface_name;
    char interface_name_buffer[16]; /* IFNAMSIZ */
    UrlInterfaceType interface_type;
    bool expensive, constrained, multipath;
    GArray *subflows; /* Subflow; NULL when none */
    char *path_manager;
    double timings[URL__TIMING_COUNT]; /* 0: did not happen */
    int64_t byte_counts[URL__BYTE_COUNT];
    GArray *connect_attempts; /* ConnectAttempt; NULL when none */
    bool synthesized;
    char *nat64_prefix;
    bool tcp_fast_open;
};

typedef struct {
    char *address;
    double start;
} ConnectAttempt;

typedef struct {
    char *interface, *local, *remote;
    int64_t bytes_sent, bytes_received;
    double rtt;
} Subflow;

struct UrlTaskMetrics {
    int ref_count; /* atomic */
    double task_start;
    double task_duration;
    int redirect_count;
    size_t transaction_count;
    /* Most tasks make one transaction: it lives here. The others (redirects, retries) are
     * allocated, so that a transaction never moves once returned. */
    UrlTransactionMetrics first;
    GPtrArray *more; /* of UrlTransactionMetrics, owned; NULL until a second one */
};

/* JSON key of each timing, in UrlTransactionTiming order. */
static const char *const url_timing_keys[URL__TIMING_COUNT] = {
    "fetch_start",
    "domain_lookup_start",
    "domain_lookup_end",
    "connect_start",
    "secure_connection_start",
    "secure_connection_end",
    "connect_end",
    "request_start",
    "request_end",
    "response_start",
    "response_end",
};

static const char *const url_byte_count_keys[URL__BYTE_COUNT] = {
    "request_header_bytes",
    "request_body_bytes",
    "response_header_bytes",
    "response_body_bytes",
    "request_body_bytes_before_encoding",
    "response_body_bytes_after_decoding",
};

static void url_free_text(char **slot, char *buffer)
{
    if (*slot != buffer)
        g_free(*slot);
    *slot = NULL;
}

static void url_transaction_metrics_clear(UrlTransactionMetrics *t)
{
    if (t->connect_attempts) {
        for (guint i = 0; i < t->connect_attempts->len; i++)
            g_free(g_array_index(t->connect_attempts, ConnectAttempt, i).address);
        g_array_free(t->connect_attempts, TRUE);
    }
    g_free(t->nat64_prefix);
    g_free(t->url);
    url_free_text(&t->network_protocol_name, t->network_protocol_name_buffer);
    url_free_text(&t->remote_address, t->remote_address_buffer);
    url_free_text(&t->local_address, t->local_address_buffer);
    url_free_text(&t->tls_protocol_version, t->tls_protocol_version_buffer);
    url_free_text(&t->tls_cipher_suite, t->tls_cipher_suite_buffer);
    url_free_text(&t->interface_name, t->interface_name_buffer);
    g_free(t->path_manager);
    if (t->subflows) {
        for (guint i = 0; i < t->subflows->len; i++) {
            Subflow *s = &g_array_index(t->subflows, Subflow, i);
            g_free(s->interface);
            g_free(s->local);
            g_free(s->remote);
        }
        g_array_free(t->subflows, TRUE);
    }
}

static void url_transaction_metrics_free(void *data)
{
    url_transaction_metrics_clear(data);
    g_free(data);
}

static void url_replace_string(char **slot, const char *value)
{
    char *copy = g_strdup(value);
    g_free(*slot);
    *slot = copy;
}

/* Like url_replace_string, for a string that has a buffer of its own (@value may be the
 * current string). */
static void url_replace_text(char **slot, char *buffer, size_t size, const char *value)
{
    size_t length = value ? strlen(value) : 0;
    if (value && length < size) {
        memmove(buffer, value, length + 1);
        if (*slot != buffer)
            g_free(*slot);
        *slot = buffer;
        return;
    }
    char *copy = g_strdup(value);
    url_free_text(slot, buffer);
    *slot = copy;
}

#define URL_REPLACE_TEXT(t, field, value)                                                          \
    url_replace_text(&(t)->field, (t)->field##_buffer, sizeof(t)->field##_buffer, (value))

static UrlTransactionMetrics *url_transaction_at(const UrlTaskMetrics *metrics, size_t index)
{
    if (index == 0)
        return (UrlTransactionMetrics *)&metrics->first;
    return g_ptr_array_index(metrics->more, index - 1);
}

UrlTaskMetrics *url__task_metrics_new(void)
{
    UrlTaskMetrics *metrics = g_new0(UrlTaskMetrics, 1);
    metrics->ref_count = 1;
    return metrics;
}

void url__task_metrics_set_task_interval(UrlTaskMetrics *metrics, double start, double duration)
{
    g_return_if_fail(metrics != NULL);
    metrics->task_start = start;
    metrics->task_duration = duration;
}

void url__task_metrics_set_redirect_count(UrlTaskMetrics *metrics, int count)
{
    g_return_if_fail(metrics != NULL);
    metrics->redirect_count = count;
}

UrlTransactionMetrics *url__task_metrics_add_transaction(UrlTaskMetrics *metrics)
{
    g_return_val_if_fail(metrics != NULL, NULL);
    if (metrics->transaction_count++ == 0)
        return &metrics->first;
    if (metrics->more == NULL)
        metrics->more = g_ptr_array_new_with_free_func(url_transaction_metrics_free);
    UrlTransactionMetrics *t = g_new0(UrlTransactionMetrics, 1);
    g_ptr_array_add(metrics->more, t);
    return t;
}

void url__transaction_metrics_set_url(UrlTransactionMetrics *t, const char *url)
{
    g_return_if_fail(t != NULL);
    url_replace_string(&t->url, url);
}

void url__transaction_metrics_set_timing(UrlTransactionMetrics *t, UrlTransactionTiming timing,
                                         double unix_time)
{
    g_return_if_fail(t != NULL);
    g_return_if_fail((unsigned)timing < URL__TIMING_COUNT);
    t->timings[timing] = unix_time;
}

void url__transaction_metrics_set_status_code(UrlTransactionMetrics *t, int status)
{
    g_return_if_fail(t != NULL);
    t->status_code = status;
}

void url__transaction_metrics_set_network_protocol_name(UrlTransactionMetrics *t, const char *name)
{
    g_return_if_fail(t != NULL);
    URL_REPLACE_TEXT(t, network_protocol_name, name);
}

void url__transaction_metrics_set_reused_connection(UrlTransactionMetrics *t, bool reused)
{
    g_return_if_fail(t != NULL);
    t->reused_connection = reused;
}

void url__transaction_metrics_set_remote_address(UrlTransactionMetrics *t, const char *address,
                                                 int port)
{
    g_return_if_fail(t != NULL);
    URL_REPLACE_TEXT(t, remote_address, address);
    t->remote_port = port;
}

void url__transaction_metrics_set_local_address(UrlTransactionMetrics *t, const char *address,
                                                int port)
{
    g_return_if_fail(t != NULL);
    URL_REPLACE_TEXT(t, local_address, address);
    t->local_port = port;
}

void url__transaction_metrics_set_byte_count(UrlTransactionMetrics *t,
                                             UrlTransactionByteCount which, int64_t count)
{
    g_return_if_fail(t != NULL);
    g_return_if_fail((unsigned)which < URL__BYTE_COUNT);
    t->byte_counts[which] = count;
}

void url__transaction_metrics_set_fetch_type(UrlTransactionMetrics *t, UrlResourceFetchType type)
{
    g_return_if_fail(t != NULL);
    t->fetch_type = type;
}

void url__transaction_metrics_set_proxy_connection(UrlTransactionMetrics *t, bool proxied)
{
    g_return_if_fail(t != NULL);
    t->proxy_connection = proxied;
}

void url__transaction_metrics_set_tls(UrlTransactionMetrics *t, const char *protocol_version,
                                      const char *cipher_suite)
{
    g_return_if_fail(t != NULL);
    URL_REPLACE_TEXT(t, tls_protocol_version, protocol_version);
    URL_REPLACE_TEXT(t, tls_cipher_suite, cipher_suite);
}

UrlTaskMetrics *url_task_metrics_ref(const UrlTaskMetrics *metrics)
{
    g_return_val_if_fail(metrics != NULL, NULL);
    /* Metrics are complete before anyone outside the task sees them; only the count moves. */
    UrlTaskMetrics *mutable_metrics = (UrlTaskMetrics *)metrics;
    g_atomic_int_inc(&mutable_metrics->ref_count);
    return mutable_metrics;
}

void url_task_metrics_unref(UrlTaskMetrics *metrics)
{
    if (metrics == NULL || !g_atomic_int_dec_and_test(&metrics->ref_count))
        return;
    url_transaction_metrics_clear(&metrics->first);
    if (metrics->more)
        g_ptr_array_free(metrics->more, TRUE);
    g_free(metrics);
}

void url_task_metrics_get_task_interval(const UrlTaskMetrics *metrics, double *start,
                                        double *duration)
{
    if (start != NULL)
        *start = 0;
    if (duration != NULL)
        *duration = 0;
    g_return_if_fail(metrics != NULL);
    if (start != NULL)
        *start = metrics->task_start;
    if (duration != NULL)
        *duration = metrics->task_duration;
}

int url_task_metrics_get_redirect_count(const UrlTaskMetrics *metrics)
{
    g_return_val_if_fail(metrics != NULL, 0);
    return metrics->redirect_count;
}

size_t url_task_metrics_get_transaction_count(const UrlTaskMetrics *metrics)
{
    g_return_val_if_fail(metrics != NULL, 0);
    return metrics->transaction_count;
}

const UrlTransactionMetrics *url_task_metrics_get_transaction(const UrlTaskMetrics *metrics,
                                                              size_t index)
{
    g_return_val_if_fail(metrics != NULL, NULL);
    if (index >= metrics->transaction_count)
        return NULL;
    return url_transaction_at(metrics, index);
}

double url_transaction_metrics_get_timing(const UrlTransactionMetrics *transaction,
                                          UrlTransactionTiming timing)
{
    g_return_val_if_fail(transaction != NULL, 0);
    g_return_val_if_fail((unsigned)timing < URL__TIMING_COUNT, 0);
    return transaction->timings[timing];
}

const char *url_transaction_metrics_get_url(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, NULL);
    return transaction->url;
}

int url_transaction_metrics_get_status_code(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, 0);
    return transaction->status_code;
}

const char *
url_transaction_metrics_get_network_protocol_name(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, NULL);
    return transaction->network_protocol_name;
}

bool url_transaction_metrics_is_reused_connection(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->reused_connection;
}

const char *url_transaction_metrics_get_remote_address(const UrlTransactionMetrics *transaction,
                                                       int *port)
{
    if (port != NULL)
        *port = 0;
    g_return_val_if_fail(transaction != NULL, NULL);
    if (port != NULL)
        *port = transaction->remote_port;
    return transaction->remote_address;
}

const char *url_transaction_metrics_get_local_address(const UrlTransactionMetrics *transaction,
                                                      int *port)
{
    if (port != NULL)
        *port = 0;
    g_return_val_if_fail(transaction != NULL, NULL);
    if (port != NULL)
        *port = transaction->local_port;
    return transaction->local_address;
}

int64_t url_transaction_metrics_get_byte_count(const UrlTransactionMetrics *transaction,
                                               UrlTransactionByteCount which)
{
    g_return_val_if_fail(transaction != NULL, 0);
    g_return_val_if_fail((unsigned)which < URL__BYTE_COUNT, 0);
    return transaction->byte_counts[which];
}

UrlResourceFetchType
url_transaction_metrics_get_fetch_type(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, URL_FETCH_TYPE_UNKNOWN);
    return transaction->fetch_type;
}

bool url_transaction_metrics_is_proxy_connection(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->proxy_connection;
}

const char *
url_transaction_metrics_get_tls_protocol_version(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, NULL);
    return transaction->tls_protocol_version;
}

const char *url_transaction_metrics_get_tls_cipher_suite(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, NULL);
    return transaction->tls_cipher_suite;
}

void url__transaction_metrics_set_interface(UrlTransactionMetrics *t, const char *name,
                                            UrlInterfaceType type, bool expensive, bool constrained)
{
    g_return_if_fail(t != NULL);
    URL_REPLACE_TEXT(t, interface_name, name);
    t->interface_type = type;
    t->expensive = expensive;
    t->constrained = constrained;
}

void url__transaction_metrics_set_multipath(UrlTransactionMetrics *t, bool negotiated)
{
    g_return_if_fail(t != NULL);
    t->multipath = negotiated;
}

void url__transaction_metrics_set_path_manager(UrlTransactionMetrics *t, const char *name)
{
    g_return_if_fail(t != NULL);
    url_replace_string(&t->path_manager, name);
}

const char *url_transaction_metrics_get_path_manager(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, NULL);
    return transaction->path_manager;
}

void url__transaction_metrics_add_subflow(UrlTransactionMetrics *t, const char *interface,
                                          const char *local, const char *remote, int64_t bytes_sent,
                                          int64_t bytes_received, double rtt)
{
    g_return_if_fail(t != NULL);
    if (t->subflows == NULL)
        t->subflows = g_array_new(FALSE, FALSE, sizeof(Subflow));
    Subflow subflow = {g_strdup(interface), g_strdup(local), g_strdup(remote),
                       bytes_sent,          bytes_received,  rtt};
    g_array_append_val(t->subflows, subflow);
}

const char *url_transaction_metrics_get_interface_name(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, NULL);
    return transaction->interface_name;
}

UrlInterfaceType
url_transaction_metrics_get_interface_type(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, URL_INTERFACE_TYPE_OTHER);
    return transaction->interface_type;
}

bool url_transaction_metrics_is_cellular(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->interface_name &&
           transaction->interface_type == URL_INTERFACE_TYPE_CELLULAR;
}

bool url_transaction_metrics_is_expensive(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->expensive;
}

bool url_transaction_metrics_is_constrained(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->constrained;
}

bool url_transaction_metrics_is_multipath(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->multipath;
}

size_t url_transaction_metrics_get_subflow_count(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, 0);
    return transaction->subflows ? transaction->subflows->len : 0;
}

const char *url_transaction_metrics_get_subflow(const UrlTransactionMetrics *transaction,
                                                size_t index, int64_t *bytes_sent,
                                                int64_t *bytes_received, double *rtt)
{
    if (bytes_sent)
        *bytes_sent = 0;
    if (bytes_received)
        *bytes_received = 0;
    if (rtt)
        *rtt = 0;
    g_return_val_if_fail(transaction != NULL, NULL);
    if (transaction->subflows == NULL || index >= transaction->subflows->len)
        return NULL;
    const Subflow *s = &g_array_index(transaction->subflows, Subflow, index);
    if (bytes_sent)
        *bytes_sent = s->bytes_sent;
    if (bytes_received)
        *bytes_received = s->bytes_received;
    if (rtt)
        *rtt = s->rtt;
    return s->interface ? s->interface : "";
}

static void url_json_seconds(GString *out, double seconds);
static void url_json_string(GString *out, const char *text);

/* Which interface carried the transaction, what it costs, and the MPTCP subflows. */
static void url_json_path(GString *out, const UrlTransactionMetrics *t)
{
    g_string_append(out, ",\"interface\":");
    url_json_string(out, t->interface_name);
    g_string_append(out, ",\"interface_type\":");
    url_json_string(out,
                    t->interface_name ? url_interface_type_to_string(t->interface_type) : NULL);
    g_string_append_printf(out, ",\"cellular\":%s,\"expensive\":%s,\"constrained\":%s",
                           url_transaction_metrics_is_cellular(t) ? "true" : "false",
                           t->expensive ? "true" : "false", t->constrained ? "true" : "false");
    g_string_append_printf(out,
                           ",\"multipath\":%s,\"path_manager\":", t->multipath ? "true" : "false");
    url_json_string(out, t->path_manager);
    g_string_append(out, ",\"subflows\":[");
    for (guint i = 0; t->subflows && i < t->subflows->len; i++) {
        const Subflow *s = &g_array_index(t->subflows, Subflow, i);
        g_string_append(out, i ? ",{\"interface\":" : "{\"interface\":");
        url_json_string(out, s->interface);
        g_string_append(out, ",\"local_address\":");
        url_json_string(out, s->local);
        g_string_append(out, ",\"remote_address\":");
        url_json_string(out, s->remote);
        g_string_append_printf(out,
                               ",\"bytes_sent\":%" G_GINT64_FORMAT
                               ",\"bytes_received\":%" G_GINT64_FORMAT ",\"rtt\":",
                               (gint64)s->bytes_sent, (gint64)s->bytes_received);
        url_json_seconds(out, s->rtt);
        g_string_append_c(out, '}');
    }
    g_string_append_c(out, ']');
}

static const char *fetch_type_name(UrlResourceFetchType type)
{
    switch (type) {
    case URL_FETCH_TYPE_NETWORK_LOAD:
        return "network-load";
    case URL_FETCH_TYPE_LOCAL_CACHE:
        return "local-cache";
    case URL_FETCH_TYPE_UNKNOWN:
        break;
    }
    return "unknown";
}

void url__transaction_metrics_add_connect_attempt(UrlTransactionMetrics *t, const char *address,
                                                  double start)
{
    g_return_if_fail(t != NULL && address != NULL);
    if (t->connect_attempts == NULL)
        t->connect_attempts = g_array_new(FALSE, FALSE, sizeof(ConnectAttempt));
    ConnectAttempt attempt = {.address = g_strdup(address), .start = start};
    g_array_append_val(t->connect_attempts, attempt);
}

void url__transaction_metrics_set_nat64(UrlTransactionMetrics *t, bool synthesized,
                                        const char *prefix)
{
    g_return_if_fail(t != NULL);
    t->synthesized = synthesized;
    url_replace_string(&t->nat64_prefix, synthesized ? prefix : NULL);
}

void url__transaction_metrics_set_tcp_fast_open(UrlTransactionMetrics *t, bool used)
{
    g_return_if_fail(t != NULL);
    t->tcp_fast_open = used;
}

size_t url_transaction_metrics_get_connect_attempt_count(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, 0);
    return transaction->connect_attempts ? transaction->connect_attempts->len : 0;
}

const char *url_transaction_metrics_get_connect_attempt(const UrlTransactionMetrics *transaction,
                                                        size_t index, double *start)
{
    if (start != NULL)
        *start = 0;
    g_return_val_if_fail(transaction != NULL, NULL);
    if (transaction->connect_attempts == NULL || index >= transaction->connect_attempts->len)
        return NULL;
    const ConnectAttempt *attempt =
        &g_array_index(transaction->connect_attempts, ConnectAttempt, index);
    if (start != NULL)
        *start = attempt->start;
    return attempt->address;
}

bool url_transaction_metrics_is_address_synthesized(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->synthesized;
}

const char *url_transaction_metrics_get_nat64_prefix(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, NULL);
    return transaction->nat64_prefix;
}

bool url_transaction_metrics_is_tcp_fast_open(const UrlTransactionMetrics *transaction)
{
    g_return_val_if_fail(transaction != NULL, false);
    return transaction->tcp_fast_open;
}

/* A JSON string (RFC 8259 §7), or null. Bytes that are not UTF-8 become U+FFFD so the
 * output stays valid JSON whatever a server put in a URL. */
static void url_json_string(GString *out, const char *text)
{
    if (text == NULL) {
        g_string_append(out, "null");
        return;
    }
    g_string_append_c(out, '"');
    const char *p = text;
    while (*p != '\0') {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80) {
            gunichar ch = g_utf8_get_char_validated(p, -1);
            if (ch == (gunichar)-1 || ch == (gunichar)-2) {
                g_string_append(out, "\\ufffd");
                p++;
            } else {
                const char *next = g_utf8_next_char(p);
                g_string_append_len(out, p, next - p);
                p = next;
            }
            continue;
        }
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c < 0x20)
                g_string_append_printf(out, "\\u%04x", c);
            else
                g_string_append_c(out, (char)c);
            break;
        }
        p++;
    }
    g_string_append_c(out, '"');
}

/* Seconds with microseconds, the resolution libcurl reports. g_ascii_formatd keeps the
 * decimal point a '.' whatever the locale; JSON has no NaN or infinity. */
static void url_json_seconds(GString *out, double seconds)
{
    if (!isfinite(seconds)) {
        g_string_append(out, "null");
        return;
    }
    /* "%.6f" prints every integer digit: DBL_MAX takes 316 characters, far more than
     * G_ASCII_DTOSTR_BUF_SIZE, and a cut number (found by fuzz_metrics_json) is not JSON. */
    char buffer[320];
    g_string_append(out, g_ascii_formatd(buffer, sizeof buffer, "%.6f", seconds));
}

static void url_json_timing(GString *out, double seconds)
{
    if (seconds == 0)
        g_string_append(out, "null");
    else
        url_json_seconds(out, seconds);
}

/* How the connection came to be: every address tried (Happy Eyeballs), NAT64, TFO. */
static void url_json_connection(GString *out, const UrlTransactionMetrics *t)
{
    g_string_append(out, ",\"connect_attempts\":[");
    for (guint i = 0; t->connect_attempts && i < t->connect_attempts->len; i++) {
        const ConnectAttempt *attempt = &g_array_index(t->connect_attempts, ConnectAttempt, i);
        g_string_append(out, i ? ",{\"address\":" : "{\"address\":");
        url_json_string(out, attempt->address);
        g_string_append(out, ",\"start\":");
        url_json_timing(out, attempt->start);
        g_string_append_c(out, '}');
    }
    g_string_append_printf(
        out, "],\"synthesized\":%s,\"nat64_prefix\":", t->synthesized ? "true" : "false");
    url_json_string(out, t->nat64_prefix);
    g_string_append_printf(out, ",\"tcp_fast_open\":%s", t->tcp_fast_open ? "true" : "false");
}

static void url_json_transaction(GString *out, const UrlTransactionMetrics *t)
{
    g_string_append(out, "{\"url\":");
    url_json_string(out, t->url);
    g_string_append_printf(out, ",\"status\":%d,\"protocol\":", t->status_code);
    url_json_string(out, t->network_protocol_name);
    g_string_append_printf(out, ",\"reused_connection\":%s,\"remote_address\":",
                           t->reused_connection ? "true" : "false");
    url_json_string(out, t->remote_address);
    g_string_append_printf(out, ",\"remote_port\":%d", t->remote_port);
    url_json_connection(out, t);
    g_string_append(out, ",\"local_address\":");
    url_json_string(out, t->local_address);
    g_string_append_printf(out, ",\"local_port\":%d,\"fetch_type\":\"%s\",\"proxy_connection\":%s",
                           t->local_port, fetch_type_name(t->fetch_type),
                           t->proxy_connection ? "true" : "false");
    g_string_append(out, ",\"tls_protocol_version\":");
    url_json_string(out, t->tls_protocol_version);
    g_string_append(out, ",\"tls_cipher_suite\":");
    url_json_string(out, t->tls_cipher_suite);
    url_json_path(out, t);
    for (size_t i = 0; i < URL__TIMING_COUNT; i++) {
        g_string_append_printf(out, ",\"%s\":", url_timing_keys[i]);
        url_json_timing(out, t->timings[i]);
    }
    for (size_t i = 0; i < URL__BYTE_COUNT; i++)
        g_string_append_printf(out, ",\"%s\":%" G_GINT64_FORMAT, url_byte_count_keys[i],
                               (gint64)t->byte_counts[i]);
    g_string_append_c(out, '}');
}

char *url_task_metrics_to_json(const UrlTaskMetrics *metrics)
{
    g_return_val_if_fail(metrics != NULL, NULL);
    GString *out = g_string_new("{\"task_start\":");
    url_json_seconds(out, metrics->task_start);
    g_string_append(out, ",\"task_duration\":");
    url_json_seconds(out, metrics->task_duration);
    g_string_append_printf(out, ",\"redirect_count\":%d,\"transactions\":[",
                           metrics->redirect_count);
    for (size_t i = 0; i < metrics->transaction_count; i++) {
        if (i > 0)
            g_string_append_c(out, ',');
        url_json_transaction(out, url_transaction_at(metrics, i));
    }
    g_string_append(out, "]}");
    /* Documented as free()-able: hand out a copy made with the C allocator. */
    char *json = strdup(out->str);
    g_string_free(out, TRUE);
    return json;
}
