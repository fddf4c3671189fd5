/* interrupt.h — SIGINT and SIGTERM turned into an event the main loop can poll. */
#ifndef URLGET_INTERRUPT_H
#define URLGET_INTERRUPT_H

#include <poll.h>

/* Installs handlers for SIGINT and SIGTERM that write to a pipe, and ignores SIGPIPE (a
 * closed stdout becomes a write error, reported and cleaned up like any other). Blocks
 * both signals in the calling thread, and so in every thread started from it later (the
 * library's): they are delivered only inside interrupt_poll(), never in the middle of a
 * library call or on a library thread.
 *
 * Returns: the pipe's read end, readable once a signal came; -1 with errno on failure */
int interrupt_install(void);

/* poll() during which SIGINT and SIGTERM can arrive. @timeout_ms < 0 waits for ever. */
int interrupt_poll(struct pollfd *fds, nfds_t count, int timeout_ms);

/* Returns: the first signal received (SIGINT or SIGTERM), 0 when none. After the first,
 * the default actions are back: a second Ctrl-C ends urlget at once. */
int interrupt_received(void);

#endif
