/* fuzz_input.h — reading a libFuzzer input as a sequence of fields, shared by the targets.
 *
 * A FuzzInput walks the bytes once: fixed-size integers, bytes, and NUL-terminated
 * strings cut at a separator byte. Once the input runs out every read returns zeros or
 * empty strings, so a target never reads past the end. */
#ifndef URL_TEST_FUZZ_INPUT_H
#define URL_TEST_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

/* A finding: aborts with the invariant that failed (libFuzzer keeps the input). */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} FuzzInput;

static inline void fuzz_input_init(FuzzInput *in, const uint8_t *data, size_t size)
{
    in->data = data;
    in->size = size;
    in->offset = 0;
}

static inline size_t fuzz_input_left(const FuzzInput *in)
{
    return in->size - in->offset;
}

static inline uint8_t fuzz_input_byte(FuzzInput *in)
{
    return in->offset < in->size ? in->data[in->offset++] : 0;
}

static inline uint32_t fuzz_input_u32(FuzzInput *in)
{
    uint32_t value = 0;
    for (int i = 0; i < 4; i++)
        value = value << 8 | fuzz_input_byte(in);
    return value;
}

static inline uint64_t fuzz_input_u64(FuzzInput *in)
{
    return (uint64_t)fuzz_input_u32(in) << 32 | fuzz_input_u32(in);
}

/* The bytes up to the next @separator (not included) or the end, as a NUL-terminated
 * copy; an embedded NUL ends the string early, as it would in a C caller. g_free() it. */
static inline char *fuzz_input_string(FuzzInput *in, uint8_t separator)
{
    const uint8_t *start = in->data + in->offset;
    size_t left = fuzz_input_left(in);
    const uint8_t *end = memchr(start, separator, left);
    size_t length = end ? (size_t)(end - start) : left;
    in->offset += length + (end ? 1 : 0);
    return g_strndup((const char *)start, length);
}

#endif
