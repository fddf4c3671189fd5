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
/* The backend the policy uses for @fd (URL__PATH_MANAGER_NONE when not watched). */
UrlPathManagerKind url__subflow_policy_backend(int fd);

#endif
