/* subflow_policy.h — the subflows each MPTCP connection should have, per service type,
 * kept so as paths change and subflows degrade. Network thread only. */
#ifndef URL_MPTCP_SUBFLOW_POLICY_H
#define URL_MPTCP_SUBFLOW_POLICY_H

#include <stdbool.h>

#include <glib.h>
#include <urlsession/configuration.h>

#include "mptcp/path_manager.h"
#include "path/path.h"

/* How often connections are looked at: subflow health and RTTs move faster than paths. */
#define URL__SUBFLOW_POLICY_INTERVAL 0.25
/* How long the primary must stay healthy before handover drops the cellular subflow. */
#define URL__HANDOVER_SETTLE_SECONDS 2.0
/* How long a busy connection's primary subflow may move no byte before handover counts
 * it as degraded (a link that stays up but delivers nothing). */
#define URL__HANDOVER_STALL_SECONDS 1.0

typedef struct {
    UrlMultipathServiceType service_type;
    UrlInterfacePolicy policy;
    GHashTable *overrides; /* interface types (copied when watched); may be NULL */
    bool manage_endpoints; /* the kernel PM's endpoints may be changed */
} UrlMptcpOptions;

/* Starts looking after MPTCP socket @fd (just opened, not yet connected). A connection
 * that falls back to TCP is forgotten once connected. */
void url__subflow_policy_watch(int fd, const UrlMptcpOptions *options);
/* @fd is being closed. */
void url__subflow_policy_forget(int fd);
/* A transfer starts (@busy true) or stops using the connection whose socket has local
 * address @local and port @port: a busy connection whose primary moves nothing is
 * stalled, an idle one is just idle. Counted: HTTP/2 runs several transfers on one. */
void url__subflow_policy_set_busy(const char *local, int port, bool busy);
/* The backend the policy uses for @fd (URL__PATH_MANAGER_NONE when not watched). */
UrlPathManagerKind url__subflow_policy_backend(int fd);

#endif
