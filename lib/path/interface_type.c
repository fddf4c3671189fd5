/* interface_type.c — interface types from sysfs, and their overrides.
 *
 * The kernel says little about what a link costs: 802.11 drivers register a `wireless`
 * directory or a `phy80211` link, mobile broadband drivers set DEVTYPE=wwan in the
 * uevent, loopback has ARPHRD_LOOPBACK. Everything else with an Ethernet header (veth
 * included) is wired. Labs and odd drivers need overrides: the configuration's table,
 * then URLSESSION_INTERFACE_TYPES. */
#include "path/interface_type.h"

#include <net/if_arp.h>
#include <string.h>

static bool sysfs_exists(const char *sysfs_net, const char *name, const char *leaf)
{
    char *path = g_build_filename(sysfs_net, name, leaf, NULL);
    bool exists = g_file_test(path, G_FILE_TEST_EXISTS);
    g_free(path);
    return exists;
}

static char *sysfs_read(const char *sysfs_net, const char *name, const char *leaf)
{
    char *path = g_build_filename(sysfs_net, name, leaf, NULL);
    char *contents = NULL;
    if (!g_file_get_contents(path, &contents, NULL, NULL))
        contents = NULL;
    g_free(path);
    return contents;
}

static bool uevent_is_wwan(const char *uevent)
{
    char **lines = g_strsplit(uevent, "\n", -1);
    bool wwan = false;
    for (char **line = lines; *line; line++)
        if (g_ascii_strcasecmp(g_strstrip(*line), "DEVTYPE=wwan") == 0)
            wwan = true;
    g_strfreev(lines);
    return wwan;
}

UrlInterfaceType url__interface_type_detect(const char *sysfs_net, const char *name)
{
    if (name == NULL || *name == '\0' || strchr(name, '/') || strcmp(name, "..") == 0)
        return URL_INTERFACE_TYPE_OTHER;
    if (sysfs_exists(sysfs_net, name, "wireless") || sysfs_exists(sysfs_net, name, "phy80211"))
        return URL_INTERFACE_TYPE_WIFI;
    char *uevent = sysfs_read(sysfs_net, name, "uevent");
    bool wwan = uevent && uevent_is_wwan(uevent);
    g_free(uevent);
    if (wwan)
        return URL_INTERFACE_TYPE_CELLULAR;
    char *type = sysfs_read(sysfs_net, name, "type");
    int arphrd = type ? atoi(type) : -1;
    g_free(type);
    if (arphrd == ARPHRD_LOOPBACK)
        return URL_INTERFACE_TYPE_LOOPBACK;
    if (arphrd == ARPHRD_ETHER)
        return URL_INTERFACE_TYPE_WIRED;
    return URL_INTERFACE_TYPE_OTHER;
}

const char *url_interface_type_to_string(UrlInterfaceType type)
{
    switch (type) {
    case URL_INTERFACE_TYPE_WIFI:
        return "wifi";
    case URL_INTERFACE_TYPE_CELLULAR:
        return "cellular";
    case URL_INTERFACE_TYPE_WIRED:
        return "wired";
    case URL_INTERFACE_TYPE_LOOPBACK:
        return "loopback";
    case URL_INTERFACE_TYPE_OTHER:
        break;
    }
    return "other";
}

bool url_interface_type_from_string(const char *name, UrlInterfaceType *type)
{
    static const struct {
        const char *name;
        UrlInterfaceType type;
    } names[] = {
        {"wifi", URL_INTERFACE_TYPE_WIFI},      {"cellular", URL_INTERFACE_TYPE_CELLULAR},
        {"wwan", URL_INTERFACE_TYPE_CELLULAR},  {"wired", URL_INTERFACE_TYPE_WIRED},
        {"ethernet", URL_INTERFACE_TYPE_WIRED}, {"loopback", URL_INTERFACE_TYPE_LOOPBACK},
        {"other", URL_INTERFACE_TYPE_OTHER},
    };
    g_return_val_if_fail(type != NULL, false);
    for (size_t i = 0; name && i < G_N_ELEMENTS(names); i++) {
        if (g_ascii_strcasecmp(name, names[i].name) == 0) {
            *type = names[i].type;
            return true;
        }
    }
    return false;
}

GHashTable *url__interface_overrides_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void put(GHashTable *into, const char *name, UrlInterfaceOverride value)
{
    g_hash_table_replace(into, g_strdup(name), g_memdup2(&value, sizeof value));
}

void url__interface_overrides_set(GHashTable *into, const char *name, UrlInterfaceType type)
{
    put(into, name, (UrlInterfaceOverride){.type = type});
}

static bool parse_entry(GHashTable *into, const char *entry)
{
    const char *equals = strchr(entry, '=');
    if (equals == NULL || equals == entry || equals - entry >= 16)
        return false;
    char *name = g_strndup(entry, (gsize)(equals - entry));
    char **words = g_strsplit(equals + 1, ":", -1);
    UrlInterfaceOverride value = {0};
    bool ok = url_interface_type_from_string(words[0], &value.type);
    for (size_t i = 1; ok && words[i]; i++) {
        if (strcmp(words[i], "expensive") == 0)
            value.expensive = true;
        else if (strcmp(words[i], "constrained") == 0)
            value.constrained = true;
        else
            ok = false;
    }
    if (ok)
        put(into, name, value);
    g_strfreev(words);
    g_free(name);
    return ok;
}

bool url__interface_overrides_parse(GHashTable *into, const char *spec)
{
    if (spec == NULL)
        return true;
    char **entries = g_strsplit(spec, ",", -1);
    bool ok = true;
    for (size_t i = 0; ok && entries[i]; i++) {
        char *entry = g_strstrip(entries[i]);
        if (*entry)
            ok = parse_entry(into, entry);
    }
    g_strfreev(entries);
    return ok;
}

GHashTable *url__interface_overrides_copy(GHashTable *from)
{
    GHashTable *copy = url__interface_overrides_new();
    if (from == NULL)
        return copy;
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, from);
    while (g_hash_table_iter_next(&iter, &key, &value))
        put(copy, key, *(UrlInterfaceOverride *)value);
    return copy;
}

UrlInterfaceOverride url__interface_classify(const char *name, GHashTable *configured,
                                             const char *sysfs_net)
{
    UrlInterfaceOverride facts = {.type = URL_INTERFACE_TYPE_OTHER};
    const UrlInterfaceOverride *found = configured ? g_hash_table_lookup(configured, name) : NULL;
    GHashTable *environment = NULL;
    if (found == NULL) {
        const char *spec = g_getenv("URLSESSION_INTERFACE_TYPES");
        if (spec && *spec) {
            environment = url__interface_overrides_new();
            if (!url__interface_overrides_parse(environment, spec))
                g_debug("URLSESSION_INTERFACE_TYPES: malformed entry in \"%s\"", spec);
            found = g_hash_table_lookup(environment, name);
        }
    }
    if (found)
        facts = *found;
    else
        facts.type = url__interface_type_detect(sysfs_net, name);
    if (facts.type == URL_INTERFACE_TYPE_CELLULAR)
        facts.expensive = true;
    if (environment)
        g_hash_table_unref(environment);
    return facts;
}
