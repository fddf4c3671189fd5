/* transfer.h — one HTTP exchange (request out, response in) on a libcurl easy handle.
 * A task runs one transfer per hop: a redirect is a new transfer. Network thread only. */
#ifndef URL_HTTP_TRANSFER_H
#define URL_HTTP_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <curl/curl.h>
#include <glib.h>
#include <urlsession/error.h>

#include "http/header_list.h"
#include "http/multi_driver.h"
#include "http/server_trust.h"
#include "mptcp/subflow_policy.h"

typedef struct UrlTransfer UrlTransfer;

/* What on_body returns to stop the flow until url__transfer_set_paused(recv=false). */
#define URL__TRANSFER_PAUSE ((size_t)-1)
/* What read_body returns when a stream has nothing yet (then url__transfer_set_paused
 * with send=false continues it). */
#define URL__TRANSFER_WOULD_BLOCK (-2)

typedef enum {
    URL_TRANSFER_BODY_NONE,
    URL_TRANSFER_BODY_BYTES,  /* body_data / body_length, borrowed for the transfer's life */
    URL_TRANSFER_BODY_FILE,   /* body_path, opened and sized when the transfer is made */
    URL_TRANSFER_BODY_READER, /* read_body callback, body_length or -1 */
} UrlTransferBodyKind;

typedef struct {
    const char *url;
    const char *method;
    const UrlHeaderList *headers; /* every header to send, already merged */
    UrlTransferBodyKind body_kind;
    const void *body_data;
    int64_t body_length;
    const char *body_path;
    long http_version; /* CURL_HTTP_VERSION_* */
    long tls_minimum;  /* CURL_SSLVERSION_* */
    const char *ca_file;
    const char *ca_path;
    long stream_weight; /* 1..256 */
    /* The proxy (a URL with its scheme, from url__proxy_for_url), NULL: connect directly,
     * whatever the environment says. */
    const char *proxy;
    /* Credentials for this hop (task_auth.c): CURLAUTH_BASIC or CURLAUTH_DIGEST, 0 for
     * none; borrowed for the call. */
    long auth_method;
    const char *user, *password;
    long proxy_auth_method;
    const char *proxy_user, *proxy_password;
    /* Server trust (task_auth.c): an UrlTrustMode, and the accepted pin for
     * URL__TRUST_PINNED (copied). */
    int trust_mode;
    const char *trust_pin;
    /* Connection policy from lib/net: "+host:port:addr,..." for CURLOPT_RESOLVE (NULL:
     * none, curl connects to an IP literal itself), the Happy Eyeballs attempt delay
     * (0: curl's default) and whether to use TCP Fast Open. */
    const char *resolve_entry;
    long happy_eyeballs_timeout_ms;
    bool tcp_fast_open;
    /* Path policy from lib/path and lib/mptcp: MPTCP sockets, and the interface every
     * socket is bound to (NULL: any). */
    const UrlMptcpOptions *mptcp; /* NULL: plain TCP */
    const char *interface;
    /* The session's driver: the easy handle comes from its spares and goes back to them
     * when the transfer is freed (NULL: a handle of the transfer's own). */
    UrlMultiDriver *driver;
    /* The most body bytes a response with a Content-Encoding may decode to (0: no limit);
     * past it the transfer fails and url__transfer_error() says -1103. */
    int64_t max_decoded_body;
    /* A connection of its own: neither an existing one nor one being made for another
     * transfer (no waiting to multiplex), and closed when the transfer ends instead of
     * going to the pool (a Wi-Fi Assist attempt's cellular connection). */
    bool own_connection;
} UrlTransferSpec;

typedef struct {
    /* The final (non-1xx) response's head. Takes ownership of @headers. */
    void (*on_response)(void *owner, UrlTransfer *transfer, int status, const char *http_version,
                        UrlHeaderList *headers, const char *url);
    /* Body bytes after content decoding. Return @length, or URL__TRANSFER_PAUSE to have
     * curl hold them (they are offered again after unpausing). */
    size_t (*on_body)(void *owner, UrlTransfer *transfer, const char *data, size_t length);
    /* URL_TRANSFER_BODY_READER only. */
    ssize_t (*read_body)(void *owner, UrlTransfer *transfer, char *buffer, size_t length);
    /* Called whenever curl reports transfer progress; @sent counts request body bytes. */
    void (*on_progress)(void *owner, UrlTransfer *transfer, int64_t sent);
    /* Optional: the connection is ready (connected, or reused) and the request is about to
     * go out (CURLOPT_PREREQFUNCTION). Return false to end the transfer there, before any
     * byte of the request is sent. Runs inside curl: no curl_multi calls. */
    bool (*on_ready)(void *owner, UrlTransfer *transfer);
} UrlTransferCallbacks;

