/* fuzz_url.c — URL checks and request building: url__url_normalize, url__url_resolve,
 * url__url_redact, url__url_same_origin, url__url_last_path_segment, and the
 * url_request_* setters that take text from the application.
 *
 * Input: fields separated by '\n': a URL, a redirect location, a method, a header name,
 * a header value. Invariants checked:
 *   - a normalised URL is accepted again and normalises to itself;
 *   - it is http or https and holds no control character or space;
 *   - the redacted form of a URL carries no user or password;
 *   - a resolved location is itself a normalised URL;
 *   - every header a request accepted is free of CR, LF and other controls (but HTAB)
 *     in its value, and is a token in its name;
 *   - a method the request accepted is a token. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <glib.h>

#include "fuzz_input.h"
#include "http/header_list.h"
#include "http/url.h"
#include "session/request.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_url: invariant failed: %s (%s:%d)\n", #cond, __FILE__,           \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_clean_url(const char *url)
{
    for (const char *p = url; *p; p++) {
        unsigned char c = (unsigned char)*p;
        FUZZ_CHECK(c > 0x20 && c != 0x7f);
    }
    FUZZ_CHECK(g_str_has_prefix(url, "http://") || g_str_has_prefix(url, "https://"));
}

static void check_no_userinfo(const char *url)
{
    CURLU *handle = curl_url();
    if (curl_url_set(handle, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
        char *part = NULL;
        FUZZ_CHECK(curl_url_get(handle, CURLUPART_USER, &part, 0) == CURLUE_NO_USER);
        FUZZ_CHECK(curl_url_get(handle, CURLUPART_PASSWORD, &part, 0) == CURLUE_NO_PASSWORD);
    }
    curl_url_cleanup(handle);
}

static void check_normalized(const char *normal)
{
    check_clean_url(normal);
    UrlError *error = NULL;
    char *again = url__url_normalize(normal, &error);
    FUZZ_CHECK(again != NULL);
    FUZZ_CHECK(strcmp(again, normal) == 0);
    g_free(again);
    FUZZ_CHECK(url__url_same_origin(normal, normal));

    char *redacted = url__url_redact(normal);
    FUZZ_CHECK(redacted != NULL && strlen(redacted) <= strlen(normal));
    check_no_userinfo(redacted);
    g_free(redacted);

    char *segment = url__url_last_path_segment(normal);
    if (segment)
        FUZZ_CHECK(segment[0] != '\0');
    g_free(segment);
}

static void check_request_headers(const UrlRequest *request)
{
    size_t count = url_request_get_header_count(request);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        FUZZ_CHECK(url_request_get_header_at(request, i, &name, &value));
        FUZZ_CHECK(url__header_is_token(name));
        for (const char *p = value; *p; p++) {
            unsigned char c = (unsigned char)*p;
            FUZZ_CHECK(c == '\t' || (c >= 0x20 && c != 0x7f));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in;
    fuzz_input_init(&in, data, size);
    char *url = fuzz_input_string(&in, '\n');
    char *location = fuzz_input_string(&in, '\n');
    char *method = fuzz_input_string(&in, '\n');
    char *name = fuzz_input_string(&in, '\n');
    char *value = fuzz_input_string(&in, '\n');

    UrlError *error = NULL;
    char *normal = url__url_normalize(url, &error);
    FUZZ_CHECK((normal == NULL) == (error != NULL));
    if (normal) {
        check_normalized(normal);
        char *resolved = url__url_resolve(normal, location, NULL);
        if (resolved) {
            check_normalized(resolved);
            (void)url__url_same_origin(normal, resolved);
        }
        g_free(resolved);
        g_free(normal);
    } else {
        FUZZ_CHECK(url_error_get_code(error) == URL_ERROR_BAD_URL ||
                   url_error_get_code(error) == URL_ERROR_UNSUPPORTED_URL);
        FUZZ_CHECK(url_error_get_message(error) != NULL);
        url_error_unref(error);
        error = NULL;
    }
    /* Redaction works on any text, parsed or not. */
    char *redacted = url__url_redact(url);
    FUZZ_CHECK(redacted != NULL && strlen(redacted) <= strlen(url));
    g_free(redacted);

    UrlRequest *request = url_request_new_checked(url, &error);
    FUZZ_CHECK((request == NULL) == (error != NULL));
    url_error_unref(error);
    error = NULL;
    if (request) {
        check_clean_url(url_request_get_url(request));
        if (url_request_set_method(request, method, NULL))
            FUZZ_CHECK(url__header_is_token(url_request_get_method(request)));
        bool set = url_request_set_header(request, name, value, NULL);
        bool added = url_request_add_header(request, value, name, NULL);
        (void)set;
        (void)added;
        check_request_headers(request);
        if (!url_request_set_url(request, location, NULL))
            FUZZ_CHECK(url_request_get_url(request) != NULL);
        check_clean_url(url_request_get_url(request));
        UrlRequest *copy = url_request_copy(request);
        FUZZ_CHECK(strcmp(url_request_get_url(copy), url_request_get_url(request)) == 0);
        check_request_headers(copy);
        url_request_unref(copy);
        url_request_unref(request);
    }

    g_free(url);
    g_free(location);
    g_free(method);
    g_free(name);
    g_free(value);
    return 0;
}
