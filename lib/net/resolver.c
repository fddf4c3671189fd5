/* resolver.c — c-ares on the network thread's GMainContext, the RFC 8305 resolution
 * delay and a TTL cache.
 *
 * c-ares tells us which sockets it wants watched (ARES_OPT_SOCK_STATE_CB); one GSource
 * per channel carries them as unix fds and c-ares's next timeout as its ready time, as
 * the curl multi driver does. AAAA and A are two ares_getaddrinfo calls (one per family)
 * because AF_UNSPEC answers only when both families have. With DNS over HTTPS configured
 * they are two DoH queries instead (doh.c), after the hosts file; the cache and the
 * resolution delay are the same. */
#include "net/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>
#include <glib-unix.h>
#include <glib.h>

#include "http/network_thread.h"
#include "http/timer.h"
#include "net/doh.h"
#include "net/network_change.h"
#include "session/error.h"

/* c-ares's own default is 5 s per try and 4 tries: far beyond a request timeout. */
#define MIN_TRY_TIMEOUT_MS 250
#define TRIES              3

enum { FAMILY_V6, FAMILY_V4, FAMILY_COUNT };

typedef struct {
    GArray *addresses; /* UrlAddress */
    gint64 expires;    /* monotonic µs */
    uint64_t generation;
} CacheEntry;

typedef struct {
    GSource source;
    UrlResolver *resolver;
} ChannelSource;

struct UrlResolver {
    ares_channel channel;
    ChannelSource *source;
    GHashTable *watches; /* fd -> tag */
    GHashTable *cache;   /* "6|host" / "4|host" -> CacheEntry */
    uint64_t cache_generation;
    GList *queries; /* UrlResolveQuery, alive until their lookups returned */
    bool freeing;
    UrlDoh *doh; /* NULL: the DNS servers */
};

typedef struct {
    bool wanted;
    bool done;
    bool cached;
    int status; /* ARES_* */
    GArray *addresses;
    char *reason; /* why it failed, when c-ares's words for @status are not enough */
} FamilyAnswer;

struct UrlResolveQuery {
    UrlResolver *resolver;
    char *host;
    UrlResolveFunc func;
    void *data;
    FamilyAnswer answers[FAMILY_COUNT];
    int outstanding; /* lookups c-ares still owes us */
    bool delivered;  /* or cancelled: the callback is spent */
    UrlTimer *timer; /* resolution delay, and delivery outside the caller's stack */
};

static int family_of(int index)
{
    return index == FAMILY_V6 ? AF_INET6 : AF_INET;
}

static char *cache_key(const char *host, int index)
{
    return g_strdup_printf("%c|%s", index == FAMILY_V6 ? '6' : '4', host);
}

static void cache_entry_free(void *data)
{
    CacheEntry *entry = data;
    g_array_unref(entry->addresses);
    g_free(entry);
}

/* ---- the channel's GSource ----------------------------------------------------------- */

static void rearm(UrlResolver *self)
{
    struct timeval limit = {.tv_sec = 3600}, storage;
    struct timeval *next = ares_timeout(self->channel, &limit, &storage);
    gint64 us = (gint64)next->tv_sec * G_USEC_PER_SEC + next->tv_usec;
    g_source_set_ready_time(&self->source->source, g_get_monotonic_time() + us);
}

static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    UrlResolver *self = data;
    gpointer tag = g_hash_table_lookup(self->watches, GINT_TO_POINTER(fd));
    GIOCondition condition = (readable ? G_IO_IN : 0) | (writable ? G_IO_OUT : 0);
    if (condition == 0) {
        if (tag) {
            g_source_remove_unix_fd(&self->source->source, tag);
            g_hash_table_remove(self->watches, GINT_TO_POINTER(fd));
        }
        return;
    }
    if (tag)
        g_source_modify_unix_fd(&self->source->source, tag, condition);
    else
        g_hash_table_insert(self->watches, GINT_TO_POINTER(fd),
                            g_source_add_unix_fd(&self->source->source, fd, condition));
}

