/* path.c — UrlPath: the usable interfaces of a moment, best first, with their types and
 * costs. Immutable once made, so any thread may read it. */
#include "path/path.h"

#include <string.h>

struct UrlPath {
    int ref_count; /* atomic */
    UrlPathStatus status;
    GArray *interfaces; /* UrlPathInterface, best first */
    bool ipv4, ipv6, nat64, expensive, constrained;
};

int url__path_interface_rank(const UrlPathInterface *interface)
{
    int base;
    switch (interface->type) {
    case URL_INTERFACE_TYPE_WIRED:
        base = 0;
        break;
    case URL_INTERFACE_TYPE_WIFI:
        base = 1;
        break;
    case URL_INTERFACE_TYPE_CELLULAR:
        base = 3;
        break;
    default:
        base = 2;
        break;
    }
    return base * 4 + (interface->expensive ? 2 : 0) + (interface->constrained ? 1 : 0);
}

static gint by_rank(gconstpointer a, gconstpointer b)
{
    const UrlPathInterface *x = a, *y = b;
    int rx = url__path_interface_rank(x), ry = url__path_interface_rank(y);
    if (rx != ry)
        return rx - ry;
    if (x->default_route != y->default_route)
        return x->default_route ? -1 : 1;
    return x->index - y->index;
}

UrlPath *url__path_new(const UrlLinkState *state, GHashTable *overrides, const char *sysfs_net)
{
    UrlPath *path = g_new0(UrlPath, 1);
    path->ref_count = 1;
    path->interfaces = g_array_new(FALSE, TRUE, sizeof(UrlPathInterface));
    bool waiting = false;
    for (guint i = 0; state && i < state->links->len; i++) {
        const UrlLink *link = &g_array_index(state->links, UrlLink, i);
        if (!url__link_is_usable(link)) {
            /* Up but without carrier or address yet: a connection could come. */
            waiting = waiting || ((link->flags & IFF_UP) && !(link->flags & IFF_LOOPBACK));
            continue;
        }
        UrlInterfaceOverride facts = url__interface_classify(link->name, overrides, sysfs_net);
        if (facts.type == URL_INTERFACE_TYPE_LOOPBACK)
            continue;
        UrlPathInterface interface;
        memset(&interface, 0, sizeof interface);
        g_strlcpy(interface.name, link->name, sizeof interface.name);
        interface.index = link->index;
        interface.type = facts.type;
        interface.expensive = facts.expensive;
        interface.constrained = facts.constrained;
        interface.has_ipv4 = link->has_ipv4;
        interface.has_ipv6 = link->has_ipv6;
        interface.default_route = link->default_v4 || link->default_v6;
        g_array_append_val(path->interfaces, interface);
        path->ipv4 = path->ipv4 || link->has_ipv4;
        path->ipv6 = path->ipv6 || link->has_ipv6;
        path->nat64 = path->nat64 || link->pref64;
    }
    g_array_sort(path->interfaces, by_rank);
    guint count = path->interfaces->len;
    path->status = count > 0 ? URL_PATH_STATUS_SATISFIED
                   : waiting ? URL_PATH_STATUS_REQUIRES_CONNECTION
                             : URL_PATH_STATUS_UNSATISFIED;
    path->expensive = count > 0;
    path->constrained = count > 0;
    for (guint i = 0; i < count; i++) {
        const UrlPathInterface *interface = &g_array_index(path->interfaces, UrlPathInterface, i);
        path->expensive = path->expensive && interface->expensive;
        path->constrained = path->constrained && interface->constrained;
    }
    return path;
}

const UrlPathInterface *url__path_interface(const UrlPath *path, size_t index)
{
    if (path == NULL || index >= path->interfaces->len)
        return NULL;
    return &g_array_index(path->interfaces, UrlPathInterface, index);
}

const UrlPathInterface *url__path_find(const UrlPath *path, const char *name)
{
    for (size_t i = 0; name && url__path_interface(path, i); i++)
        if (strcmp(url__path_interface(path, i)->name, name) == 0)
            return url__path_interface(path, i);
    return NULL;
}

bool url__path_equal(const UrlPath *a, const UrlPath *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return a->status == b->status && a->ipv4 == b->ipv4 && a->ipv6 == b->ipv6 &&
           a->nat64 == b->nat64 && a->interfaces->len == b->interfaces->len &&
           memcmp(a->interfaces->data, b->interfaces->data,
                  a->interfaces->len * sizeof(UrlPathInterface)) == 0;
}

bool url__interface_permitted(const UrlPathInterface *interface, const UrlInterfacePolicy *policy)
{
    if (!policy->allows_cellular && interface->type == URL_INTERFACE_TYPE_CELLULAR)
        return false;
    if (!policy->allows_expensive && interface->expensive)
        return false;
    if (!policy->allows_constrained && interface->constrained)
        return false;
    return true;
}

const UrlPathInterface *url__path_best_permitted(const UrlPath *path,
                                                 const UrlInterfacePolicy *policy)
{
    for (size_t i = 0; url__path_interface(path, i); i++)
        if (url__interface_permitted(url__path_interface(path, i), policy))
            return url__path_interface(path, i);
    return NULL;
}

bool url__path_policy_restricts(const UrlPath *path, const UrlInterfacePolicy *policy)
{
    for (size_t i = 0; url__path_interface(path, i); i++)
        if (!url__interface_permitted(url__path_interface(path, i), policy))
            return true;
    return false;
}

UrlPathStatus url_path_get_status(const UrlPath *path)
{
    g_return_val_if_fail(path != NULL, URL_PATH_STATUS_UNSATISFIED);
    return path->status;
}

size_t url_path_get_interface_count(const UrlPath *path)
{
    g_return_val_if_fail(path != NULL, 0);
    return path->interfaces->len;
}

const char *url_path_get_interface(const UrlPath *path, size_t index, UrlInterfaceType *type)
{
    g_return_val_if_fail(path != NULL, NULL);
    const UrlPathInterface *interface = url__path_interface(path, index);
    if (interface && type)
        *type = interface->type;
    return interface ? interface->name : NULL;
}

bool url_path_uses_interface_type(const UrlPath *path, UrlInterfaceType type)
{
    g_return_val_if_fail(path != NULL, false);
    for (size_t i = 0; url__path_interface(path, i); i++)
        if (url__path_interface(path, i)->type == type)
            return true;
    return false;
}

bool url_path_has_ipv4(const UrlPath *path)
{
    g_return_val_if_fail(path != NULL, false);
    return path->ipv4;
}

bool url_path_has_ipv6(const UrlPath *path)
{
    g_return_val_if_fail(path != NULL, false);
    return path->ipv6;
}

bool url_path_has_nat64(const UrlPath *path)
{
    g_return_val_if_fail(path != NULL, false);
    return path->nat64;
}

bool url_path_is_expensive(const UrlPath *path)
{
    g_return_val_if_fail(path != NULL, false);
    return path->expensive;
}

bool url_path_is_constrained(const UrlPath *path)
{
    g_return_val_if_fail(path != NULL, false);
    return path->constrained;
}

UrlPath *url_path_ref(UrlPath *path)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_atomic_int_inc(&path->ref_count);
    return path;
}

void url_path_unref(UrlPath *path)
{
    if (path == NULL || !g_atomic_int_dec_and_test(&path->ref_count))
        return;
    g_array_free(path->interfaces, TRUE);
    g_free(path);
}
