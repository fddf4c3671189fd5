/* metrics.h — UrlTaskMetrics: timings, addresses and protocol of each transaction. */
#ifndef URLSESSION_METRICS_H
#define URLSESSION_METRICS_H

#include "path_monitor.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** url_task_metrics_ref: Returns: (transfer full) @metrics. Thread: any */
URL_API UrlTaskMetrics *url_task_metrics_ref(const UrlTaskMetrics *metrics);

/** url_task_metrics_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_task_metrics_unref(UrlTaskMetrics *metrics);

/**
 * url_task_metrics_get_task_interval:
 * @start: (out) (optional): when the task was first resumed, seconds since the Unix epoch
 * @duration: (out) (optional): seconds from then to its completion
 * Thread: any
 */
URL_API void url_task_metrics_get_task_interval(const UrlTaskMetrics *metrics, double *start,
                                                double *duration);

/** Returns: how many redirects the task followed. Thread: any */
URL_API int url_task_metrics_get_redirect_count(const UrlTaskMetrics *metrics);

/** Returns: the number of transactions (one per request sent, redirects included). Thread: any */
URL_API size_t url_task_metrics_get_transaction_count(const UrlTaskMetrics *metrics);

/**
 * url_task_metrics_get_transaction:
 * Returns: (transfer none) (nullable): transaction @index (in the order they happened),
 *   valid while @metrics lives
 * Thread: any
 */
URL_API const UrlTransactionMetrics *url_task_metrics_get_transaction(const UrlTaskMetrics *metrics,
                                                                      size_t index);

/** UrlTransactionTiming: the moments of a transaction, as in URLSessionTaskTransactionMetrics. */
typedef enum {
    URL_TIMING_FETCH_START = 0,
    URL_TIMING_DOMAIN_LOOKUP_START,
    URL_TIMING_DOMAIN_LOOKUP_END,
    URL_TIMING_CONNECT_START,
    URL_TIMING_SECURE_CONNECTION_START,
    URL_TIMING_SECURE_CONNECTION_END,
    URL_TIMING_CONNECT_END,
    URL_TIMING_REQUEST_START,
    URL_TIMING_REQUEST_END,
    URL_TIMING_RESPONSE_START,
    URL_TIMING_RESPONSE_END,
} UrlTransactionTiming;

/**
 * url_transaction_metrics_get_timing:
 * Returns: the moment in seconds since the Unix epoch, or 0 when it did not happen (no
 *   lookup or connect on a reused connection, no TLS on http://)
 * Thread: any
 */
URL_API double url_transaction_metrics_get_timing(const UrlTransactionMetrics *transaction,
                                                  UrlTransactionTiming timing);

/** Returns: (transfer none): the request URL of this transaction. Thread: any */
URL_API const char *url_transaction_metrics_get_url(const UrlTransactionMetrics *transaction);

/** Returns: the status code received, 0 when none. Thread: any */
URL_API int url_transaction_metrics_get_status_code(const UrlTransactionMetrics *transaction);

/** Returns: (transfer none) (nullable): "http/1.1" or "h2"; NULL without a response. Thread: any */
URL_API const char *
url_transaction_metrics_get_network_protocol_name(const UrlTransactionMetrics *transaction);

/** Returns: whether the request went over a connection an earlier request had opened. Thread: any
 */
