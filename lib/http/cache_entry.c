/* cache_entry.c — UrlCachedResponse (NSCachedURLResponse) and the versioned, checked
 * encoding of a cache entry that the disk tier stores one file per URL. */
#include "http/cache_entry.h"

#include <string.h>

#include "session/response.h"

#define HEADER_BYTES (8 + 4 + 4 + 8 + 32)
/* Limits that keep a decoded entry sane whatever the file says. */
#define MAX_FIELDS     4096
#define MAX_META_BYTES (16u * 1024 * 1024)
#define MAX_BODY_BYTES ((guint64)G_MAXUINT32)

UrlCachedResponse *url__cached_response_new_full(const UrlResponse *response, GBytes *data,
                                                 UrlCacheStoragePolicy policy, double request_time,
                                                 double response_time, const UrlHeaderList *vary)
{
    UrlCachedResponse *cached = g_new0(UrlCachedResponse, 1);
    cached->ref_count = 1;
    cached->response = url_response_ref(response);
    cached->data = g_bytes_ref(data);
    cached->storage_policy = policy;
    cached->request_time = request_time;
    cached->response_time = response_time;
    cached->vary = vary ? url__header_list_copy(vary) : url__header_list_new();
    return cached;
}

UrlCachedResponse *url__cached_response_with_meta(UrlCachedResponse *cached,
                                                  const UrlCachedResponse *meta)
{
    return url__cached_response_new_full(cached->response, cached->data, cached->storage_policy,
                                         meta->request_time, meta->response_time, meta->vary);
}

UrlCachedResponse *url_cached_response_new(const UrlResponse *response, const void *data,
                                           size_t length, UrlCacheStoragePolicy policy)
{
    g_return_val_if_fail(response != NULL, NULL);
    GBytes *bytes = g_bytes_new(data, data ? length : 0);
    double now = (double)g_get_real_time() / G_USEC_PER_SEC;
    UrlCachedResponse *cached =
        url__cached_response_new_full(response, bytes, policy, now, now, NULL);
    g_bytes_unref(bytes);
    return cached;
}

UrlCachedResponse *url_cached_response_ref(UrlCachedResponse *cached)
{
    g_return_val_if_fail(cached != NULL, NULL);
    g_atomic_int_inc(&cached->ref_count);
    return cached;
}

void url_cached_response_unref(UrlCachedResponse *cached)
{
    if (cached == NULL || !g_atomic_int_dec_and_test(&cached->ref_count))
        return;
    url_response_unref(cached->response);
    g_bytes_unref(cached->data);
    url__header_list_free(cached->vary);
    g_free(cached);
}

const UrlResponse *url_cached_response_get_response(const UrlCachedResponse *cached)
{
    g_return_val_if_fail(cached != NULL, NULL);
    return cached->response;
}

const void *url_cached_response_get_data(const UrlCachedResponse *cached, size_t *length)
{
    g_return_val_if_fail(cached != NULL, NULL);
    gsize size = 0;
    const void *data = g_bytes_get_data(cached->data, &size);
    if (length)
        *length = size;
    return data;
}

UrlCacheStoragePolicy url_cached_response_get_storage_policy(const UrlCachedResponse *cached)
{
    g_return_val_if_fail(cached != NULL, URL_CACHE_STORAGE_NOT_ALLOWED);
    return cached->storage_policy;
}

/* ---- encoding ----------------------------------------------------------------------- */

static void put_u32(GByteArray *out, guint32 value)
{
    guint32 le = GUINT32_TO_LE(value);
    g_byte_array_append(out, (const guint8 *)&le, 4);
}

static void put_u64(GByteArray *out, guint64 value)
{
    guint64 le = GUINT64_TO_LE(value);
    g_byte_array_append(out, (const guint8 *)&le, 8);
}

static void put_string(GByteArray *out, const char *text)
{
    size_t length = strlen(text);
    put_u32(out, (guint32)length);
    g_byte_array_append(out, (const guint8 *)text, (guint)length);
}

static void put_headers(GByteArray *out, const UrlHeaderList *headers)
{
    size_t count = url__header_list_count(headers);
    put_u32(out, (guint32)count);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(headers, i, &name, &value);
        put_string(out, name);
        put_string(out, value);
    }
}

