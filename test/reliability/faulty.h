/* faulty.h — the reliability tests' misbehaving server (faulty_server.py), started once per
 * test program on loopback beside the fixture's nginx, and small helpers shared by the
 * reliability tests. */
#ifndef URL_TEST_RELIABILITY_FAULTY_H
#define URL_TEST_RELIABILITY_FAULTY_H

#include "fixture.h"

typedef enum {
    FAULTY_HTTP,           /* HTTP/1.1, misbehaving by path (see faulty_server.py) */
    FAULTY_TLS_ALERT,      /* answers a ClientHello with handshake_failure */
    FAULTY_TLS_OTHER_NAME, /* TLS with a certificate for other.invalid from the test CA */
    FAULTY_H2_GOAWAY,      /* h2c: answers, then GOAWAY */
    FAULTY_H2_RST,         /* h2c: RST_STREAM on every stream */
    FAULTY_LISTENER_COUNT
} FaultyListener;

/* "SCHEME://127.0.0.1:PORT" + @path for @listener, starting the server on first use (it
 * stops when the program exits). Fails the test when the server cannot start. g_free(). */
char *faulty_url(FaultyListener listener, const char *scheme, const char *path);

/* Runs a data task for @url on @session with a completion handler, waits at most @timeout
 * seconds for it and checks the handler ran exactly once. Fills @result. */
void faulty_run(UrlSession *session, const char *url, double timeout, ItCompletion *result);

/* Seconds since an arbitrary point, monotonic. */
double faulty_now(void);

#endif
