/* fuzz_cache_entry.c — decoding a cache entry file (lib/http/cache_entry.c), as the disk
 * tier does with whatever it finds in its directory.
 *
 * Input: the bytes of one entry file. Invariants checked on an entry that decodes:
 *   - its key and headers hold no NUL, CR or LF, and the status is a three-digit code;
 *   - encoding it again gives an entry that decodes to the same key, status, headers,
 *     Vary values and body.
 * Since the checksum rejects nearly every mutation, a second pass re-seals the input: the
 * SHA-256 field is recomputed so that the metadata parser itself is explored. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "http/cache_entry.h"
#include "session/response.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_cache_entry: invariant failed: %s (%s:%d)\n", #cond, __FILE__,   \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define HEADER_BYTES 56

static void check_headers_equal(const UrlHeaderList *a, const UrlHeaderList *b)
{
    FUZZ_CHECK(url__header_list_count(a) == url__header_list_count(b));
    for (size_t i = 0; i < url__header_list_count(a); i++) {
        const char *name_a, *value_a, *name_b, *value_b;
        url__header_list_at(a, i, &name_a, &value_a);
        url__header_list_at(b, i, &name_b, &value_b);
        FUZZ_CHECK(strcmp(name_a, name_b) == 0 && strcmp(value_a, value_b) == 0);
        FUZZ_CHECK(strpbrk(value_a, "\r\n") == NULL && strpbrk(name_a, "\r\n: ") == NULL);
    }
}

static void check(const uint8_t *data, size_t size)
{
    char *key = NULL;
    UrlCachedResponse *cached = url__cache_entry_decode(data, size, &key, NULL);
    if (cached == NULL) {
        FUZZ_CHECK(key == NULL);
        return;
    }
    FUZZ_CHECK(strpbrk(key, "\r\n") == NULL);
    int status = url_response_get_status_code(cached->response);
    FUZZ_CHECK(status >= 100 && status <= 999);
    GBytes *encoded = url__cache_entry_encode(key, cached);
    char *key2 = NULL;
    gsize length = 0;
    const void *bytes = g_bytes_get_data(encoded, &length);
    UrlCachedResponse *again = url__cache_entry_decode(bytes, length, &key2, NULL);
    FUZZ_CHECK(again != NULL);
    FUZZ_CHECK(strcmp(key, key2) == 0);
    FUZZ_CHECK(url_response_get_status_code(again->response) == status);
    check_headers_equal(url__response_get_headers(cached->response),
                        url__response_get_headers(again->response));
    check_headers_equal(cached->vary, again->vary);
    FUZZ_CHECK(g_bytes_equal(cached->data, again->data));
    url_cached_response_unref(again);
    g_free(key2);
    g_bytes_unref(encoded);
    url_cached_response_unref(cached);
    g_free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size);
    if (size >= HEADER_BYTES) {
        uint8_t *sealed = g_memdup2(data, size);
        GChecksum *checksum = g_checksum_new(G_CHECKSUM_SHA256);
        g_checksum_update(checksum, sealed + HEADER_BYTES, (gssize)(size - HEADER_BYTES));
        gsize digest_length = 32;
        g_checksum_get_digest(checksum, sealed + HEADER_BYTES - 32, &digest_length);
        g_checksum_free(checksum);
        check(sealed, size);
        g_free(sealed);
    }
    return 0;
}
