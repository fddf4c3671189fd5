/* transfer.c — one HTTP exchange on a libcurl easy handle: the request mapped onto curl
 * options, the response head parsed into a header list, the body source fed to curl. */
#include "http/transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "http/curl_error.h"
#include "http/tls_session.h"
#include "net/socket_factory.h"
#include "session/error.h"

/* libcurl's largest (CURL_MAX_READ_SIZE): a bulk HTTP/1.1 download takes a quarter of
 * the reads and callbacks it took with 128 KiB (0.33 -> 0.29 CPU s per GiB to memory in
 * test/bench). libcurl 7.88 mallocs the buffer when a transfer connects and frees it when
 * it ends, so a pending or idle task holds none, and only the pages a response touches
 * become resident: 10,000 tasks in flight still cost 15.0 KiB each (bench scenario 3). */
#define RECEIVE_BUFFER_BYTES (512 * 1024)
#define UPLOAD_BUFFER_BYTES  (64 * 1024)
/* A response head (status line and header fields, interim heads included) larger than
 * this is refused as a bad server response: it bounds what a hostile server can make us
 * hold, and stays below libcurl's own 300 KiB cap so that the error says what happened. */
#define MAX_RESPONSE_HEAD_BYTES (256 * 1024)

struct UrlTransfer {
    CURL *easy;
    UrlMultiDriver *driver; /* where the easy handle goes back, or NULL */
    const UrlTransferCallbacks *callbacks;
    void *owner;
    void *text;                         /* one block: url and request_headers */
    char *url;                          /* in text */
    struct curl_slist *request_headers; /* in text; NULL if none */
    char error_buffer[CURL_ERROR_SIZE];

    /* Response head being parsed. */
    UrlHeaderList *headers;
    int status;
    bool head_done;
    bool head_invalid;
    bool head_too_large;
    size_t head_bytes;

    /* Request body. */
    UrlTransferBodyKind body_kind;
    const uint8_t *body_data;
    int64_t body_length;
    int64_t body_offset;
    int body_fd;
    double request_end;

    double fetch_start;
    int64_t body_decoded; /* body bytes after content decoding, taken or dropped */
    int64_t max_decoded;  /* for a content-coded body; 0: no limit */
    bool content_coded;   /* the final head had a Content-Encoding other than identity */
    bool decoded_too_large;
    char tls_version[16];
    char tls_cipher[64];
    bool paused_recv;
    bool paused_send;
    bool discarding; /* ending: body bytes are dropped, not delivered */
    bool proxied;
    /* Digest needs the server's nonce: libcurl sends the request once without
     * credentials and answers the 401 (407) itself. That first challenge is not the
     * transfer's response. */
    bool digest_probe_401, digest_probe_407;
    UrlServerTrust trust; /* mode URL__TRUST_VERIFY: not installed */

    UrlSocketFactory sockets;
    char busy_local[64];       /* the MPTCP connection marked busy for this transfer */
    int busy_port;             /* 0: none */
    struct curl_slist resolve; /* CURLOPT_RESOLVE's one entry; data NULL: none */
    bool tcp_fast_open;
};

/* URLSESSION_DEBUG=curl prints libcurl's own trace on stderr, for diagnosing a server. */
static bool verbose_requested(void)
{
    const char *debug = g_getenv("URLSESSION_DEBUG");
    return debug && strstr(debug, "curl");
}

static double now_seconds(void)
{
    return (double)g_get_real_time() / G_USEC_PER_SEC;
}

