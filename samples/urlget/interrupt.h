/* interrupt.h — SIGINT and SIGTERM turned into an event the main loop can poll. */
#ifndef URLGET_INTERRUPT_H
#define URLGET_INTERRUPT_H

/* Installs handlers for SIGINT and SIGTERM that write to a pipe, and ignores SIGPIPE (a
 * closed stdout becomes a write error, reported and cleaned up like any other).
 *
 * Returns: the pipe's read end, readable once a signal came; -1 with errno on failure */
int interrupt_install(void);

/* Returns: the first signal received (SIGINT or SIGTERM), 0 when none. After the first,
 * the default actions are back: a second Ctrl-C ends urlget at once. */
int interrupt_received(void);

#endif
