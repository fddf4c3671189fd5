/* task_resolve.h — a task's resolve step before each hop: where the host is (lib/net's
 * destination plan), handed to the transfer as CURLOPT_RESOLVE, and the connection story
 * told in the metrics and errors. Network thread only. */
#ifndef URL_SESSION_TASK_RESOLVE_H
#define URL_SESSION_TASK_RESOLVE_H

#include <stdbool.h>

#include <urlsession/error.h>
#include <urlsession/metrics.h>

#include "http/transfer.h"
#include "net/destination.h"

typedef struct UrlSessionTask UrlSessionTask;
typedef struct UrlSession UrlSession;

/* A task's resolve state. Its fields are task_resolve.c's own; it is declared here so that
 * the task holds it without an allocation. */
typedef struct UrlTaskResolve {
    char *host; /* no brackets */
    int port;
    UrlDestinationPlan *plan;
    char *resolve_entry;
    UrlDestinationLookup *lookup;
    void (*then)(UrlSessionTask *task);
    double lookup_start, lookup_end; /* seconds since the epoch */
    bool starting;                   /* inside url__destinations_lookup */
    UrlError *inline_error;          /* the lookup failed inside it */
} UrlTaskResolve;

/* Makes sure the current request's host:port has a plan. Returns true when it has one
 * now (an earlier hop's, or one made at once, as for most IP literals: the caller goes
 * on). Otherwise returns false and later calls @then(task) with the plan made, or ends
 * the task with the error (url__task_net_fail), possibly before returning. */
bool url__task_resolve(UrlSessionTask *task, void (*then)(UrlSessionTask *task));
/* Sets the spec's resolve entry, attempt delay and TCP Fast Open; the strings stay valid
 * until the next resolve step or url__task_resolve_clear. */
void url__task_resolve_fill_spec(UrlSessionTask *task, UrlTransferSpec *spec);
/* Adds the connection attempts, lookup times, NAT64 facts and TCP Fast Open to the
 * transaction just recorded for @transfer, and remembers which family won. */
void url__task_resolve_annotate(UrlSessionTask *task, UrlTransfer *transfer);
/* A connect failure gets the addresses tried in its message. Takes @error, returns the
 * error to report. */
UrlError *url__task_resolve_explain(UrlSessionTask *task, UrlTransfer *transfer, UrlError *error);
/* Stops a lookup in flight and frees the task's resolve state. */
void url__task_resolve_clear(UrlSessionTask *task);

/* The session's destinations (resolver, NAT64 state, Happy Eyeballs memory), made on
 * first use; NULL with @error when the configuration's DNS settings are unusable. */
struct UrlDestinations *url__session_destinations(UrlSession *session, UrlError **error);
/* From url_session_unref: frees them on the network thread. */
void url__session_destinations_release(UrlSession *session);

#endif
