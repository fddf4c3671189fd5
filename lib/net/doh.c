/* doh.c — DNS over HTTPS (RFC 8484) for the resolver.
 *
 * Each query is a c-ares-built DNS message (ID 0, as §4.1 asks, so that HTTP caches see
 * equal requests) POSTed as application/dns-message over HTTP/2 to the configured URL;
 * the body of a 200 answer is handed to c-ares's A / AAAA parsers, which also follow
 * CNAME chains and give the TTLs. The transfers run on a curl multi of their own, apart
 * from the session's: a DoH query must not wait behind the session's per-host connection
 * limit, nor be counted in its metrics. HTTP/2 multiplexes a lookup's A and AAAA queries
 * on one connection, which stays open for the next lookup.
 *
 * The DoH server's own name is resolved by libcurl with the system resolver (getaddrinfo
 * on curl's resolver thread): it cannot be resolved through itself. */
#include "net/doh.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <string.h>

#include <ares.h>
#include <curl/curl.h>
#include <glib.h>

#include "http/multi_driver.h"
#include "http/timer.h"

/* Answers larger than this are not DNS answers for a host's addresses. */
#define MAX_ANSWER_BYTES 65535
/* What c-ares's parsers may return: more addresses than any sane answer carries. */
#define MAX_ADDRESSES 64

struct UrlDoh {
    char *url;
    char *ca_file;
    char *ca_path;
    long timeout_ms;
    UrlMultiDriver *driver;
    GList *queries; /* UrlDohQuery in flight */
};

struct UrlDohQuery {
    UrlDoh *doh;
    int family;
    UrlDohFunc func;
    void *data;
    CURL *easy;
    struct curl_slist *headers;
    unsigned char *question; /* from ares_create_query */
    int question_length;
    GByteArray *answer;
    bool too_large;
    UrlTimer *failed; /* a query that could not be sent reports on the next iteration */
    char *failure;
};

bool url__doh_url_valid(const char *url, char **reason)
{
    const char *why = NULL;
    CURLU *parsed = curl_url();
    char *scheme = NULL, *host = NULL;
    if (url == NULL || curl_url_set(parsed, CURLUPART_URL, url, 0) != CURLUE_OK)
        why = "not a URL";
    else if (curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
             g_ascii_strcasecmp(scheme, "https") != 0)
        why = "DNS over HTTPS needs an https:// URL";
    else if (curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0')
        why = "no host";
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(parsed);
    if (why && reason)
        *reason =
            g_strdup_printf("unusable DNS over HTTPS URL \"%s\": %s", url ? url : "(null)", why);
    return why == NULL;
}

/* ---- answers -------------------------------------------------------------------------- */

static void query_free(UrlDohQuery *query)
{
    if (query->easy) {
        url__multi_driver_remove(query->doh->driver, query->easy);
        curl_easy_cleanup(query->easy);
    }
    curl_slist_free_all(query->headers);
    if (query->question)
        ares_free_string(query->question);
    g_byte_array_unref(query->answer);
    url__timer_free(query->failed);
    g_free(query->failure);
    g_free(query);
}

static void query_finish(UrlDohQuery *query, int status, const UrlAddress *addresses, size_t count,
                         int ttl, const char *reason)
{
    UrlDoh *doh = query->doh;
    doh->queries = g_list_remove(doh->queries, query);
    UrlDohFunc func = query->func;
    void *data = query->data;
    query_free(query);
    func(status, addresses, count, ttl, reason, data);
}

static void query_fail(UrlDohQuery *query, int status, const char *format, const char *detail)
{
    char *what = g_strdup_printf(format, detail);
    char *reason = g_strdup_printf("DNS over HTTPS server %s: %s", query->doh->url, what);
    query_finish(query, status, NULL, 0, 0, reason);
    g_free(reason);
    g_free(what);
}

/* RFC 1035 §4.1.1: the RCODE, the low 4 bits of the header's fourth byte. c-ares's
 * parsers only see "no answer" in a SERVFAIL: this tells it from a name that does not
 * exist. */
static int rcode_status(const uint8_t *message)
{
    switch (message[3] & 0x0f) {
    case 0: /* NOERROR */
        return ARES_SUCCESS;
    case 2:
        return ARES_ESERVFAIL;
    case 3:
        return ARES_ENOTFOUND;
    case 4:
        return ARES_ENOTIMP;
    case 5:
        return ARES_EREFUSED;
    default:
        return ARES_EBADRESP;
    }
}

static void parse_answer(UrlDohQuery *query)
{
    const uint8_t *message = query->answer->data;
    int length = (int)query->answer->len;
    if (length < HFIXEDSZ) {
        query_fail(query, ARES_EBADRESP, "%s", "the answer is not a DNS message");
        return;
    }
    int status = rcode_status(message);
    if (status != ARES_SUCCESS) {
        if (status == ARES_ENOTFOUND)
            query_finish(query, status, NULL, 0, 0, NULL);
        else
            query_fail(query, status, "the DNS answer is an error: %s", ares_strerror(status));
        return;
    }
    UrlAddress addresses[MAX_ADDRESSES];
    size_t count = 0;
    int ttl = G_MAXINT;
    if (query->family == AF_INET6) {
        struct ares_addr6ttl found[MAX_ADDRESSES];
        int n = MAX_ADDRESSES;
        status = ares_parse_aaaa_reply(message, length, NULL, found, &n);
        for (int i = 0; status == ARES_SUCCESS && i < n; i++) {
            addresses[count] = (UrlAddress){.family = AF_INET6};
            memcpy(addresses[count++].bytes, &found[i].ip6addr, 16);
            ttl = MIN(ttl, found[i].ttl);
        }
    } else {
        struct ares_addrttl found[MAX_ADDRESSES];
        int n = MAX_ADDRESSES;
        status = ares_parse_a_reply(message, length, NULL, found, &n);
        for (int i = 0; status == ARES_SUCCESS && i < n; i++) {
            addresses[count] = (UrlAddress){.family = AF_INET};
            memcpy(addresses[count++].bytes, &found[i].ipaddr, 4);
            ttl = MIN(ttl, found[i].ttl);
        }
    }
    if (status == ARES_SUCCESS && count == 0)
        status = ARES_ENODATA;
    if (status == ARES_SUCCESS || status == ARES_ENODATA)
        query_finish(query, status, addresses, count, count ? MAX(ttl, 0) : 0, NULL);
    else
        query_fail(query, status, "cannot read the DNS answer: %s", ares_strerror(status));
}

static void on_done(CURL *easy, CURLcode result, void *data)
{
    UrlDohQuery *query = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&query);
    (void)data;
    if (query->too_large) {
        query_fail(query, ARES_EBADRESP, "%s", "the answer is too large");
        return;
    }
    if (result != CURLE_OK) {
        const char *detail =
            query->failure && query->failure[0] ? query->failure : curl_easy_strerror(result);
        query_fail(query, result == CURLE_OPERATION_TIMEDOUT ? ARES_ETIMEOUT : ARES_ECONNREFUSED,
                   "%s", detail);
        return;
    }
    long code = 0;
    char *type = NULL;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
    if (code != 200) {
        char *status = g_strdup_printf("%ld", code);
        query_fail(query, ARES_EBADRESP, "HTTP status %s", status);
        g_free(status);
    } else if (type == NULL || g_ascii_strncasecmp(type, "application/dns-message", 23) != 0) {
        query_fail(query, ARES_EBADRESP, "the answer is %s, not application/dns-message",
                   type ? type : "untyped");
    } else {
        parse_answer(query);
    }
}