static gint64 to_microseconds(double seconds)
{
    return (gint64)(seconds * G_USEC_PER_SEC);
}

static void sha256(const guint8 *meta, size_t meta_length, GBytes *body, guint8 digest[32])
{
    GChecksum *checksum = g_checksum_new(G_CHECKSUM_SHA256);
    gsize body_length = 0;
    const guint8 *body_data = g_bytes_get_data(body, &body_length);
    g_checksum_update(checksum, meta, (gssize)meta_length);
    if (body_length)
        g_checksum_update(checksum, body_data, (gssize)body_length);
    gsize digest_length = 32;
    g_checksum_get_digest(checksum, digest, &digest_length);
    g_checksum_free(checksum);
}

static size_t string_bytes(const char *text)
{
    return 4 + strlen(text);
}

static size_t headers_bytes(const UrlHeaderList *headers)
{
    size_t count = url__header_list_count(headers), total = 4;
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(headers, i, &name, &value);
        total += string_bytes(name) + string_bytes(value);
    }
    return total;
}

/* The metadata's length as url__cache_entry_encode writes it, field by field. */
static size_t meta_bytes(const char *key, const UrlCachedResponse *cached)
{
    const UrlResponse *response = cached->response;
    return string_bytes(key) + string_bytes(url_response_get_url(response)) +
           string_bytes(url_response_get_http_version(response)) + 4 + 4 + 8 + 8 +
           headers_bytes(url__response_get_headers(response)) + headers_bytes(cached->vary);
}

size_t url__cache_entry_encoded_size(const char *key, const UrlCachedResponse *cached)
{
    return HEADER_BYTES + meta_bytes(key, cached) + g_bytes_get_size(cached->data);
}

GBytes *url__cache_entry_encode(const char *key, const UrlCachedResponse *cached)
{
    const UrlResponse *response = cached->response;
    GByteArray *meta = g_byte_array_new();
    put_string(meta, key);
    put_string(meta, url_response_get_url(response));
    put_string(meta, url_response_get_http_version(response));
    put_u32(meta, (guint32)url_response_get_status_code(response));
    put_u32(meta, (guint32)cached->storage_policy);
    put_u64(meta, (guint64)to_microseconds(cached->request_time));
    put_u64(meta, (guint64)to_microseconds(cached->response_time));
    put_headers(meta, url__response_get_headers(response));
    put_headers(meta, cached->vary);

    gsize body_length = 0;
    const guint8 *body = g_bytes_get_data(cached->data, &body_length);
    GByteArray *out = g_byte_array_sized_new(HEADER_BYTES + meta->len + (guint)body_length);
    g_byte_array_append(out, (const guint8 *)URL__CACHE_ENTRY_MAGIC, 8);
    put_u32(out, URL__CACHE_ENTRY_VERSION);
    put_u32(out, meta->len);
    put_u64(out, body_length);
    guint8 digest[32];
    sha256(meta->data, meta->len, cached->data, digest);
    g_byte_array_append(out, digest, 32);
    g_byte_array_append(out, meta->data, meta->len);
    if (body_length)
        g_byte_array_append(out, body, (guint)body_length);
    g_byte_array_unref(meta);
    return g_byte_array_free_to_bytes(out);
}

/* ---- decoding ----------------------------------------------------------------------- */

typedef struct {
    const guint8 *data;
    size_t length;
    size_t offset;
    bool failed;
} Reader;

static const guint8 *take(Reader *r, size_t count)
{
    if (r->failed || r->length - r->offset < count) {
        r->failed = true;
        return NULL;
    }
    const guint8 *at = r->data + r->offset;
    r->offset += count;
    return at;
}

static guint32 get_u32(Reader *r)
{
    const guint8 *at = take(r, 4);
    guint32 value = 0;
    if (at)
        memcpy(&value, at, 4);
    return GUINT32_FROM_LE(value);
}

static guint64 get_u64(Reader *r)
{
    const guint8 *at = take(r, 8);
    guint64 value = 0;
    if (at)
        memcpy(&value, at, 8);
    return GUINT64_FROM_LE(value);
}

