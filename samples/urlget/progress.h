/* progress.h — what urlget shows on stderr while it downloads. */
#ifndef URLGET_PROGRESS_H
#define URLGET_PROGRESS_H

#include <stddef.h>

#include "transfer.h"

typedef enum {
    PROGRESS_NONE,  /* -q, or the body itself goes to the terminal */
    PROGRESS_BARS,  /* stderr is a terminal: one bar per transfer, redrawn in place */
    PROGRESS_LINES, /* stderr is a file or a pipe: a plain line per transfer each second */
} ProgressStyle;

typedef struct Progress Progress;

/* Shows @transfers (borrowed; they must outlive the Progress) in @style. */
Progress *progress_new(ProgressStyle style, Transfer *transfers, size_t count);
void progress_free(Progress *progress);

/* Returns: how long the main loop may sleep before progress_update() has something to
 * redraw, in milliseconds; -1 when it never needs to wake for progress. */
int progress_poll_timeout(const Progress *progress, double now);

/* Samples the transfers' rates and redraws when due: bars at most ten times a second,
 * plain lines once a second. */
void progress_update(Progress *progress, double now);

/* A transfer ended (or could not start): its final state is shown. */
void progress_transfer_finished(Progress *progress, Transfer *transfer, double now);

/* Prints @line (without newline) on stderr, above the bars when there are bars. Messages
 * (errors, JSON metrics) must go through here or they would be drawn over. Shown in
 * every style, PROGRESS_NONE included. */
void progress_print(Progress *progress, const char *line);

/* Draws the final state and leaves the bars on screen. */
void progress_finish(Progress *progress, double now);

#endif