static size_t on_header_line(char *line, size_t size, size_t count, void *data)
{
    UrlTransfer *self = data;
    size_t length = size * count;
    if (!self->head_done) {
        self->head_bytes += length;
        if (self->head_bytes > MAX_RESPONSE_HEAD_BYTES) {
            self->head_too_large = true;
            return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
        }
    }
    if (length >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        /* A new status line: the start of a head (1xx, or the final one). */
        const char *space = memchr(line, ' ', length);
        self->status = space ? atoi(space + 1) : 0;
        url__header_list_free(self->headers);
        /* Room for a common head (a dozen fields, some 500 bytes) in one block. */
        self->headers = url__header_list_new_sized(12, 512);
        self->head_done = false;
        self->head_invalid = false;
        return length;
    }
    if (self->head_done || self->headers == NULL)
        return length; /* trailers after a chunked body */
    if (length <= 2 && (line[0] == '\r' || line[0] == '\n')) {
        if (self->status >= 100 && self->status < 200)
            return length; /* interim response: the real head follows */
        if ((self->status == 401 && self->digest_probe_401) ||
            (self->status == 407 && self->digest_probe_407)) {
            /* libcurl answers this Digest challenge on its own; the next head counts. */
            self->digest_probe_401 &= self->status != 401;
            self->digest_probe_407 &= self->status != 407;
            return length;
        }
        if (self->head_invalid)
            return 0; /* curl fails the transfer with CURLE_WRITE_ERROR; see error mapping */
        self->head_done = true;
        /* The connection (and its TLS session) belongs to the handle only while it runs. */
        url__tls_session_describe(self->easy, self->tls_version, sizeof self->tls_version,
                                  self->tls_cipher, sizeof self->tls_cipher);
        long version = 0;
        curl_easy_getinfo(self->easy, CURLINFO_HTTP_VERSION, &version);
        const char *name = version == CURL_HTTP_VERSION_2_0   ? "h2"
                           : version == CURL_HTTP_VERSION_1_0 ? "http/1.0"
                                                              : "http/1.1";
        const char *effective = NULL;
        curl_easy_getinfo(self->easy, CURLINFO_EFFECTIVE_URL, &effective);
        const char *coding = url__header_list_get(self->headers, "Content-Encoding");
        self->content_coded = coding && g_ascii_strcasecmp(coding, "identity") != 0;
        UrlHeaderList *headers = self->headers;
        self->headers = NULL;
        self->callbacks->on_response(self->owner, self, self->status, name, headers,
                                     effective ? effective : self->url);
        return length;
    }
    if (!url__header_list_parse_line(self->headers, line, length))
        self->head_invalid = true;
    return length;
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
    UrlTransfer *self = user;
    size_t length = size * count;
    if (!self->head_done)
        return length; /* an interim head's body */
    if (self->discarding) {
        self->body_decoded += (int64_t)length; /* a transfer being ended */
        return length;
    }
    if (self->decoded_too_large || (self->content_coded && self->max_decoded > 0 &&
                                    (int64_t)length > self->max_decoded - self->body_decoded)) {
        self->decoded_too_large = true;
        return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
    }
    size_t taken = self->callbacks->on_body(self->owner, self, data, length);
    if (taken == URL__TRANSFER_PAUSE) {
        self->paused_recv = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    self->body_decoded += (int64_t)taken;
    return taken;
}

static size_t on_read(char *buffer, size_t size, size_t count, void *user)
{
    UrlTransfer *self = user;
    size_t room = size * count;
    switch (self->body_kind) {
    case URL_TRANSFER_BODY_BYTES: {
        size_t left = (size_t)(self->body_length - self->body_offset);
        size_t n = left < room ? left : room;
        memcpy(buffer, self->body_data + self->body_offset, n);
        self->body_offset += (int64_t)n;
        if (n == 0 && self->request_end == 0)
            self->request_end = now_seconds();
        return n;
    }
    case URL_TRANSFER_BODY_FILE: {
        ssize_t n;
        do
            n = read(self->body_fd, buffer, room);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return CURL_READFUNC_ABORT;
        self->body_offset += n;
        if (n == 0 && self->request_end == 0)
            self->request_end = now_seconds();
        return (size_t)n;
    }
    case URL_TRANSFER_BODY_READER: {
        ssize_t n = self->callbacks->read_body(self->owner, self, buffer, room);
        if (n == URL__TRANSFER_WOULD_BLOCK) {
            self->paused_send = true;
            return CURL_READFUNC_PAUSE;
        }
        if (n < 0)
            return CURL_READFUNC_ABORT;
        self->body_offset += n;
        if (n == 0 && self->request_end == 0)
            self->request_end = now_seconds();
        return (size_t)n;
    }
    case URL_TRANSFER_BODY_NONE:
        break;
    }
    return 0;
}

/* curl rewinds the body when it must send it again on a new connection (a reused
 * connection that the server had closed). */
static int on_seek(void *user, curl_off_t offset, int origin)
{
    UrlTransfer *self = user;
    if (origin != SEEK_SET)
        return CURL_SEEKFUNC_CANTSEEK;
    switch (self->body_kind) {
    case URL_TRANSFER_BODY_BYTES:
        if (offset < 0 || offset > self->body_length)
            return CURL_SEEKFUNC_FAIL;
        self->body_offset = offset;
        self->request_end = 0;
        return CURL_SEEKFUNC_OK;
    case URL_TRANSFER_BODY_FILE:
        if (lseek(self->body_fd, (off_t)offset, SEEK_SET) < 0)
            return CURL_SEEKFUNC_FAIL;
        self->body_offset = offset;
        self->request_end = 0;
        return CURL_SEEKFUNC_OK;
    default:
        return self->body_offset == 0 && offset == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
    }
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    UrlTransfer *self = user;
    /* On a chunked upload curl counts the chunk framing too; the body sent is at most
     * what we handed over. */
    int64_t sent = (int64_t)ulnow < self->body_offset ? (int64_t)ulnow : self->body_offset;
    self->callbacks->on_progress(self->owner, self, sent);
    return 0;
}

/* The connection is ready and the request about to go out: the owner may still stop it
 * here; an MPTCP connection is busy from now until the transfer is freed. */
static int on_prereq(void *user, char *remote_ip, char *local_ip, int remote_port, int local_port)
{
    UrlTransfer *self = user;
    if (self->callbacks->on_ready && !self->callbacks->on_ready(self->owner, self))
        return CURL_PREREQFUNC_ABORT;
    if (self->sockets.mptcp.service_type != URL_MULTIPATH_SERVICE_TYPE_NONE && local_ip &&
        !self->busy_port) {
        g_strlcpy(self->busy_local, local_ip, sizeof self->busy_local);
        self->busy_port = local_port;
        url__subflow_policy_set_busy(self->busy_local, self->busy_port, true);
    }
    return CURL_PREREQFUNC_OK;
}

static bool open_body_file(UrlTransfer *self, const char *path, UrlError **error)
{
    self->body_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (self->body_fd < 0) {
        int saved = errno;
        url__error_set(error,
                       saved == ENOENT   ? URL_ERROR_FILE_DOES_NOT_EXIST
                       : saved == EACCES ? URL_ERROR_NO_PERMISSIONS_TO_READ_FILE
                                         : URL_ERROR_CANNOT_OPEN_FILE,
                       "cannot open body file \"%s\": %s", path, g_strerror(saved));
        return false;
    }
    struct stat st;
    if (fstat(self->body_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        url__error_set(error, URL_ERROR_FILE_IS_DIRECTORY, "body file \"%s\" is not a regular file",
                       path);
        return false;
    }
    self->body_length = st.st_size;
    return true;
}

/* Appends @n bytes of @text at *@cursor. */
static void put(char **cursor, const char *text, size_t n)
{
    memcpy(*cursor, text, n);
    *cursor += n;
}

/* The request's text in one allocation, self->text: the URL, then CURLOPT_HTTPHEADER's
 * list (nodes and lines). curl only reads that list, so it need not come from
 * curl_slist_append, which costs two allocations a line. */
static void build_request_text(UrlTransfer *self, const char *url, const UrlHeaderList *headers)
{
    size_t count = url__header_list_count(headers);
    /* URLSession sends bodies at once; 100-continue would add a round trip. */
    static const char no_expect[] = "Expect:";
    bool expect = !url__header_list_contains(headers, "Expect");
    size_t nodes = count + (expect ? 1 : 0);
    size_t url_bytes = strlen(url) + 1;
    size_t bytes = nodes * sizeof(struct curl_slist) + url_bytes + (expect ? sizeof no_expect : 0);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(headers, i, &name, &value);
        bytes += strlen(name) + (*value ? 2 + strlen(value) : 1) + 1;
    }
    struct curl_slist *list = g_malloc(bytes);
    char *cursor = (char *)(list + nodes);
    self->text = list;
    self->url = cursor;
    put(&cursor, url, url_bytes);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(headers, i, &name, &value);
        list[i].data = cursor;
        list[i].next = &list[i + 1];
        put(&cursor, name, strlen(name));
        /* curl sends "Name;" as a header with an empty value; "Name:" would remove it. */
        if (*value) {
            put(&cursor, ": ", 2);
            put(&cursor, value, strlen(value));
        } else {
            put(&cursor, ";", 1);
        }
        put(&cursor, "", 1);
    }
    if (expect) {
        list[count].data = cursor;
        put(&cursor, no_expect, sizeof no_expect);
    }
    if (nodes > 0)
        list[nodes - 1].next = NULL;
    self->request_headers = nodes > 0 ? list : NULL;
}

