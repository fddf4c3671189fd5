/* path_manager.c — the backend choice: the namespace's pm_type says which path manager
 * the kernel runs (0 kernel, 1 user space), CAP_NET_ADMIN whether we may talk to it. */
#include "mptcp/path_manager.h"

#include <linux/capability.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>

static bool has_net_admin(void)
{
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct data[2] = {{0}};
    if (syscall(SYS_capget, &header, data) != 0)
        return false;
    return (data[CAP_NET_ADMIN / 32].effective >> (CAP_NET_ADMIN % 32)) & 1;
}

static int read_sysctl(const char *path, int fallback)
{
    char *text = NULL;
    int value = fallback;
    if (g_file_get_contents(path, &text, NULL, NULL))
        value = atoi(text);
    g_free(text);
    return value;
}

UrlPathManagerKind url__path_manager_detect(bool may_manage_endpoints)
{
    /* /proc/sys/net shows the namespace of the thread reading it. */
    if (read_sysctl("/proc/sys/net/mptcp/enabled", 0) != 1)
        return URL__PATH_MANAGER_NONE;
    bool admin = has_net_admin();
    if (read_sysctl("/proc/sys/net/mptcp/pm_type", 0) == 1)
        return admin ? URL__PATH_MANAGER_USERSPACE : URL__PATH_MANAGER_USERSPACE_UNABLE;
    return admin && may_manage_endpoints ? URL__PATH_MANAGER_KERNEL_MANAGED
                                         : URL__PATH_MANAGER_KERNEL;
}

const char *url__path_manager_name(UrlPathManagerKind kind)
{
    switch (kind) {
    case URL__PATH_MANAGER_KERNEL:
        return "kernel";
    case URL__PATH_MANAGER_KERNEL_MANAGED:
        return "kernel-managed";
    case URL__PATH_MANAGER_USERSPACE:
        return "userspace";
    case URL__PATH_MANAGER_USERSPACE_UNABLE:
        return "userspace-unprivileged";
    case URL__PATH_MANAGER_NONE:
        break;
    }
    return "none";
}
