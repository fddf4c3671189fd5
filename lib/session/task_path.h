/* task_path.h — a task's path step before each hop (interface policy, waiting for
 * connectivity, MPTCP), the better-route watch while it runs, and the path facts in its
 * metrics. Network thread only. */
#ifndef URL_SESSION_TASK_PATH_H
#define URL_SESSION_TASK_PATH_H

#include <net/if.h>
#include <stdbool.h>

#include "http/transfer.h"
#include "mptcp/subflow_policy.h"

typedef struct UrlSessionTask UrlSessionTask;

/* A task's path state. Its fields are task_path.c's own; it is declared here so that the
 * task holds it without an allocation. */
typedef struct UrlTaskPath {
    guint watch; /* path watch while the task waits or runs */
    void (*then)(UrlSessionTask *task);
    bool waiting;
    bool said_waiting;
    char interface[IF_NAMESIZE];   /* the current hop's binding, "" for none */
    char better_told[IF_NAMESIZE]; /* the better interface the delegate last heard of */
    UrlMptcpOptions mptcp;         /* the current hop's, pointed to by its spec */
} UrlTaskPath;

/* Whether the task may start its hop now. When not, it either waits for a path (and
 * calls @then(task) once one appears) or has been failed with
 * URL_ERROR_NOT_CONNECTED_TO_INTERNET (url__task_net_fail). */
bool url__task_path_ready(UrlSessionTask *task, void (*then)(UrlSessionTask *task));
/* Sets the spec's MPTCP wish and interface binding; strings valid until the next hop. */
void url__task_path_fill_spec(UrlSessionTask *task, UrlTransferSpec *spec);
/* Adds interface, its type and costs, MPTCP negotiation and subflows to the transaction
 * just recorded for @transfer. */
void url__task_path_annotate(UrlSessionTask *task, UrlTransfer *transfer);
/* Wi-Fi Assist (task_assist.c): whether the current hop may race a cellular attempt
 * against its Wi-Fi connect (enabled, service type none, the hop goes over Wi-Fi, a
 * permitted cellular interface is usable), and that interface's name in @name. */
bool url__task_path_assist_interface(UrlSessionTask *task, char name[IF_NAMESIZE]);
/* Stops watching paths and frees the task's path state. */
void url__task_path_clear(UrlSessionTask *task);

#endif