static void apply_method_and_body(UrlTransfer *self, const UrlTransferSpec *spec)
{
    CURL *easy = self->easy;
    bool has_body = spec->body_kind != URL_TRANSFER_BODY_NONE;
    if (g_ascii_strcasecmp(spec->method, "HEAD") == 0) {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
        return;
    }
    if (has_body) {
        /* CURLOPT_UPLOAD rather than CURLOPT_POST: with POST, libcurl 7.88 lets nginx
         * reject large h2c bodies (400 mid-body), and it adds a form Content-Type that the
         * application did not ask for. The method is whatever the request says. */
        curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)self->body_length);
        curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(easy, CURLOPT_READDATA, self);
        curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, on_seek);
        curl_easy_setopt(easy, CURLOPT_SEEKDATA, self);
        if (strcmp(spec->method, "PUT") != 0)
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, spec->method);
    } else if (strcmp(spec->method, "GET") != 0) {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, spec->method);
    }
}

/* The task chose the proxy (lib/http/proxy.c): "" and an empty no-proxy list keep curl
 * from reading the environment itself. */
static void apply_proxy(UrlTransfer *self, const UrlTransferSpec *spec)
{
    CURL *easy = self->easy;
    self->proxied = spec->proxy != NULL;
    curl_easy_setopt(easy, CURLOPT_PROXY, spec->proxy ? spec->proxy : "");
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
    if (spec->proxy == NULL)
        return;
    /* https:// URLs always tunnel; http:// ones go in absolute form to an HTTP proxy. */
    if (spec->ca_file)
        curl_easy_setopt(easy, CURLOPT_PROXY_CAINFO, spec->ca_file);
    if (spec->ca_path)
        curl_easy_setopt(easy, CURLOPT_PROXY_CAPATH, spec->ca_path);
    curl_easy_setopt(easy, CURLOPT_PROXY_SSLVERSION, spec->tls_minimum);
    if (spec->proxy_auth_method) {
        curl_easy_setopt(easy, CURLOPT_PROXYAUTH, spec->proxy_auth_method);
        curl_easy_setopt(easy, CURLOPT_PROXYUSERNAME, spec->proxy_user);
        curl_easy_setopt(easy, CURLOPT_PROXYPASSWORD, spec->proxy_password);
        self->digest_probe_407 = spec->proxy_auth_method == (long)CURLAUTH_DIGEST;
    }
}