/* A string without NUL, CR or LF; NULL (and the reader failed) otherwise. */
static char *get_string(Reader *r)
{
    guint32 length = get_u32(r);
    const guint8 *at = take(r, length);
    if (at == NULL || memchr(at, '\0', length) || memchr(at, '\r', length) ||
        memchr(at, '\n', length)) {
        r->failed = true;
        return NULL;
    }
    return g_strndup((const char *)at, length);
}

static UrlHeaderList *get_headers(Reader *r)
{
    guint32 count = get_u32(r);
    if (count > MAX_FIELDS) {
        r->failed = true;
        return NULL;
    }
    UrlHeaderList *headers = url__header_list_new();
    for (guint32 i = 0; i < count && !r->failed; i++) {
        char *name = get_string(r);
        char *value = get_string(r);
        if (name && value && url__header_is_token(name))
            url__header_list_append(headers, name, value);
        else
            r->failed = true;
        g_free(name);
        g_free(value);
    }
    if (r->failed) {
        url__header_list_free(headers);
        return NULL;
    }
    return headers;
}

static UrlCachedResponse *decode_meta(Reader *r, GBytes *body, char **key, const char **why)
{
    char *entry_key = get_string(r);
    char *url = get_string(r);
    char *version = get_string(r);
    guint32 status = get_u32(r);
    guint32 policy = get_u32(r);
    gint64 request_us = (gint64)get_u64(r);
    gint64 response_us = (gint64)get_u64(r);
    UrlHeaderList *headers = get_headers(r);
    UrlHeaderList *vary = get_headers(r);
    UrlCachedResponse *cached = NULL;
    if (r->failed)
        *why = "a field runs past the metadata or holds NUL, CR or LF";
    else if (r->offset != r->length)
        *why = "bytes left over after the metadata";
    else if (status < 100 || status > 999 || policy > URL_CACHE_STORAGE_NOT_ALLOWED || !*url)
        *why = "an impossible status, storage policy or URL";
    else {
        UrlResponse *response = url__response_new((int)status, url, version, headers);
        headers = NULL;
        cached = url__cached_response_new_full(response, body, (UrlCacheStoragePolicy)policy,
                                               (double)request_us / G_USEC_PER_SEC,
                                               (double)response_us / G_USEC_PER_SEC, vary);
        url_response_unref(response);
        *key = g_steal_pointer(&entry_key);
    }
    url__header_list_free(headers);
    url__header_list_free(vary);
    g_free(entry_key);
    g_free(url);
    g_free(version);
    return cached;
}

UrlCachedResponse *url__cache_entry_decode(const void *data, size_t length, char **key,
                                           const char **why)
{
    const char *reason = NULL;
    UrlCachedResponse *cached = NULL;
    Reader head = {.data = data, .length = length};
    const guint8 *magic = take(&head, 8);
    guint32 version = get_u32(&head);
    guint32 meta_length = get_u32(&head);
    guint64 body_length = get_u64(&head);
    const guint8 *digest = take(&head, 32);
    if (head.failed || memcmp(magic, URL__CACHE_ENTRY_MAGIC, 8) != 0) {
        reason = "not a cache entry of this library (magic)";
    } else if (version != URL__CACHE_ENTRY_VERSION) {
        reason = "an entry of another format version";
    } else if (meta_length > MAX_META_BYTES || body_length > MAX_BODY_BYTES ||
               length - HEADER_BYTES != (guint64)meta_length + body_length) {
        reason = "truncated, or lengths that do not match the file";
    } else {
        const guint8 *meta = (const guint8 *)data + HEADER_BYTES;
        GBytes *body = g_bytes_new(meta + meta_length, (gsize)body_length);
        guint8 actual[32];
        sha256(meta, meta_length, body, actual);
        if (memcmp(actual, digest, 32) != 0) {
            reason = "checksum mismatch";
        } else {
            Reader r = {.data = meta, .length = meta_length};
            cached = decode_meta(&r, body, key, &reason);
        }
        g_bytes_unref(body);
    }
    if (why)
        *why = reason;
    return cached;
}