URL_API bool url_transaction_metrics_is_reused_connection(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_connect_attempt_count:
 * Returns: how many connection attempts (sockets) the transaction made: 0 on a reused
 *   connection, 2 or more when Happy Eyeballs raced addresses or an address failed
 * Thread: any
 */
URL_API size_t
url_transaction_metrics_get_connect_attempt_count(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_connect_attempt:
 * @index: 0 .. url_transaction_metrics_get_connect_attempt_count() - 1, in attempt order
 * @start: (out) (optional): when the attempt began, seconds since the epoch
 * Returns: (transfer none) (nullable): the numeric address tried; NULL past the end
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_connect_attempt(const UrlTransactionMetrics *transaction, size_t index,
                                            double *start);

/**
 * url_transaction_metrics_is_address_synthesized:
 * Returns: whether the remote address was synthesized from an IPv4 address with a NAT64
 *   prefix (an IPv6-only network reaching an IPv4 server)
 * Thread: any
 */
URL_API bool
url_transaction_metrics_is_address_synthesized(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_nat64_prefix:
 * Returns: (transfer none) (nullable): the NAT64 prefix of a synthesized remote address
 *   ("64:ff9b::/96"), NULL otherwise
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_nat64_prefix(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_is_tcp_fast_open:
 * Returns: whether the transaction's connection was opened with TCP Fast Open allowed
 *   (the configuration enables it and the method is idempotent)
 * Thread: any
 */
URL_API bool url_transaction_metrics_is_tcp_fast_open(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_remote_address:
 * @port: (out) (optional): the remote port
 * Returns: (transfer none) (nullable): the numeric remote address, NULL if never connected
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_remote_address(const UrlTransactionMetrics *transaction, int *port);

/**
 * url_transaction_metrics_get_local_address:
 * @port: (out) (optional): the local port
 * Returns: (transfer none) (nullable): the numeric local address, NULL if never connected
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_local_address(const UrlTransactionMetrics *transaction, int *port);

/**
 * UrlTransactionByteCount:
 * @URL_BYTES_REQUEST_HEADER: request header bytes sent (countOfRequestHeaderBytesSent).
 * @URL_BYTES_REQUEST_BODY: request body bytes sent (countOfRequestBodyBytesSent).
 * @URL_BYTES_RESPONSE_HEADER: response header bytes received, interim (1xx) heads included
 *   (countOfResponseHeaderBytesReceived).
 * @URL_BYTES_RESPONSE_BODY: response body bytes as they came over the connection, before
 *   content decoding (countOfResponseBodyBytesReceived).
 * @URL_BYTES_REQUEST_BODY_BEFORE_ENCODING: request body bytes the application gave
 *   (countOfRequestBodyBytesBeforeEncoding); the library does not encode bodies, so this
 *   equals URL_BYTES_REQUEST_BODY.
 * @URL_BYTES_RESPONSE_BODY_AFTER_DECODING: response body bytes after content decoding
 *   (gzip, deflate, br, zstd), as the task delivered them
 *   (countOfResponseBodyBytesAfterDecoding).
 *
 * The byte counters of a transaction.
 */
typedef enum {
    URL_BYTES_REQUEST_HEADER = 0,
    URL_BYTES_REQUEST_BODY,
    URL_BYTES_RESPONSE_HEADER,
    URL_BYTES_RESPONSE_BODY,
    URL_BYTES_REQUEST_BODY_BEFORE_ENCODING,
    URL_BYTES_RESPONSE_BODY_AFTER_DECODING,
} UrlTransactionByteCount;

/** Returns: the byte count of @which for this transaction. Thread: any */
URL_API int64_t url_transaction_metrics_get_byte_count(const UrlTransactionMetrics *transaction,
                                                       UrlTransactionByteCount which);

/**
 * UrlResourceFetchType:
 * @URL_FETCH_TYPE_UNKNOWN: the transaction did not get far enough to say.
 * @URL_FETCH_TYPE_NETWORK_LOAD: the response came from the network.
 * @URL_FETCH_TYPE_LOCAL_CACHE: the response came from the session's UrlCache without a
 *   request (a 304 revalidation is a network load).
 *
 * Where a transaction's response came from, as URLSessionTaskMetrics.ResourceFetchType.
 */
typedef enum {
    URL_FETCH_TYPE_UNKNOWN = 0,
    URL_FETCH_TYPE_NETWORK_LOAD = 1,
    URL_FETCH_TYPE_LOCAL_CACHE = 3,
} UrlResourceFetchType;

/** Returns: where the response of @transaction came from. Thread: any */
URL_API UrlResourceFetchType
url_transaction_metrics_get_fetch_type(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_is_proxy_connection:
 * Returns: whether the transaction went through a proxy (HTTP, HTTPS or SOCKS)
 * Thread: any
 */
URL_API bool url_transaction_metrics_is_proxy_connection(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_tls_protocol_version:
 * Returns: (transfer none) (nullable): the negotiated TLS version ("TLSv1.2", "TLSv1.3"),
 *   NULL without TLS; valid while the metrics live
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_tls_protocol_version(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_tls_cipher_suite:
 * Returns: (transfer none) (nullable): the negotiated cipher suite by its IANA name
 *   ("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), NULL without
 *   TLS; valid while the metrics live
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_tls_cipher_suite(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_interface_name:
 * Returns: (transfer none) (nullable): the interface the transaction's connection used
 *   ("wifi0"), from its local address; NULL when unknown (no connection, loopback
 *   excluded). Valid while the metrics live.
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_interface_name(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_interface_type:
 * Returns: the type of that interface (URL_INTERFACE_TYPE_OTHER when unknown)
 * Thread: any
 */
URL_API UrlInterfaceType
url_transaction_metrics_get_interface_type(const UrlTransactionMetrics *transaction);

/** url_transaction_metrics_is_cellular: Returns: whether the interface is cellular. Thread: any */
URL_API bool url_transaction_metrics_is_cellular(const UrlTransactionMetrics *transaction);

/** url_transaction_metrics_is_expensive: Returns: whether the interface is expensive. Thread: any
 */
URL_API bool url_transaction_metrics_is_expensive(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_is_constrained:
 * Returns: whether the interface is constrained (low data mode)
 * Thread: any
 */
URL_API bool url_transaction_metrics_is_constrained(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_is_multipath:
 * Returns: whether the connection is Multipath TCP as negotiated with the server; false
 *   when the session's service type is none, the kernel has no MPTCP, or the server did
 *   not answer in MPTCP (the connection fell back to TCP)
 * Thread: any
 */
URL_API bool url_transaction_metrics_is_multipath(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_path_manager:
 * Returns: (transfer none) (nullable): which MPTCP path manager steered the multipath
 *   connection: "userspace" (the library's per-connection subflows over the kernel's
 *   user-space path manager), "kernel-managed" (the kernel path manager with endpoints the
 *   library set), "kernel" (the kernel path manager with the system's endpoints),
 *   "userspace-unprivileged" (user-space path manager without CAP_NET_ADMIN: one subflow);
 *   NULL when the connection was not multipath
 * Thread: any
 */
URL_API const char *
url_transaction_metrics_get_path_manager(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_subflow_count:
 * Returns: how many MPTCP subflows the connection had when the transaction ended
 * Thread: any
 */
URL_API size_t url_transaction_metrics_get_subflow_count(const UrlTransactionMetrics *transaction);

/**
 * url_transaction_metrics_get_subflow:
 * @index: 0 .. url_transaction_metrics_get_subflow_count() - 1
 * @bytes_sent: (out) (optional): bytes the peer acknowledged on the subflow
 * @bytes_received: (out) (optional): bytes received on the subflow
 * @rtt: (out) (optional): the subflow's smoothed round-trip time, seconds
 *
 * The byte counts are the connection's since it opened (a reused connection counts what
 * earlier transactions moved too).
 *
 * Returns: (transfer none) (nullable): the subflow's interface name ("" when unknown);
 *   NULL past the end
 * Thread: any
 */
URL_API const char *url_transaction_metrics_get_subflow(const UrlTransactionMetrics *transaction,
                                                        size_t index, int64_t *bytes_sent,
                                                        int64_t *bytes_received, double *rtt);

/**
 * url_task_metrics_to_json:
 * Returns: (transfer full): the metrics as one line of JSON (no newline) with every field
 *   above; free with free()
 * Thread: any
 */
URL_API char *url_task_metrics_to_json(const UrlTaskMetrics *metrics);

#ifdef __cplusplus
}
#endif

#endif