static void apply_credentials(UrlTransfer *self, const UrlTransferSpec *spec)
{
    if (spec->auth_method == 0)
        return;
    curl_easy_setopt(self->easy, CURLOPT_HTTPAUTH, spec->auth_method);
    curl_easy_setopt(self->easy, CURLOPT_USERNAME, spec->user);
    curl_easy_setopt(self->easy, CURLOPT_PASSWORD, spec->password);
    self->digest_probe_401 = spec->auth_method == (long)CURLAUTH_DIGEST;
}

UrlTransfer *url__transfer_new(const UrlTransferSpec *spec, const UrlTransferCallbacks *callbacks,
                               void *owner, UrlError **error)
{
    UrlTransfer *self = g_new0(UrlTransfer, 1);
    self->callbacks = callbacks;
    self->owner = owner;
    self->body_fd = -1;
    build_request_text(self, spec->url, spec->headers);
    self->body_kind = spec->body_kind;
    self->body_data = spec->body_data;
    self->body_length = spec->body_length;
    self->max_decoded = spec->max_decoded_body;
    if (spec->body_kind == URL_TRANSFER_BODY_FILE &&
        !open_body_file(self, spec->body_path, error)) {
        url__transfer_free(self);
        return NULL;
    }

    self->driver = spec->driver;
    CURL *easy = self->easy =
        spec->driver ? url__multi_driver_take_easy(spec->driver) : curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_PRIVATE, self);
    curl_easy_setopt(easy, CURLOPT_URL, spec->url);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, self->error_buffer);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L); /* the task decides redirects */
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, (long)RECEIVE_BUFFER_BYTES);
    curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, (long)UPLOAD_BUFFER_BYTES);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, spec->http_version);
    if (spec->http_version == CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE) {
        /* libcurl 7.88.1 breaks a reused h2c prior-knowledge connection ("Error in the
         * HTTP2 framing layer", curl#10634, fixed in 8.0): give each exchange its own. */
        curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    }
    curl_easy_setopt(easy, CURLOPT_SSLVERSION, spec->tls_minimum);
    if (spec->ca_file)
        curl_easy_setopt(easy, CURLOPT_CAINFO, spec->ca_file);
    if (spec->ca_path)
        curl_easy_setopt(easy, CURLOPT_CAPATH, spec->ca_path);
    curl_easy_setopt(easy, CURLOPT_STREAM_WEIGHT, spec->stream_weight);
    apply_proxy(self, spec);
    apply_credentials(self, spec);
    if (spec->trust_mode != URL__TRUST_VERIFY) {
        self->trust.mode = (UrlTrustMode)spec->trust_mode;
        self->trust.pin = g_strdup(spec->trust_pin);
        url__server_trust_install(easy, &self->trust);
    }
    if (verbose_requested())
        curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header_line);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, self);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, self);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, self);
    curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(easy, CURLOPT_PREREQDATA, self);
    if (spec->own_connection) {
        curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
        curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 0L);
    }
    bool cleartext_h2 = spec->http_version == CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    url__socket_factory_install(
        easy, &self->sockets, cleartext_h2 ? &url__socket_policy_h2c : &url__socket_policy_default);
    if (spec->mptcp)
        self->sockets.mptcp = *spec->mptcp;
    if (spec->interface)
        g_strlcpy(self->sockets.interface, spec->interface, sizeof self->sockets.interface);
    if (spec->resolve_entry) {
        self->resolve.data = g_strdup(spec->resolve_entry);
        curl_easy_setopt(easy, CURLOPT_RESOLVE, &self->resolve);
    }
    if (spec->happy_eyeballs_timeout_ms > 0)
        curl_easy_setopt(easy, CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS, spec->happy_eyeballs_timeout_ms);
    if (spec->tcp_fast_open) {
        self->tcp_fast_open = true;
        curl_easy_setopt(easy, CURLOPT_TCP_FASTOPEN, 1L);
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, self->request_headers);
    apply_method_and_body(self, spec);
    self->fetch_start = now_seconds();
    return self;
}