/* Creates the easy handle from @spec (copied as needed). On failure (a body file that
 * cannot be opened, say) returns NULL with @error set. */
UrlTransfer *url__transfer_new(const UrlTransferSpec *spec, const UrlTransferCallbacks *callbacks,
                               void *owner, UrlError **error);
/* Call before removing the easy handle from its multi: a paused transfer gives back the
 * body data curl holds (and drops it), so that nothing is left behind. */
void url__transfer_prepare_removal(UrlTransfer *transfer);
void url__transfer_free(UrlTransfer *transfer);

CURL *url__transfer_get_easy(UrlTransfer *transfer);
/* The transfer owning @easy (from CURLOPT_PRIVATE). */
UrlTransfer *url__transfer_from_easy(CURL *easy);
void *url__transfer_get_owner(UrlTransfer *transfer);

/* Pauses or continues each direction; both are tracked so that one side's pause does not
 * undo the other's. */
void url__transfer_set_paused(UrlTransfer *transfer, bool recv, bool send);
bool url__transfer_is_recv_paused(UrlTransfer *transfer);

/* The error for a finished transfer's CURLcode, with curl's message; NULL for CURLE_OK
 * unless the decoded limit cut the body. */
UrlError *url__transfer_error(UrlTransfer *transfer, CURLcode code, const char *url);

/* The transfer starts now (it was made earlier and added to the multi only now): its
 * timings count from here. */
void url__transfer_mark_start(UrlTransfer *transfer);

/* Request body bytes handed to curl so far. */
int64_t url__transfer_get_body_sent(UrlTransfer *transfer);

/* The request body's length: -1 when there is none or it is unknown (a stream). */
int64_t url__transfer_get_body_length(UrlTransfer *transfer);

/* Whether a response head arrived. */
bool url__transfer_has_response(UrlTransfer *transfer);

/* What curl knows of the exchange, for metrics. Times are seconds since the epoch, 0 when
 * the step did not happen. */
typedef struct {
    double fetch_start, lookup_start, lookup_end, connect_start, secure_start, secure_end,
        connect_end, request_start, request_end, response_start, response_end;
    int status;
    const char *protocol; /* static: "http/1.0", "http/1.1", "h2" or NULL */
    bool reused;
    char remote_address[64];
    int remote_port;
    char local_address[64];
    int local_port;
    int64_t request_header_bytes, request_body_bytes, response_header_bytes, response_body_bytes;
    int64_t response_body_decoded_bytes; /* response_body_bytes is before content decoding */
    bool proxied;                        /* the exchange went through spec->proxy */
    char tls_version[16];                /* empty without TLS */
    char tls_cipher[64];
} UrlTransferInfo;

void url__transfer_get_info(UrlTransfer *transfer, UrlTransferInfo *info);

/* Whether the transfer goes through a proxy. */
bool url__transfer_is_proxied(UrlTransfer *transfer);
/* Whether the proxy answered CONNECT with 407; then @available is the CURLAUTH_* methods
 * it offered. */
bool url__transfer_tunnel_refused(UrlTransfer *transfer, long *available);
/* What the transfer's TLS handshake showed of the server (server_trust.h); NULL when it
 * was not watched (libcurl's verification only). */
const UrlServerTrust *url__transfer_get_server_trust(UrlTransfer *transfer);

/* The connection attempts curl made (UrlConnectAttempt, in order); NULL when it made none
 * (a reused connection). Borrowed until the transfer is freed. */
const GArray *url__transfer_get_connect_attempts(UrlTransfer *transfer);
/* Whether TCP Fast Open was asked for on this transfer's connections. */
bool url__transfer_uses_tcp_fast_open(UrlTransfer *transfer);

/* The socket of the transfer's connection while it is open, else -1. */
int url__transfer_get_socket(UrlTransfer *transfer);
/* Whether the transfer asked for MPTCP, and whether the socket it last opened is an MPTCP
 * one (the kernel did not refuse). */
bool url__transfer_wants_mptcp(UrlTransfer *transfer);
bool url__transfer_opened_mptcp(UrlTransfer *transfer);

#endif
