/* metrics.h — building UrlTaskMetrics while a task runs (on the network thread). */
#ifndef URL_SESSION_METRICS_PRIVATE_H
#define URL_SESSION_METRICS_PRIVATE_H

#include <urlsession/metrics.h>

UrlTaskMetrics *url__task_metrics_new(void);
void url__task_metrics_set_task_interval(UrlTaskMetrics *metrics, double start, double duration);
void url__task_metrics_set_redirect_count(UrlTaskMetrics *metrics, int count);
/* Appends a transaction and returns it (owned by @metrics). */
UrlTransactionMetrics *url__task_metrics_add_transaction(UrlTaskMetrics *metrics);

void url__transaction_metrics_set_url(UrlTransactionMetrics *t, const char *url);
/* Connection story (lib/net): each socket curl opened, NAT64 synthesis, TCP Fast Open. */
void url__transaction_metrics_add_connect_attempt(UrlTransactionMetrics *t, const char *address,
                                                  double start);
void url__transaction_metrics_set_nat64(UrlTransactionMetrics *t, bool synthesized,
                                        const char *prefix);
void url__transaction_metrics_set_tcp_fast_open(UrlTransactionMetrics *t, bool used);
void url__transaction_metrics_set_timing(UrlTransactionMetrics *t, UrlTransactionTiming timing,
                                         double unix_time);
void url__transaction_metrics_set_status_code(UrlTransactionMetrics *t, int status);
void url__transaction_metrics_set_network_protocol_name(UrlTransactionMetrics *t, const char *name);
void url__transaction_metrics_set_reused_connection(UrlTransactionMetrics *t, bool reused);
void url__transaction_metrics_set_remote_address(UrlTransactionMetrics *t, const char *address,
                                                 int port);
void url__transaction_metrics_set_local_address(UrlTransactionMetrics *t, const char *address,
                                                int port);
void url__transaction_metrics_set_byte_count(UrlTransactionMetrics *t,
                                             UrlTransactionByteCount which, int64_t count);
void url__transaction_metrics_set_fetch_type(UrlTransactionMetrics *t, UrlResourceFetchType type);
void url__transaction_metrics_set_proxy_connection(UrlTransactionMetrics *t, bool proxied);
/* Either may be NULL (no TLS). */
void url__transaction_metrics_set_tls(UrlTransactionMetrics *t, const char *protocol_version,
                                      const char *cipher_suite);
/* Path facts (lib/path, lib/mptcp): the connection's interface; whether MPTCP was
 * negotiated; each subflow (interface may be NULL when unknown). */
void url__transaction_metrics_set_interface(UrlTransactionMetrics *t, const char *name,
                                            UrlInterfaceType type, bool expensive,
                                            bool constrained);
void url__transaction_metrics_set_multipath(UrlTransactionMetrics *t, bool negotiated);
/* The MPTCP path manager backend that steered the connection (see lib/mptcp). */
void url__transaction_metrics_set_path_manager(UrlTransactionMetrics *t, const char *name);
void url__transaction_metrics_add_subflow(UrlTransactionMetrics *t, const char *interface,
                                          const char *local, const char *remote, int64_t bytes_sent,
                                          int64_t bytes_received, double rtt);

#endif