void url__transfer_prepare_removal(UrlTransfer *self)
{
    if (!self->paused_recv)
        return;
    /* libcurl 7.88 leaks the data it holds for a paused HTTP/2 stream when the handle is
     * removed (curl#10971, fixed in 8.1). Unpausing makes it hand that data over now, and
     * it is dropped here. */
    self->discarding = true;
    url__transfer_set_paused(self, false, false);
}

void url__transfer_free(UrlTransfer *self)
{
    if (self == NULL)
        return;
    if (self->busy_port)
        url__subflow_policy_set_busy(self->busy_local, self->busy_port, false);
    if (self->easy && self->driver)
        url__multi_driver_give_easy(self->driver, self->easy);
    else if (self->easy)
        curl_easy_cleanup(self->easy);
    url__server_trust_clear(&self->trust);
    g_free(self->resolve.data);
    url__socket_factory_clear(&self->sockets);
    url__header_list_free(self->headers);
    if (self->body_fd >= 0)
        close(self->body_fd);
    g_free(self->text);
    g_free(self);
}

CURL *url__transfer_get_easy(UrlTransfer *self)
{
    return self->easy;
}

UrlTransfer *url__transfer_from_easy(CURL *easy)
{
    UrlTransfer *self = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&self);
    return self;
}

void *url__transfer_get_owner(UrlTransfer *self)
{
    return self->owner;
}