static gboolean channel_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    UrlResolver *self = ((ChannelSource *)source)->resolver;
    /* Collect first: ares_process_fd changes the watch table. */
    GArray *ready = g_array_new(FALSE, FALSE, sizeof(int) * 3);
    GHashTableIter iter;
    gpointer key, tag;
    g_hash_table_iter_init(&iter, self->watches);
    while (g_hash_table_iter_next(&iter, &key, &tag)) {
        GIOCondition revents = g_source_query_unix_fd(source, tag);
        if (revents == 0)
            continue;
        int fd = GPOINTER_TO_INT(key);
        int triple[3] = {fd, (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)) ? fd : ARES_SOCKET_BAD,
                         (revents & G_IO_OUT) ? fd : ARES_SOCKET_BAD};
        g_array_append_vals(ready, triple, 1);
    }
    for (guint i = 0; i < ready->len; i++) {
        int *triple = &g_array_index(ready, int, i * 3);
        ares_process_fd(self->channel, triple[1], triple[2]);
    }
    g_array_free(ready, TRUE);
    /* Timeouts (and retries to the next server). */
    ares_process_fd(self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    rearm(self);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs channel_funcs = {.dispatch = channel_dispatch};

/* ---- queries ------------------------------------------------------------------------- */

static void query_free(UrlResolveQuery *query)
{
    for (int i = 0; i < FAMILY_COUNT; i++) {
        if (query->answers[i].addresses)
            g_array_unref(query->answers[i].addresses);
        g_free(query->answers[i].reason);
    }
    url__timer_free(query->timer);
    g_free(query->host);
    g_free(query);
}

static void query_release_if_spent(UrlResolveQuery *query)
{
    if (!query->delivered || query->outstanding > 0)
        return;
    UrlResolver *self = query->resolver;
    if (!self->freeing)
        self->queries = g_list_remove(self->queries, query);
    query_free(query);
}

static bool is_not_found(int status)
{
    return status == ARES_ENOTFOUND || status == ARES_ENODATA || status == ARES_ENONAME;
}

static void deliver(UrlResolveQuery *query)
{
    if (query->delivered)
        return;
    query->delivered = true;
    url__timer_disarm(query->timer);
    GArray *all = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    bool from_cache = true;
    for (int i = 0; i < FAMILY_COUNT; i++) {
        FamilyAnswer *answer = &query->answers[i];
        if (!answer->wanted)
            continue;
        from_cache = from_cache && answer->cached;
        if (answer->done && answer->addresses)
            g_array_append_vals(all, answer->addresses->data, answer->addresses->len);
    }
    UrlResolveResult result = {
        .addresses = (const UrlAddress *)all->data,
        .count = all->len,
        .from_cache = from_cache,
    };
    char *message = NULL;
    if (all->len == 0) {
        bool not_found = true;
        int failure = ARES_SUCCESS;
        const char *reason = NULL;
        for (int i = 0; i < FAMILY_COUNT; i++) {
            FamilyAnswer *answer = &query->answers[i];
            if (!answer->wanted)
                continue;
            if (!answer->done || !is_not_found(answer->status)) {
                not_found = false;
                if (answer->done && answer->status != ARES_SUCCESS) {
                    failure = answer->status;
                    reason = answer->reason ? answer->reason : reason;
                }
            }
        }
        if (not_found) {
            result.error_code = URL_ERROR_CANNOT_FIND_HOST;
            message = g_strdup_printf("cannot find host \"%s\": the DNS has no address for it",
                                      query->host);
        } else {
            result.error_code = URL_ERROR_DNS_LOOKUP_FAILED;
            message = g_strdup_printf("DNS lookup of \"%s\" failed: %s", query->host,
                                      reason                    ? reason
                                      : failure != ARES_SUCCESS ? ares_strerror(failure)
                                                                : "no answer in time");
        }
        result.error_message = message;
    }
    query->func(&result, query->data);
    g_free(message);
    g_array_free(all, TRUE);
    query_release_if_spent(query);
}

static void on_query_timer(void *data)
{
    deliver(data);
}

/* After each answer: deliver when nothing more is coming, or start the resolution delay
 * when one family has addresses and the other is still out. */
static void evaluate(UrlResolveQuery *query)
{
    if (query->delivered)
        return;
    bool all_done = true, some_addresses = false;
    for (int i = 0; i < FAMILY_COUNT; i++) {
        FamilyAnswer *answer = &query->answers[i];
        if (!answer->wanted)
            continue;
        all_done = all_done && answer->done;
        some_addresses =
            some_addresses || (answer->done && answer->addresses && answer->addresses->len > 0);
    }
    if (all_done)
        url__timer_arm_in(query->timer, 0);
    else if (some_addresses)
        url__timer_arm_in(query->timer, URL__RESOLUTION_DELAY_MS / 1000.0);
}

static void cache_store(UrlResolver *self, const char *host, int index, GArray *addresses, int ttl)
{
    if (ttl <= 0 || addresses->len == 0)
        return; /* hosts-file answers (TTL 0) are read again: that is cheap */
    CacheEntry *entry = g_new0(CacheEntry, 1);
    entry->addresses = g_array_ref(addresses);
    entry->expires = g_get_monotonic_time() + (gint64)ttl * G_USEC_PER_SEC;
    entry->generation = self->cache_generation;
    g_hash_table_replace(self->cache, cache_key(host, index), entry);
}

typedef struct {
    UrlResolveQuery *query;
    int index;
} LookupContext;

static void add_address(GArray *addresses, const UrlAddress *address)
{
    for (guint i = 0; i < addresses->len; i++)
        if (url__address_equal(&g_array_index(addresses, UrlAddress, i), address))
            return;
    g_array_append_val(addresses, *address);
}

/* One family's lookup returned: @addresses (transfer full) with the smallest TTL. */
static void family_answered(UrlResolveQuery *query, int index, int status, GArray *addresses,
                            int ttl, const char *reason)
{
    query->outstanding--;
    FamilyAnswer *answer = &query->answers[index];
    answer->done = true;
    answer->status = status;
    answer->addresses = addresses;
    answer->reason = g_strdup(reason);
    UrlResolver *self = query->resolver;
    if (addresses->len > 0 && url__network_generation() == self->cache_generation)
        cache_store(self, query->host, index, addresses, ttl);
    evaluate(query);
    query_release_if_spent(query);
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *info)
{
    LookupContext *context = arg;
    UrlResolveQuery *query = context->query;
    int index = context->index;
    g_free(context);
    GArray *addresses = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    int ttl = G_MAXINT;
    if (status == ARES_SUCCESS && info) {
        for (struct ares_addrinfo_node *node = info->nodes; node; node = node->ai_next) {
            UrlAddress address;
            if (node->ai_family != family_of(index) ||
                !url__address_from_sockaddr(node->ai_addr, &address))
                continue;
            add_address(addresses, &address);
            if (node->ai_ttl < ttl)
                ttl = node->ai_ttl;
        }
    }
    if (info)
        ares_freeaddrinfo(info);
    if (status == ARES_EDESTRUCTION) {
        /* The resolver is being freed; it frees the query. */
        g_array_unref(addresses);
        return;
    }
    family_answered(query, index, status, addresses, ttl == G_MAXINT ? 0 : ttl, NULL);
}

static void on_doh(int status, const UrlAddress *found, size_t count, int ttl, const char *reason,
                   void *data)
{
    LookupContext *context = data;
    UrlResolveQuery *query = context->query;
    int index = context->index;
    g_free(context);
    if (status == ARES_EDESTRUCTION)
        return; /* the resolver is being freed; it frees the query */
    GArray *addresses = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    for (size_t i = 0; i < count; i++)
        add_address(addresses, &found[i]);
    family_answered(query, index, status, addresses, ttl, reason);
}

/* With DoH, the hosts file is read here (c-ares reads it itself for DNS lookups). */
static bool hosts_file_answer(UrlResolver *self, const char *host, int index, FamilyAnswer *answer)
{
    struct hostent *entry = NULL;
    if (ares_gethostbyname_file(self->channel, host, family_of(index), &entry) != ARES_SUCCESS)
        return false;
    answer->addresses = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    for (char **item = entry->h_addr_list; item && *item; item++) {
        UrlAddress address = {.family = entry->h_addrtype};
        memcpy(address.bytes, *item, entry->h_addrtype == AF_INET6 ? 16 : 4);
        if (address.family == family_of(index))
            add_address(answer->addresses, &address);
    }
    ares_free_hostent(entry);
    answer->done = true;
    answer->status = answer->addresses->len > 0 ? ARES_SUCCESS : ARES_ENODATA;
    return true;
}

static bool cache_lookup(UrlResolver *self, const char *host, int index, FamilyAnswer *answer)
{
    char *key = cache_key(host, index);
    CacheEntry *entry = g_hash_table_lookup(self->cache, key);
    bool hit = entry && entry->generation == self->cache_generation &&
               entry->expires > g_get_monotonic_time();
    if (entry && !hit)
        g_hash_table_remove(self->cache, key);
    g_free(key);
    if (!hit)
        return false;
    answer->done = true;
    answer->cached = true;
    answer->status = ARES_SUCCESS;
    answer->addresses = g_array_ref(entry->addresses);
    return true;
}

/* RFC 6761 §6.3: "localhost" and names under it are the loopback addresses, answered
 * without asking anyone. c-ares 1.18.1 has its own localhost path for AAAA when the hosts
 * file lacks ::1, and that path neither calls back nor frees the name it copied. */
static bool is_localhost_name(const char *host)
{
    size_t length = strlen(host);
    if (length > 0 && host[length - 1] == '.')
        length--; /* the root label */
    static const char suffix[] = ".localhost";
    size_t suffix_length = sizeof suffix - 1;
    return (length == suffix_length - 1 && g_ascii_strncasecmp(host, suffix + 1, length) == 0) ||
           (length > suffix_length &&
            g_ascii_strncasecmp(host + length - suffix_length, suffix, suffix_length) == 0);
}

static bool localhost_answer(const char *host, int index, FamilyAnswer *answer)
{
    if (!is_localhost_name(host))
        return false;
    UrlAddress loopback;
    url__address_parse(index == FAMILY_V6 ? "::1" : "127.0.0.1", &loopback);
    answer->done = true;
    answer->status = ARES_SUCCESS;
    answer->addresses = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    g_array_append_val(answer->addresses, loopback);
    return true;
}

UrlResolveQuery *url__resolver_resolve(UrlResolver *self, const char *host, bool want_ipv6,
                                       bool want_ipv4, UrlResolveFunc func, void *data)
{
    uint64_t generation = url__network_generation();
    if (generation != self->cache_generation) {
        g_hash_table_remove_all(self->cache);
        self->cache_generation = generation;
    }
    UrlResolveQuery *query = g_new0(UrlResolveQuery, 1);
    query->resolver = self;
    query->host = g_strdup(host);
    query->func = func;
    query->data = data;
    query->timer = url__timer_new(on_query_timer, query);
    query->answers[FAMILY_V6].wanted = want_ipv6;
    query->answers[FAMILY_V4].wanted = want_ipv4;
    self->queries = g_list_prepend(self->queries, query);
    for (int i = 0; i < FAMILY_COUNT; i++) {
        FamilyAnswer *answer = &query->answers[i];
        if (!answer->wanted || localhost_answer(host, i, answer) ||
            cache_lookup(self, host, i, answer))
            continue;
        if (self->doh && hosts_file_answer(self, host, i, answer))
            continue;
        LookupContext *context = g_new(LookupContext, 1);
        context->query = query;
        context->index = i;
        query->outstanding++;
        if (self->doh) {
            url__doh_query(self->doh, host, family_of(i), on_doh, context);
            continue;
        }
        struct ares_addrinfo_hints hints = {
            .ai_family = family_of(i),
            .ai_socktype = SOCK_STREAM,
            .ai_flags = ARES_AI_NOSORT,
        };
        ares_getaddrinfo(self->channel, host, NULL, &hints, on_addrinfo, context);
    }
    /* Hosts-file and cache answers come back inside the call above: deliver later. */
    evaluate(query);
    rearm(self);
    return query;
}

void url__resolver_cancel(UrlResolveQuery *query)
{
    if (query == NULL || query->delivered)
        return;
    query->delivered = true;
    url__timer_disarm(query->timer);
    query_release_if_spent(query);
}

void url__resolver_flush(UrlResolver *self)
{
    g_hash_table_remove_all(self->cache);
}

bool url__resolver_servers_valid(const char *servers)
{
    if (servers == NULL || *servers == '\0')
        return false;
    gchar **items = g_strsplit(servers, ",", -1);
    bool valid = true;
    for (gchar **item = items; *item && valid; item++) {
        const char *text = g_strstrip(*item);
        char *host = NULL;
        long port = 53;
        if (text[0] == '[') {
            const char *close = strchr(text, ']');
            valid = close != NULL;
            if (valid) {
                host = g_strndup(text + 1, (gsize)(close - text - 1));
                if (close[1] == ':')
                    port = strtol(close + 2, NULL, 10);
                else
                    valid = close[1] == '\0';
            }
        } else {
            const char *colon = strchr(text, ':');
            if (colon && strchr(colon + 1, ':'))
                host = g_strdup(text); /* a bare IPv6 address */
            else if (colon) {
                host = g_strndup(text, (gsize)(colon - text));
                port = strtol(colon + 1, NULL, 10);
            } else {
                host = g_strdup(text);
            }
        }
        UrlAddress address;
        valid = valid && host && url__address_parse(host, &address) && port > 0 && port < 65536;
        g_free(host);
    }
    g_strfreev(items);
    return valid;
}

static void library_init(void)
{
    static gsize once;
    if (g_once_init_enter(&once)) {
        ares_library_init(ARES_LIB_INIT_ALL);
        g_once_init_leave(&once, 1);
    }
}

UrlResolver *url__resolver_new(const UrlResolverOptions *options, UrlError **error)
{
    library_init();
    UrlResolver *self = g_new0(UrlResolver, 1);
    self->watches = g_hash_table_new(NULL, NULL);
    self->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cache_entry_free);
    self->cache_generation = url__network_generation();

    /* The whole lookup (TRIES tries, c-ares doubling the timeout per round) fits in the
     * time given: t + 2t + 4t = 7t. */
    int try_ms = (int)(options->timeout * 1000.0 / 7.0);
    if (try_ms < MIN_TRY_TIMEOUT_MS)
        try_ms = MIN_TRY_TIMEOUT_MS;
    struct ares_options ares = {
        .sock_state_cb = on_sock_state,
        .sock_state_cb_data = self,
        .timeout = try_ms,
        .tries = TRIES,
        .lookups = (char *)"fb",
    };
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
    int status = ares_init_options(&self->channel, &ares, mask);
    if (status != ARES_SUCCESS) {
        url__error_set(error, URL_ERROR_DNS_LOOKUP_FAILED, "cannot start the DNS resolver: %s",
                       ares_strerror(status));
        self->channel = NULL;
        url__resolver_free(self);
        return NULL;
    }
    if (options->doh_url) {
        UrlDohOptions doh = {
            .url = options->doh_url,
            .ca_file = options->ca_file,
            .ca_path = options->ca_path,
            .timeout = options->timeout,
        };
        self->doh = url__doh_new(&doh);
    } else if (options->dns_servers) {
        status = ares_set_servers_ports_csv(self->channel, options->dns_servers);
        if (status != ARES_SUCCESS) {
            url__error_set(error, URL_ERROR_DNS_LOOKUP_FAILED,
                           "unusable DNS server list \"%s\": %s", options->dns_servers,
                           ares_strerror(status));
            url__resolver_free(self);
            return NULL;
        }
    }
    self->source = (ChannelSource *)g_source_new(&channel_funcs, sizeof(ChannelSource));
    self->source->resolver = self;
    g_source_set_name(&self->source->source, "urlsession c-ares");
    g_source_set_ready_time(&self->source->source, -1);
    g_source_attach(&self->source->source, url__network_context());
    return self;
}

void url__resolver_free(UrlResolver *self)
{
    if (self == NULL)
        return;
    self->freeing = true;
    /* Pending lookups call back with ARES_EDESTRUCTION here; their queries are freed
     * below. */
    url__doh_free(self->doh);
    if (self->channel)
        ares_destroy(self->channel);
    for (GList *l = self->queries; l; l = l->next)
        query_free(l->data);
    g_list_free(self->queries);
    if (self->source) {
        g_source_destroy(&self->source->source);
        g_source_unref(&self->source->source);
    }
    g_hash_table_destroy(self->watches);
    g_hash_table_destroy(self->cache);
    g_free(self);
}
