/* path_manager.h — which MPTCP path manager the library can drive in this network
 * namespace and with this process's privileges. */
#ifndef URL_MPTCP_PATH_MANAGER_H
#define URL_MPTCP_PATH_MANAGER_H

#include <stdbool.h>

typedef enum {
    URL__PATH_MANAGER_NONE,            /* no MPTCP in the kernel: plain TCP */
    URL__PATH_MANAGER_KERNEL,          /* kernel PM with the endpoints the system set */
    URL__PATH_MANAGER_KERNEL_MANAGED,  /* kernel PM, endpoints managed by the library */
    URL__PATH_MANAGER_USERSPACE,       /* user-space PM: per-connection subflows */
    URL__PATH_MANAGER_USERSPACE_UNABLE /* user-space PM without CAP_NET_ADMIN: no subflow
                                          beyond the first */
} UrlPathManagerKind;

/* Looks now (pm_type of the namespace, CAP_NET_ADMIN); @may_manage_endpoints is the
 * configuration's permission to change the kernel PM's endpoints. */
UrlPathManagerKind url__path_manager_detect(bool may_manage_endpoints);
/* "none", "kernel", "kernel-managed", "userspace", "userspace-unprivileged"; static. */
const char *url__path_manager_name(UrlPathManagerKind kind);

#endif
