/* path_monitor.h — UrlPathMonitor: the network paths the host has, and their changes
 * (like Network.framework's NWPathMonitor). */
#ifndef URLSESSION_PATH_MONITOR_H
#define URLSESSION_PATH_MONITOR_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct UrlPath UrlPath;
typedef struct UrlPathMonitor UrlPathMonitor;

/**
 * UrlInterfaceType:
 * @URL_INTERFACE_TYPE_OTHER: anything else (tunnels, bridges, unknown drivers).
 * @URL_INTERFACE_TYPE_WIFI: a wireless LAN interface (sysfs `wireless` or `phy80211`).
 * @URL_INTERFACE_TYPE_CELLULAR: a mobile broadband interface (sysfs `DEVTYPE=wwan`);
 *   expensive.
 * @URL_INTERFACE_TYPE_WIRED: Ethernet and virtual Ethernet (veth).
 * @URL_INTERFACE_TYPE_LOOPBACK: the loopback interface.
 *
 * What kind of link an interface is. Detected from sysfs; a configuration
 * (url_session_configuration_set_interface_type()) or the environment variable
 * URLSESSION_INTERFACE_TYPES ("wifi0=wifi,cell0=cellular", each entry optionally followed
 * by ":expensive" and / or ":constrained") overrides the detection, the configuration
 * first.
 */
typedef enum {
    URL_INTERFACE_TYPE_OTHER = 0,
    URL_INTERFACE_TYPE_WIFI = 1,
    URL_INTERFACE_TYPE_CELLULAR = 2,
    URL_INTERFACE_TYPE_WIRED = 3,
    URL_INTERFACE_TYPE_LOOPBACK = 4,
} UrlInterfaceType;

/**
 * UrlPathStatus:
 * @URL_PATH_STATUS_UNSATISFIED: no interface can carry traffic.
 * @URL_PATH_STATUS_SATISFIED: at least one interface other than loopback is up, has
 *   carrier and an address.
 * @URL_PATH_STATUS_REQUIRES_CONNECTION: no interface is usable yet, but one is
 *   administratively up and waiting for carrier or an address (a link being associated
 *   or configured).
 */
typedef enum {
    URL_PATH_STATUS_UNSATISFIED = 0,
    URL_PATH_STATUS_SATISFIED = 1,
    URL_PATH_STATUS_REQUIRES_CONNECTION = 2,
} UrlPathStatus;

/**
 * url_interface_type_to_string:
 * Returns: (transfer none): "other", "wifi", "cellular", "wired" or "loopback"; static
 * Thread: any
 */
URL_API const char *url_interface_type_to_string(UrlInterfaceType type);

/**
 * url_interface_type_from_string:
 * @name: "wifi", "cellular", "wired", "loopback" or "other" (case-insensitive; "ethernet"
 *   and "wwan" are accepted too)
 * @type: (out): the type
 *
 * Returns: false, leaving @type alone, for any other name
 * Thread: any
 */
URL_API bool url_interface_type_from_string(const char *name, UrlInterfaceType *type);

/**
 * url_path_get_status:
 * Returns: whether the path can carry traffic
 * Thread: any (a path never changes once made)
 */
URL_API UrlPathStatus url_path_get_status(const UrlPath *path);

/**
 * url_path_get_interface_count:
 * Returns: how many usable interfaces the path has (loopback excluded), best first: wired,
 *   then Wi-Fi, then other, then cellular
 * Thread: any
 */
URL_API size_t url_path_get_interface_count(const UrlPath *path);

/**
 * url_path_get_interface:
 * @index: 0 .. url_path_get_interface_count() - 1
 * @type: (out) (optional): the interface's type
 *
 * Returns: (transfer none) (nullable): the interface's name, valid while @path lives;
 *   NULL past the end
 * Thread: any
 */
URL_API const char *url_path_get_interface(const UrlPath *path, size_t index,
                                           UrlInterfaceType *type);

/**
 * url_path_uses_interface_type:
 * Returns: whether one of the path's usable interfaces has @type
 * Thread: any
 */
URL_API bool url_path_uses_interface_type(const UrlPath *path, UrlInterfaceType type);

/** url_path_has_ipv4: Returns: whether a usable interface has an IPv4 address. Thread: any */
URL_API bool url_path_has_ipv4(const UrlPath *path);

/**
 * url_path_has_ipv6:
 * Returns: whether a usable interface has an IPv6 address other than link-local
 * Thread: any
 */
URL_API bool url_path_has_ipv6(const UrlPath *path);

/**
 * url_path_has_nat64:
 * Returns: whether a router advertised a NAT64 prefix (RFC 8781 PREF64) on a usable
 *   interface
 * Thread: any
 */
URL_API bool url_path_has_nat64(const UrlPath *path);

/**
 * url_path_is_expensive:
 * Returns: whether every usable interface is expensive (cellular, or marked so): the
 *   traffic would cost the user
 * Thread: any
 */
URL_API bool url_path_is_expensive(const UrlPath *path);

/**
 * url_path_is_constrained:
 * Returns: whether every usable interface is constrained (marked so: low data mode)
 * Thread: any
 */
URL_API bool url_path_is_constrained(const UrlPath *path);

/** url_path_ref: Returns: (transfer full) @path. Thread: any */
URL_API UrlPath *url_path_ref(UrlPath *path);

/** url_path_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_path_unref(UrlPath *path);

/**
 * UrlPathUpdateFunc:
 * @path: (transfer none): the new path, valid for the call (url_path_ref() to keep it)
 *
 * Runs on the queue given to url_path_monitor_start().
 */
typedef void (*UrlPathUpdateFunc)(UrlPathMonitor *monitor, const UrlPath *path, void *user_data);

/**
 * url_path_monitor_new:
 * @configuration: (nullable): where interface type overrides come from (transfer none:
 *   the overrides are copied now)
 *
 * Creates a monitor of the host's network paths (rtnetlink links, addresses and routes,
 * watched on the library's network thread). Nothing is reported before
 * url_path_monitor_start().
 *
 * Returns: (transfer full): release with url_path_monitor_unref()
 * Thread: any
 */
URL_API UrlPathMonitor *url_path_monitor_new(const UrlSessionConfiguration *configuration);

/**
 * url_path_monitor_start:
 * @queue: (transfer none): where @update runs; the monitor keeps a reference
 * @update: called with the current path once it is known, then on every change
 * @user_data: passed to @update
 *
 * Starts the monitor; a second call is ignored.
 * Thread: any
 */
URL_API void url_path_monitor_start(UrlPathMonitor *monitor, UrlQueue *queue,
                                    UrlPathUpdateFunc update, void *user_data);

/**
 * url_path_monitor_cancel:
 *
 * Stops the updates: none is queued after this returns (one already queued may still
 * run). The monitor cannot be started again.
 * Thread: any
 */
URL_API void url_path_monitor_cancel(UrlPathMonitor *monitor);

/**
 * url_path_monitor_copy_current_path:
 *
 * Returns: (transfer full) (nullable): the latest path the monitor saw, NULL before the
 *   first one; release with url_path_unref()
 * Thread: any
 */
URL_API UrlPath *url_path_monitor_copy_current_path(UrlPathMonitor *monitor);

/** url_path_monitor_ref: Returns: (transfer full) @monitor. Thread: any */
URL_API UrlPathMonitor *url_path_monitor_ref(UrlPathMonitor *monitor);

/** url_path_monitor_unref: drops a reference (cancelling with the last); NULL is ignored.
 * Thread: any */
URL_API void url_path_monitor_unref(UrlPathMonitor *monitor);

#ifdef __cplusplus
}
#endif

#endif
