/* exit_status.h — urlget's exit codes. Scripts depend on them: never renumber. */
#ifndef URLGET_EXIT_STATUS_H
#define URLGET_EXIT_STATUS_H

/* When several URLs fail differently, the exit code is the first of these that applies:
 * interrupted, could not write, download failed, HTTP error (see exit_status_worse()). */
enum {
    EXIT_STATUS_OK = 0,
    EXIT_STATUS_USAGE = 1,
    EXIT_STATUS_DOWNLOAD_FAILED = 2,
    EXIT_STATUS_WRITE_FAILED = 3,
    EXIT_STATUS_HTTP_ERROR = 4,
    EXIT_STATUS_INTERRUPTED = 130, /* 128 + SIGINT, as shells report it */
    EXIT_STATUS_TERMINATED = 143,  /* 128 + SIGTERM */
};

/* The status to exit with when one URL ended with @a and another with @b. */
static inline int exit_status_worse(int a, int b)
{
    static const int precedence[] = {EXIT_STATUS_INTERRUPTED,  EXIT_STATUS_TERMINATED,
                                     EXIT_STATUS_WRITE_FAILED, EXIT_STATUS_DOWNLOAD_FAILED,
                                     EXIT_STATUS_HTTP_ERROR,   EXIT_STATUS_USAGE};
    for (unsigned i = 0; i < sizeof precedence / sizeof precedence[0]; i++) {
        if (a == precedence[i] || b == precedence[i]) {
            return precedence[i];
        }
    }
    return a != EXIT_STATUS_OK ? a : b;
}

#endif