void url__transfer_set_paused(UrlTransfer *self, bool recv, bool send)
{
    if (self->paused_recv == recv && self->paused_send == send)
        return;
    self->paused_recv = recv;
    self->paused_send = send;
    int mask = (recv ? CURLPAUSE_RECV : 0) | (send ? CURLPAUSE_SEND : 0);
    CURLcode code = curl_easy_pause(self->easy, mask);
    if (code == CURLE_WRITE_ERROR && self->decoded_too_large) {
        /* on_body refused body data libcurl held for the paused transfer (the decoded
         * limit). libcurl 7.88 then returns from curl_easy_pause without waking the
         * transfer, which would sit until a timeout: pausing and continuing again wakes
         * it, and it fails at its next write (or, at the end of the body, completes and
         * url__transfer_error still reports the limit). */
        curl_easy_pause(self->easy, mask | CURLPAUSE_RECV);
        curl_easy_pause(self->easy, mask);
    }
}

bool url__transfer_is_recv_paused(UrlTransfer *self)
{
    return self->paused_recv;
}

void url__transfer_mark_start(UrlTransfer *self)
{
    self->fetch_start = now_seconds();
}

int64_t url__transfer_get_body_sent(UrlTransfer *self)
{
    return self->body_offset;
}

int64_t url__transfer_get_body_length(UrlTransfer *self)
{
    return self->body_kind == URL_TRANSFER_BODY_NONE ? -1 : self->body_length;
}

bool url__transfer_has_response(UrlTransfer *self)
{
    return self->head_done;
}

