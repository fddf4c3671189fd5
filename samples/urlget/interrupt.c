/* interrupt.c — SIGINT and SIGTERM turned into an event the main loop can poll.
 *
 * A signal handler may do next to nothing, so it only notes the signal and writes a byte
 * to a pipe (the self-pipe trick); the main loop polls the pipe with the delegate queue
 * and cancels the transfers from ordinary code. */
#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int pipe_fds[2] = {-1, -1};
static volatile sig_atomic_t first_signal;
static sigset_t mask_while_polling; /* the original mask, SIGINT and SIGTERM let through */

static void on_signal(int signal_number)
{
    int saved_errno = errno;
    if (first_signal == 0) {
        first_signal = signal_number;
    }
    /* The next one is not ours to soften: someone pressing Ctrl-C twice means it. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    ssize_t ignored = write(pipe_fds[1], "!", 1);
    (void)ignored;
    errno = saved_errno;
}

int interrupt_install(void)
{
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0) {
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);

    sigset_t interrupts;
    sigemptyset(&interrupts);
    sigaddset(&interrupts, SIGINT);
    sigaddset(&interrupts, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &interrupts, &mask_while_polling) != 0) {
        return -1;
    }
    sigdelset(&mask_while_polling, SIGINT);
    sigdelset(&mask_while_polling, SIGTERM);
    return pipe_fds[0];
}

int interrupt_poll(struct pollfd *fds, nfds_t count, int timeout_ms)
{
    struct timespec timeout = {.tv_sec = timeout_ms / 1000,
                               .tv_nsec = (long)(timeout_ms % 1000) * 1000000};
    return ppoll(fds, count, timeout_ms < 0 ? NULL : &timeout, &mask_while_polling);
}

int interrupt_received(void)
{
    return first_signal;
}
