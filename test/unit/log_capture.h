/* log_capture.h — collects GLib warnings and criticals in-process, so that unit tests can
 * check a refusal's message without making it fatal and without a subprocess. */
#ifndef URL_TEST_LOG_CAPTURE_H
#define URL_TEST_LOG_CAPTURE_H

#include <stdbool.h>

#include <glib.h>

typedef struct {
    GString *text;
    GLogFunc previous_handler;
    GLogLevelFlags previous_fatal;
} LogCapture;

static inline void log_capture_append(const char *domain, GLogLevelFlags level, const char *message,
                                      void *data)
{
    g_string_append_printf(data, "%s\n", message);
}

/* Catches every message that reaches the default handler (whatever the log domain the
 * library uses), and makes warnings and criticals non-fatal until log_capture_end(). */
static inline void log_capture_begin(LogCapture *capture)
{
    capture->text = g_string_new(NULL);
    capture->previous_fatal = g_log_set_always_fatal(G_LOG_FATAL_MASK);
    capture->previous_handler = g_log_set_default_handler(log_capture_append, capture->text);
}

/* Returns what was logged, one message per line; g_free() it. */
static inline char *log_capture_end(LogCapture *capture)
{
    g_log_set_default_handler(capture->previous_handler, NULL);
    g_log_set_always_fatal(capture->previous_fatal);
    return g_string_free(capture->text, FALSE);
}

/* Ends the capture and checks that the messages match @pattern (g_pattern_match_simple). */
static inline void log_capture_end_expect(LogCapture *capture, const char *pattern)
{
    char *log = log_capture_end(capture);
    bool matched = g_pattern_match_simple(pattern, log);
    if (!matched)
        g_test_message("logged:\n%s\nexpected: %s", log, pattern);
    g_assert_true(matched);
    g_free(log);
}

#endif
