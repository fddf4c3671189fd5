/* interrupt.c — SIGINT and SIGTERM turned into an event the main loop can poll.
 *
 * A signal handler may do next to nothing, so it only notes the signal and writes a byte
 * to a pipe (the self-pipe trick); the main loop polls the pipe with the delegate queue
 * and cancels the transfers from ordinary code. */
#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int pipe_fds[2] = {-1, -1};
static volatile sig_atomic_t first_signal;

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
    return pipe_fds[0];
}

int interrupt_received(void)
{
    return first_signal;
}
