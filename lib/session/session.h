/* session.h — the layout of UrlSession and what tasks ask of their session. */
#ifndef URL_SESSION_SESSION_PRIVATE_H
#define URL_SESSION_SESSION_PRIVATE_H

#include <urlsession/session.h>

#include <urlsession/urlsession.h>

#include <glib.h>

#include "http/multi_driver.h"
#include "http/proxy.h"
#include "session/configuration.h"
#include "session/queue.h"

struct UrlSession {
    int ref_count;                          /* atomic */
    UrlSessionConfiguration *configuration; /* the session's own copy, never changed */
    UrlSessionDelegate delegate;
    void *delegate_data;
    UrlQueue *queue;
    bool shared;

    GMutex lock;      /* guards what follows */
    GPtrArray *tasks; /* references to tasks not yet completed, creation order */
    bool invalidated;
    bool invalid_notified;
    uint64_t next_identifier;
    char *description;
    UrlCredentialStorage *credentials; /* credentials with for-session persistence */
    /* Server-trust answers, network thread only: "host:port" -> the accepted leaf pin, or
     * "" for libcurl's verification. Made on first use. */
    GHashTable *trust_decisions;

    UrlMultiDriver *driver; /* network thread only; made on first use */
    /* resolver, NAT64 state, Happy Eyeballs memory (task_resolve.c); network thread only;
     * made on first use */
    struct UrlDestinations *destinations;
    /* hops holding or waiting for a transfer, per origin (task_admission.c); network
     * thread only; made on first use */
    struct UrlAdmission *admission;
    UrlProxyEnvironment proxy_environment; /* read when the session is made, never changed */
};

/* The session's curl multi driver, made on first use. Network thread only. */
UrlMultiDriver *url__session_driver(UrlSession *session);

/* Posts @func(@data) to the session's delegate queue. */
void url__session_post(UrlSession *session, UrlJobFunc func, void *data, GDestroyNotify destroy);

/* A task's completion callbacks have run (on the delegate queue): forget it, and when the
 * session is invalidated and this was the last task, say did_become_invalid. */
void url__session_task_completed(UrlSession *session, UrlSessionTask *task);

#endif
