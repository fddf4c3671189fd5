/* fuzz_input_stream.c — the UrlInputStream ring buffer against a model: random sequences
 * of non-blocking writes, reads, close_write and abort, on a random capacity, checked
 * byte for byte against a plain queue.
 *
 * Input: one byte of capacity, then operations of two bytes each (kind, length). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz_input.h"
#include "session/input_stream.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_input_stream: invariant failed: %s (%s:%d)\n", #cond, __FILE__,  \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MAX_OPS 4096

typedef struct {
    GByteArray *queue; /* bytes written and not yet read */
    size_t capacity;
    bool closed, aborted, was_read;
    uint8_t next; /* the next byte value a write produces */
} Model;

static int wakes;

static void on_wake(void *data)
{
    wakes++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in;
    fuzz_input_init(&in, data, size);
    Model model = {.queue = g_byte_array_new()};
    uint8_t capacity_byte = fuzz_input_byte(&in);
    /* 0 asks for the default capacity (64 KiB). */
    model.capacity = capacity_byte == 0 ? 64 * 1024 : capacity_byte;
    UrlInputStream *stream = url_input_stream_new_pipe(capacity_byte);
    url__input_stream_set_wake(stream, on_wake, NULL);
    wakes = 0;
    bool reader_waiting = false;

    uint8_t buffer[512], expected[512];
    for (int op = 0; op < MAX_OPS && fuzz_input_left(&in) >= 2; op++) {
        uint8_t kind = fuzz_input_byte(&in);
        size_t length = (size_t)fuzz_input_byte(&in) * 2 + (kind >> 4);
        if (length > sizeof buffer)
            length = sizeof buffer;
        switch (kind % 8) {
        case 0:
        case 1:
        case 2: { /* write, never waiting */
            for (size_t i = 0; i < length; i++)
                buffer[i] = model.next++;
            int before = wakes;
            long written = url_input_stream_write(stream, buffer, length, 0);
            if (model.closed || model.aborted) {
                FUZZ_CHECK(written == -1);
                model.next -= (uint8_t)length;
                break;
            }
            size_t room = model.capacity - model.queue->len;
            size_t want = MIN(room, length);
            FUZZ_CHECK(written == (long)want);
            g_byte_array_append(model.queue, buffer, (guint)want);
            model.next -= (uint8_t)(length - want);
            /* A reader that found it empty is woken by the first byte, once. */
            if (reader_waiting && want > 0) {
                FUZZ_CHECK(wakes == before + 1);
                reader_waiting = false;
            } else {
                FUZZ_CHECK(wakes == before);
            }
            break;
        }
        case 3:
        case 4:
        case 5: { /* read */
            size_t want = length == 0 ? 1 : length;
            ssize_t got = url__input_stream_read(stream, buffer, want);
            if (model.aborted) {
                FUZZ_CHECK(got == -1);
            } else if (model.queue->len > 0) {
                size_t n = MIN(want, model.queue->len);
                FUZZ_CHECK(got == (ssize_t)n);
                memcpy(expected, model.queue->data, n);
                FUZZ_CHECK(memcmp(buffer, expected, n) == 0);
                g_byte_array_remove_range(model.queue, 0, (guint)n);
                model.was_read = true;
            } else if (model.closed) {
                FUZZ_CHECK(got == 0);
                model.was_read = true;
            } else {
                FUZZ_CHECK(got == URL__INPUT_STREAM_WOULD_BLOCK);
                reader_waiting = true;
            }
            FUZZ_CHECK(url__input_stream_was_read(stream) == model.was_read);
            break;
        }
        case 6: { /* close the writing end */
            int before = wakes;
            url_input_stream_close_write(stream);
            if (!model.closed && !model.aborted && reader_waiting) {
                FUZZ_CHECK(wakes == before + 1);
                reader_waiting = false;
            } else {
                FUZZ_CHECK(wakes == before);
            }
            model.closed = true;
            break;
        }
        case 7: /* the reader went away, rarely */
            if (kind & 0x80) {
                url__input_stream_abort(stream);
                model.aborted = true;
                reader_waiting = false;
                g_byte_array_set_size(model.queue, 0);
            }
            break;
        }
    }
    url__input_stream_set_wake(stream, NULL, NULL);
    url_input_stream_unref(stream);
    g_byte_array_unref(model.queue);
    return 0;
}
