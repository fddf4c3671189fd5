/* path.h — UrlPath: an immutable snapshot of the usable interfaces, their types and
 * costs, and the policy questions asked of it. */
#ifndef URL_PATH_PATH_H
#define URL_PATH_PATH_H

#include <stdbool.h>

#include <glib.h>
#include <urlsession/path_monitor.h>

#include "path/interface_type.h"
#include "path/link_state.h"

typedef struct {
    char name[IF_NAMESIZE];
    int index;
    UrlInterfaceType type;
    bool expensive;
    bool constrained;
    bool has_ipv4, has_ipv6;
    bool default_route;
} UrlPathInterface;

/* Which interfaces a task may use (configuration and request settings). */
typedef struct {
    bool allows_cellular;
    bool allows_expensive;
    bool allows_constrained;
} UrlInterfacePolicy;

/* The path @state gives, interface types from @overrides (may be NULL), the environment,
 * then sysfs under @sysfs_net. @state NULL gives an unsatisfied path. */
UrlPath *url__path_new(const UrlLinkState *state, GHashTable *overrides, const char *sysfs_net);
/* Usable interface @index (best first), NULL past the end. */
const UrlPathInterface *url__path_interface(const UrlPath *path, size_t index);
const UrlPathInterface *url__path_find(const UrlPath *path, const char *name);
/* Whether the two paths say the same (status, interfaces, facts). */
bool url__path_equal(const UrlPath *a, const UrlPath *b);

/* Lower is better: wired, Wi-Fi, other, cellular; expensive or constrained interfaces
 * after the others of their type. */
int url__path_interface_rank(const UrlPathInterface *interface);
bool url__interface_permitted(const UrlPathInterface *interface, const UrlInterfacePolicy *policy);
/* The best interface @policy permits, NULL when none. */
const UrlPathInterface *url__path_best_permitted(const UrlPath *path,
                                                 const UrlInterfacePolicy *policy);
/* Whether @policy forbids some usable interface (so sockets must be bound to a permitted
 * one). */
bool url__path_policy_restricts(const UrlPath *path, const UrlInterfacePolicy *policy);

#endif