static size_t on_body(char *bytes, size_t size, size_t count, void *data)
{
    UrlDohQuery *query = data;
    size_t length = size * count;
    if (query->answer->len + length > MAX_ANSWER_BYTES) {
        query->too_large = true;
        return 0; /* curl stops the transfer with CURLE_WRITE_ERROR */
    }
    g_byte_array_append(query->answer, (const guint8 *)bytes, (guint)length);
    return length;
}

static void on_failed(void *data)
{
    UrlDohQuery *query = data;
    char *failure = g_strdup(query->failure);
    query_fail(query, ARES_EBADNAME, "%s", failure);
    g_free(failure);
}

/* ---- queries --------------------------------------------------------------------------- */

static CURL *make_easy(UrlDohQuery *query)
{
    UrlDoh *doh = query->doh;
    CURL *easy = curl_easy_init();
    if (easy == NULL)
        return NULL;
    query->failure = g_malloc0(CURL_ERROR_SIZE);
    query->headers = curl_slist_append(NULL, "Content-Type: application/dns-message");
    query->headers = curl_slist_append(query->headers, "Accept: application/dns-message");
    curl_easy_setopt(easy, CURLOPT_URL, doh->url);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, query->headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, query->question);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)query->question_length);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, query);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, query);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, query->failure);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, doh->timeout_ms);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    /* Straight to the server: a proxy from the environment is for the app's traffic. */
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    if (doh->ca_file)
        curl_easy_setopt(easy, CURLOPT_CAINFO, doh->ca_file);
    if (doh->ca_path)
        curl_easy_setopt(easy, CURLOPT_CAPATH, doh->ca_path);
    return easy;
}

UrlDohQuery *url__doh_query(UrlDoh *doh, const char *name, int family, UrlDohFunc func, void *data)
{
    UrlDohQuery *query = g_new0(UrlDohQuery, 1);
    query->doh = doh;
    query->family = family;
    query->func = func;
    query->data = data;
    query->answer = g_byte_array_new();
    doh->queries = g_list_prepend(doh->queries, query);
    int status = ares_create_query(name, C_IN, family == AF_INET6 ? T_AAAA : T_A, 0, 1,
                                   &query->question, &query->question_length, 0);
    if (status == ARES_SUCCESS) {
        query->easy = make_easy(query);
        if (query->easy && url__multi_driver_add(doh->driver, query->easy) == CURLM_OK)
            return query;
        g_free(query->failure);
        query->failure = g_strdup("cannot start an HTTP transfer");
    } else {
        query->failure = g_strdup_printf("cannot ask for \"%s\": %s", name, ares_strerror(status));
    }
    if (query->easy) {
        curl_easy_cleanup(query->easy);
        query->easy = NULL;
    }
    query->failed = url__timer_new(on_failed, query);
    url__timer_arm_in(query->failed, 0);
    return query;
}

UrlDoh *url__doh_new(const UrlDohOptions *options)
{
    UrlDoh *doh = g_new0(UrlDoh, 1);
    doh->url = g_strdup(options->url);
    doh->ca_file = g_strdup(options->ca_file);
    doh->ca_path = g_strdup(options->ca_path);
    doh->timeout_ms = (long)(options->timeout * 1000.0);
    if (doh->timeout_ms < 1)
        doh->timeout_ms = 1;
    doh->driver = url__multi_driver_new(2, on_done, doh);
    return doh;
}

void url__doh_free(UrlDoh *doh)
{
    if (doh == NULL)
        return;
    while (doh->queries)
        query_finish(doh->queries->data, ARES_EDESTRUCTION, NULL, 0, 0, NULL);
    url__multi_driver_free(doh->driver);
    g_free(doh->url);
    g_free(doh->ca_file);
    g_free(doh->ca_path);
    g_free(doh);
}
