/* fuzz_metrics_json.c — url_task_metrics_to_json on metrics built from random fields
 * (URLs and protocol names with any bytes, addresses, timings including NaN, infinities
 * and negative values, byte counts at the int64 limits).
 *
 * The output is checked by a strict RFC 8259 parser below: one object, valid UTF-8, no
 * raw control characters in strings, only the escapes JSON allows, numbers in JSON's
 * grammar, nothing after the end. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz_input.h"
#include "session/metrics.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_metrics_json: invariant failed: %s (%s:%d)\n", #cond, __FILE__,  \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define JSON_MAX_DEPTH 16

/* ---- a strict JSON checker ------------------------------------------------------- */

typedef struct {
    const char *p;
    int depth;
} Json;

static void json_ws(Json *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
        j->p++;
}

static bool json_value(Json *j);

static bool json_string(Json *j)
{
    if (*j->p != '"')
        return false;
    j->p++;
    for (;;) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '\0' || c < 0x20)
            return false;
        if (c == '"') {
            j->p++;
            return true;
        }
        if (c == '\\') {
            j->p++;
            char e = *j->p;
            if (e == 'u') {
                for (int i = 1; i <= 4; i++) {
                    if (!g_ascii_isxdigit(j->p[i]))
                        return false;
                }
                j->p += 5;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return false;
            j->p++;
            continue;
        }
        j->p++;
    }
}

static bool json_number(Json *j)
{
    const char *p = j->p;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (g_ascii_isdigit(*p))
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!g_ascii_isdigit(*p))
            return false;
        while (g_ascii_isdigit(*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!g_ascii_isdigit(*p))
            return false;
        while (g_ascii_isdigit(*p))
            p++;
    }
    j->p = p;
    return true;
}

static bool json_literal(Json *j, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(j->p, word, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool json_container(Json *j, char open, char close, bool object)
{
    if (*j->p != open || ++j->depth > JSON_MAX_DEPTH)
        return false;
    j->p++;
    json_ws(j);
    if (*j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        json_ws(j);
        if (object) {
            if (!json_string(j))
                return false;
            json_ws(j);
            if (*j->p != ':')
                return false;
            j->p++;
        }
        if (!json_value(j))
            return false;
        json_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p != close)
            return false;
        j->p++;
        j->depth--;
        return true;
    }
}

static bool json_value(Json *j)
{
    json_ws(j);
    switch (*j->p) {
    case '{':
        return json_container(j, '{', '}', true);
    case '[':
        return json_container(j, '[', ']', false);
    case '"':
        return json_string(j);
    case 't':
        return json_literal(j, "true");
    case 'f':
        return json_literal(j, "false");
    case 'n':
        return json_literal(j, "null");
    default:
        return json_number(j);
    }
}

static bool json_is_valid_object(const char *text)
{
    if (!g_utf8_validate(text, -1, NULL) || text[0] != '{')
        return false;
    Json j = {.p = text, .depth = 0};
    if (!json_value(&j))
        return false;
    json_ws(&j);
    return *j.p == '\0';
}

/* ---- metrics from the input -------------------------------------------------------- */

static double fuzz_double(FuzzInput *in)
{
    uint8_t kind = fuzz_input_byte(in);
    switch (kind % 8) {
    case 0:
        return 0;
    case 1:
        return NAN;
    case 2:
        return kind & 0x80 ? INFINITY : -INFINITY;
    case 3: {
        uint64_t bits = fuzz_input_u64(in);
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    default:
        return 1.7e9 + (double)fuzz_input_u32(in) / 1000.0;
    }
}

static int64_t fuzz_count(FuzzInput *in)
{
    switch (fuzz_input_byte(in) % 4) {
    case 0:
        return INT64_MAX;
    case 1:
        return INT64_MIN;
    default:
        return (int64_t)fuzz_input_u64(in);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in;
    fuzz_input_init(&in, data, size);
    UrlTaskMetrics *metrics = url__task_metrics_new();
    url__task_metrics_set_task_interval(metrics, fuzz_double(&in), fuzz_double(&in));
    url__task_metrics_set_redirect_count(metrics, (int)fuzz_input_u32(&in));
    unsigned transactions = fuzz_input_byte(&in) % 5;
    for (unsigned i = 0; i < transactions; i++) {
        UrlTransactionMetrics *t = url__task_metrics_add_transaction(metrics);
        char *url = fuzz_input_string(&in, 0xff);
        char *protocol = fuzz_input_string(&in, 0xff);
        char *remote = fuzz_input_string(&in, 0xff);
        char *local = fuzz_input_string(&in, 0xff);
        uint8_t present = fuzz_input_byte(&in);
        if (present & 1)
            url__transaction_metrics_set_url(t, url);
        if (present & 2)
            url__transaction_metrics_set_network_protocol_name(t, protocol);
        if (present & 4)
            url__transaction_metrics_set_remote_address(t, remote, (int)fuzz_input_u32(&in));
        if (present & 8)
            url__transaction_metrics_set_local_address(t, local, (int)fuzz_input_u32(&in));
        url__transaction_metrics_set_reused_connection(t, present & 16);
        url__transaction_metrics_set_status_code(t, (int)fuzz_input_u32(&in));
        for (int timing = URL_TIMING_FETCH_START; timing <= URL_TIMING_RESPONSE_END; timing++)
            url__transaction_metrics_set_timing(t, (UrlTransactionTiming)timing, fuzz_double(&in));
        for (int which = URL_BYTES_REQUEST_HEADER; which <= URL_BYTES_RESPONSE_BODY; which++)
            url__transaction_metrics_set_byte_count(t, (UrlTransactionByteCount)which,
                                                    fuzz_count(&in));
        g_free(url);
        g_free(protocol);
        g_free(remote);
        g_free(local);
    }
    char *json = url_task_metrics_to_json(metrics);
    FUZZ_CHECK(json != NULL);
    if (!json_is_valid_object(json)) {
        fprintf(stderr, "fuzz_metrics_json: not valid JSON: %s\n", json);
        abort();
    }
    free(json);
    url_task_metrics_unref(metrics);
    return 0;
}