UrlError *url__transfer_error(UrlTransfer *self, CURLcode code, const char *url)
{
    /* Also with CURLE_OK: the limit may have cut the body inside curl_easy_pause, which
     * does not fail the transfer. */
    if (self->decoded_too_large)
        return url__error_newf(URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM, url,
                               "the response body decodes to more than %" G_GINT64_FORMAT
                               " bytes, the session's max_decoded_body_size",
                               (gint64)self->max_decoded);
    if (code == CURLE_OK)
        return NULL;
    if (code == CURLE_WRITE_ERROR && self->head_too_large)
        return url__error_newf(URL_ERROR_BAD_SERVER_RESPONSE, url,
                               "the server sent a response head larger than %d KiB",
                               MAX_RESPONSE_HEAD_BYTES / 1024);
    /* libcurl 7.88 decodes what it read whole, and keeps the part a paused transfer cannot
     * take in a buffer it caps at 64 MiB, failing with "out of memory" past it: a content
     * coding that expands one read beyond that (a zstd bomb) ends here. */
    if (code == CURLE_OUT_OF_MEMORY && self->head_done && self->content_coded)
        return url__error_newf(URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM, url,
                               "the response body decodes to more than libcurl holds for a "
                               "paused transfer (64 MiB), a decompression bomb");
    /* libcurl 7.88 refuses a single header line over 100 KiB with "out of memory". */
    if (code == CURLE_OUT_OF_MEMORY && !self->head_done)
        return url__error_newf(URL_ERROR_BAD_SERVER_RESPONSE, url,
                               "the server sent a response header line too long to parse "
                               "(libcurl refuses lines over 100 KiB)");
    if (code == CURLE_WRITE_ERROR && self->head_invalid)
        return url__error_newf(URL_ERROR_BAD_SERVER_RESPONSE, url,
                               "the server sent a malformed response header");
    long verify = 0;
    curl_easy_getinfo(self->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
    return url__curl_error_new(code, verify, self->error_buffer, url);
}

static double at(double start, curl_off_t offset_us)
{
    return offset_us > 0 ? start + (double)offset_us / 1e6 : 0;
}

void url__transfer_get_info(UrlTransfer *self, UrlTransferInfo *info)
{
    memset(info, 0, sizeof *info);
    CURL *easy = self->easy;
    double t0 = self->fetch_start;
    curl_off_t lookup = 0, connect = 0, appconnect = 0, pretransfer = 0, starttransfer = 0,
               total = 0;
    curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &lookup);
    curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect);
    curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &appconnect);
    curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &starttransfer);
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    info->reused = connects == 0 && pretransfer > 0;
    info->fetch_start = t0;
    if (!info->reused && connect > 0) {
        info->lookup_start = t0;
        info->lookup_end = at(t0, lookup) ? at(t0, lookup) : t0;
        info->connect_start = info->lookup_end;
        info->connect_end = at(t0, appconnect > 0 ? appconnect : connect);
        if (appconnect > 0) {
            info->secure_start = at(t0, connect);
            info->secure_end = at(t0, appconnect);
        }
    }
    info->request_start = at(t0, pretransfer);
    info->request_end = self->request_end > 0 ? self->request_end : info->request_start;
    info->response_start = at(t0, starttransfer);
    info->response_end = at(t0, total);

    long status = 0, version = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
    info->status = (int)status;
    info->protocol = version == CURL_HTTP_VERSION_2_0   ? "h2"
                     : version == CURL_HTTP_VERSION_1_1 ? "http/1.1"
                     : version == CURL_HTTP_VERSION_1_0 ? "http/1.0"
                                                        : NULL;
    const char *address = NULL;
    long port = 0;
    if (curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &address) == CURLE_OK && address && *address)
        g_strlcpy(info->remote_address, address, sizeof info->remote_address);
    curl_easy_getinfo(easy, CURLINFO_PRIMARY_PORT, &port);
    info->remote_port = (int)port;
    address = NULL;
    port = 0;
    if (curl_easy_getinfo(easy, CURLINFO_LOCAL_IP, &address) == CURLE_OK && address && *address)
        g_strlcpy(info->local_address, address, sizeof info->local_address);
    curl_easy_getinfo(easy, CURLINFO_LOCAL_PORT, &port);
    info->local_port = (int)port;

    long header_size = 0, request_size = 0;
    curl_off_t downloaded = 0;
    curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &header_size);
    curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_size);
    curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
    info->request_header_bytes = request_size;
    info->request_body_bytes = self->body_offset;
    info->response_header_bytes = header_size;
    info->response_body_bytes = downloaded;
    info->response_body_decoded_bytes = self->body_decoded;
    info->proxied = self->proxied;
    g_strlcpy(info->tls_version, self->tls_version, sizeof info->tls_version);
    g_strlcpy(info->tls_cipher, self->tls_cipher, sizeof info->tls_cipher);
}

bool url__transfer_is_proxied(UrlTransfer *self)
{
    return self->proxied;
}

const UrlServerTrust *url__transfer_get_server_trust(UrlTransfer *self)
{
    return self->trust.mode == URL__TRUST_VERIFY ? NULL : &self->trust;
}

bool url__transfer_tunnel_refused(UrlTransfer *self, long *available)
{
    long code = 0;
    *available = 0;
    if (!self->proxied ||
        curl_easy_getinfo(self->easy, CURLINFO_HTTP_CONNECTCODE, &code) != CURLE_OK || code != 407)
        return false;
    curl_easy_getinfo(self->easy, CURLINFO_PROXYAUTH_AVAIL, available);
    return true;
}

const GArray *url__transfer_get_connect_attempts(UrlTransfer *self)
{
    return self->sockets.attempts;
}

bool url__transfer_uses_tcp_fast_open(UrlTransfer *self)
{
    return self->tcp_fast_open;
}

int url__transfer_get_socket(UrlTransfer *self)
{
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(self->easy, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK)
        return -1;
    return fd == CURL_SOCKET_BAD ? -1 : (int)fd;
}

bool url__transfer_wants_mptcp(UrlTransfer *self)
{
    return self->sockets.mptcp.service_type != URL_MULTIPATH_SERVICE_TYPE_NONE;
}

bool url__transfer_opened_mptcp(UrlTransfer *self)
{
    return self->sockets.opened_mptcp;
}
