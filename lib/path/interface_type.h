/* interface_type.h — what kind of link an interface is (sysfs), and the overrides a
 * configuration or the environment gives. */
#ifndef URL_PATH_INTERFACE_TYPE_H
#define URL_PATH_INTERFACE_TYPE_H

#include <stdbool.h>

#include <glib.h>
#include <urlsession/path_monitor.h>

/* One interface's override: its type, and whether it is expensive or constrained on top
 * of what its type implies. */
typedef struct {
    UrlInterfaceType type;
    bool expensive;
    bool constrained;
} UrlInterfaceOverride;

/* The type sysfs gives interface @name under @sysfs_net (normally "/sys/class/net"). */
UrlInterfaceType url__interface_type_detect(const char *sysfs_net, const char *name);

/* A table name -> UrlInterfaceOverride (g_hash_table_unref it). */
GHashTable *url__interface_overrides_new(void);
/* Parses "wifi0=wifi,cell0=cellular:expensive,x=wired:constrained" into @into (later
 * entries win). Returns false at the first malformed entry; entries before it stay. */
bool url__interface_overrides_parse(GHashTable *into, const char *spec);
void url__interface_overrides_set(GHashTable *into, const char *name, UrlInterfaceType type);
/* A copy of @from (NULL: an empty table). */
GHashTable *url__interface_overrides_copy(GHashTable *from);

/* The facts for interface @name: the configuration's override (@configured, may be
 * NULL), else URLSESSION_INTERFACE_TYPES, else sysfs under @sysfs_net. Cellular is
 * expensive. */
UrlInterfaceOverride url__interface_classify(const char *name, GHashTable *configured,
                                             const char *sysfs_net);

#endif
