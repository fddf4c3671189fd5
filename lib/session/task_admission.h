/* task_admission.h — how many of a session's hops to one origin hold a libcurl transfer
 * at once; the others wait in the session. Network thread only. */
#ifndef URL_SESSION_TASK_ADMISSION_H
#define URL_SESSION_TASK_ADMISSION_H

#include <stdbool.h>

#include <glib.h>

typedef struct UrlSessionTask UrlSessionTask;
typedef struct UrlSession UrlSession;
typedef struct UrlAdmissionOrigin UrlAdmissionOrigin;
typedef struct UrlAdmission UrlAdmission;

/* Hops per connection a session lets libcurl hold for one origin: HTTP/2 servers are
 * asked to allow at least 100 concurrent streams (RFC 9113 §6.5.2). */
#define URL__ADMISSION_PER_CONNECTION 100

/* A task's place: holding a transfer, waiting for one, or neither. */
typedef struct {
    UrlAdmissionOrigin *origin; /* NULL: neither */
    bool held;
    GList link; /* in origin->waiting while waiting */
    float priority;
    void (*then)(UrlSessionTask *task);
} UrlTaskAdmission;

/* Whether the current hop of @task (its net.request) may start its transfer now. When
 * not, the task waits behind the origin's other waiting hops of at least its priority,
 * and @then(task) runs in a job of its own once it may (never from inside this call or
 * url__task_admission_leave). */
bool url__task_admission_enter(UrlSessionTask *task, void (*then)(UrlSessionTask *task));
/* The hop's transfer ended, or the task finished while waiting: its place goes to the
 * origin's next waiting hop. Does nothing for a task that holds no place. */
void url__task_admission_leave(UrlSessionTask *task);
/* Frees the session's admission state on the network thread; no task may hold a place. */
void url__session_admission_release(UrlSession *session);

#endif
