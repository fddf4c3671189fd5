/* destination.c — from a host name to the ordered address list libcurl connects to.
 *
 * The steps, in order: an IP literal skips the DNS; a name is looked up (AAAA and A).
 * When the network has no IPv4 route, IPv4 addresses (literals, or A answers) are
 * synthesized with the NAT64 prefix: the configured one, else the one a router advertises
 * (RFC 8781 PREF64, as the path monitor saw it), else the one found once per network with
 * RFC 7050; synthesized addresses go after every native IPv6 address, which makes them the
 * RFC 8305 §7.2 last resort when AAAA records exist. Then RFC 6724 sorts, RFC 8305
 * interleaves, and a family that won last time on this network goes first. */
#include "net/destination.h"

#include <netinet/in.h>
#include <string.h>

#include <glib.h>

#include "http/network_thread.h"
#include "net/address_order.h"
#include "net/happy_eyeballs.h"
#include "net/network_change.h"
#include "net/resolver.h"
#include "path/monitor.h"
#include "session/error.h"

#define MAX_PREFIXES 4
#define MAX_MEMOS    32

typedef enum { PREFIX_UNKNOWN, PREFIX_DISCOVERING, PREFIX_KNOWN, PREFIX_NONE } PrefixState;

struct UrlDestinations {
    UrlResolver *resolver;
    UrlHappyEyeballs *winners;
    bool configured_prefix;
    bool advertised_prefix; /* @prefix came from a router advertisement */
    UrlNat64Prefix prefix;
    PrefixState prefix_state;
    uint64_t prefix_generation;
    UrlResolveQuery *discovery;
    GList *waiting_for_prefix; /* UrlDestinationLookup */
    GList *lookups;            /* every live lookup */
    GHashTable *memos;         /* "host port" -> PlanMemo */
};

/* The plan last made for a host: the same answers, policy, prefix and preferred family on
 * the same network give the same plan, and making it costs a UDP socket per address
 * (url__address_route_source). */
typedef struct {
    GArray *answers; /* UrlAddress */
    UrlAddressFamily policy;
    int preferred;
    bool prefix_known;
    UrlNat64Prefix prefix;
    uint64_t generation;
    UrlDestinationPlan *plan; /* a reference */
} PlanMemo;

struct UrlDestinationLookup {
    UrlDestinations *owner;
    char *host;
    int port;
    UrlAddressFamily policy;
    char *url;
    UrlDestinationFunc func;
    void *data;
    UrlResolveQuery *query;
    /* UrlAddress as resolved (or the literal). Only its data and len are read (never
     * g_array_copy or the like): a lookup on the stack points it at a GArray header made
     * there. */
    GArray *answers;
    UrlError *pending_error;
    /* An IP literal answered at once lives on the caller's stack: nothing is allocated,
     * and lookup_free leaves it alone. */
    bool on_stack;
};

/* ---- lookups ending -------------------------------------------------------------------- */

static void lookup_free(UrlDestinationLookup *lookup)
{
    UrlDestinations *owner = lookup->owner;
    owner->lookups = g_list_remove(owner->lookups, lookup);
    owner->waiting_for_prefix = g_list_remove(owner->waiting_for_prefix, lookup);
    url__resolver_cancel(lookup->query);
    if (lookup->answers && !lookup->on_stack)
        g_array_unref(lookup->answers);
    url_error_unref(lookup->pending_error);
    if (lookup->on_stack)
        return;
    g_free(lookup->host);
    g_free(lookup->url);
    g_free(lookup);
}

static void lookup_fail(UrlDestinationLookup *lookup, UrlError *error)
{
    UrlDestinationFunc func = lookup->func;
    void *data = lookup->data;
    lookup_free(lookup);
    func(NULL, error, data);
}

static char *address_list_text(const UrlAddress *addresses, size_t count)
{
    GString *text = g_string_new(NULL);
    for (size_t i = 0; i < count; i++) {
        char buffer[URL__ADDRESS_STRING_MAX];
        g_string_append_printf(text, "%s%s", i ? ", " : "",
                               url__address_to_string(&addresses[i], buffer));
    }
    return g_string_free(text, FALSE);
}

static bool family_allowed(UrlAddressFamily policy, int family)
{
    return policy == URL_ADDRESS_FAMILY_ANY ||
           (policy == URL_ADDRESS_FAMILY_IPV4_ONLY && family == AF_INET) ||
           (policy == URL_ADDRESS_FAMILY_IPV6_ONLY && family == AF_INET6);
}

/* The answers are in; the prefix is known or known to be absent. */
static void plan_memo_free(gpointer data)
{
    PlanMemo *memo = data;
    g_array_free(memo->answers, TRUE);
    url__destination_plan_free(memo->plan);
    g_free(memo);
}

/* "host port", in @buffer when it fits, else allocated (free it when it is not @buffer).
 * Looked up on every request: g_snprintf alone cost a thousand instructions. */
static char *memo_key(const UrlDestinationLookup *lookup, char *buffer, size_t size)
{
    char digits[12];
    size_t count = 0;
    unsigned port = (unsigned)lookup->port;
    do {
        digits[count++] = (char)('0' + port % 10);
        port /= 10;
    } while (port > 0);
    size_t length = strlen(lookup->host);
    char *key = length + 1 + count < size ? buffer : g_malloc(length + 1 + count + 1);
    memcpy(key, lookup->host, length);
    key[length++] = ' ';
    while (count > 0)
        key[length++] = digits[--count];
    key[length] = '\0';
    return key;
}

static bool same_answers(const GArray *a, const GArray *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(UrlAddress)) == 0;
}

/* Plans are never changed once made: the memo and every task with the same plan share
 * one (network thread only, so the count is a plain int). */
static UrlDestinationPlan *plan_ref(UrlDestinationPlan *plan)
{
    plan->ref_count++;
    return plan;
}

static UrlDestinationPlan *memo_find(UrlDestinationLookup *lookup, int preferred,
                                     uint64_t generation)
{
    UrlDestinations *owner = lookup->owner;
    char buffer[128];
    char *key = memo_key(lookup, buffer, sizeof buffer);
    PlanMemo *memo = owner->memos ? g_hash_table_lookup(owner->memos, key) : NULL;
    if (key != buffer)
        g_free(key);
    bool prefix_known = owner->prefix_state == PREFIX_KNOWN;
    if (memo == NULL || memo->generation != generation || memo->policy != lookup->policy ||
        memo->preferred != preferred || memo->prefix_known != prefix_known ||
        (prefix_known && memcmp(&memo->prefix, &owner->prefix, sizeof owner->prefix) != 0) ||
        !same_answers(memo->answers, lookup->answers))
        return NULL;
    return plan_ref(memo->plan);
}

static void memo_store(UrlDestinationLookup *lookup, int preferred, UrlDestinationPlan *plan)
{
    UrlDestinations *owner = lookup->owner;
    if (owner->memos == NULL)
        owner->memos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, plan_memo_free);
    if (g_hash_table_size(owner->memos) >= MAX_MEMOS)
        g_hash_table_remove_all(owner->memos);
    PlanMemo *memo = g_new0(PlanMemo, 1);
    memo->answers = g_array_sized_new(FALSE, FALSE, sizeof(UrlAddress), lookup->answers->len);
    g_array_append_vals(memo->answers, lookup->answers->data, lookup->answers->len);
    memo->policy = lookup->policy;
    memo->preferred = preferred;
    memo->prefix_known = owner->prefix_state == PREFIX_KNOWN;
    memo->prefix = owner->prefix;
    memo->generation = plan->generation;
    memo->plan = plan_ref(plan);
    g_hash_table_replace(owner->memos, memo_key(lookup, NULL, 0), memo);
}

static void lookup_deliver(UrlDestinationLookup *lookup, UrlDestinationPlan *plan)
{
    UrlDestinationFunc func = lookup->func;
    void *data = lookup->data;
    lookup_free(lookup);
    func(plan, NULL, data);
}

static void lookup_complete(UrlDestinationLookup *lookup)
{
    UrlDestinations *owner = lookup->owner;
    uint64_t generation = url__network_generation_now();
    int preferred = url__happy_eyeballs_preferred_family(owner->winners, lookup->host, lookup->port,
                                                         generation);
    UrlDestinationPlan *known = memo_find(lookup, preferred, generation);
    if (known) {
        lookup_deliver(lookup, known);
        return;
    }
    GArray *natives = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    GArray *synthesized = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    bool has_prefix = owner->prefix_state == PREFIX_KNOWN;
    for (guint i = 0; i < lookup->answers->len; i++) {
        UrlAddress *address = &g_array_index(lookup->answers, UrlAddress, i);
        bool routed = url__address_route_source(address, NULL);
        if (address->family == AF_INET && !routed && has_prefix &&
            lookup->policy != URL_ADDRESS_FAMILY_IPV4_ONLY) {
            UrlAddress made;
            if (url__nat64_synthesize(&owner->prefix, address->bytes, &made))
                g_array_append_val(synthesized, made);
            continue;
        }
        if (family_allowed(lookup->policy, address->family))
            g_array_append_val(natives, *address);
    }
    size_t routed = url__address_order((UrlAddress *)natives->data, natives->len, preferred);
    /* Synthesized addresses come last (RFC 8305 §7.2) and only if they have a route. */
    size_t synthesized_routed = 0;
    for (guint i = 0; i < synthesized->len; i++) {
        UrlAddress *address = &g_array_index(synthesized, UrlAddress, i);
        if (url__address_route_source(address, NULL)) {
            g_array_insert_val(natives, routed + synthesized_routed, *address);
            synthesized_routed++;
        }
    }
    g_array_free(synthesized, TRUE);
    if (routed + synthesized_routed == 0) {
        char *tried = address_list_text((UrlAddress *)natives->data, natives->len);
        UrlError *error =
            natives->len == 0
                ? url__error_newf(URL_ERROR_CANNOT_FIND_HOST, lookup->url,
                                  "cannot find host \"%s\": no address of the family asked for",
                                  lookup->host)
                : url__error_newf(URL_ERROR_NOT_CONNECTED_TO_INTERNET, lookup->url,
                                  "not connected to the internet: no route to %s (%s)%s",
                                  lookup->host, tried,
                                  has_prefix ? "" : "; no NAT64 prefix on this network");
        g_free(tried);
        g_array_free(natives, TRUE);
        lookup_fail(lookup, error);
        return;
    }
    UrlDestinationPlan *plan = g_new0(UrlDestinationPlan, 1);
    plan->ref_count = 1;
    plan->count = routed + synthesized_routed; /* addresses without a route stay out */
    plan->addresses = g_new(UrlAddress, plan->count);
    memcpy(plan->addresses, natives->data, plan->count * sizeof(UrlAddress));
    plan->has_prefix = synthesized_routed > 0;
    plan->prefix = owner->prefix;
    plan->generation = generation;
    g_array_free(natives, TRUE);
    memo_store(lookup, preferred, plan);
    lookup_deliver(lookup, plan);
}

/* ---- the NAT64 prefix ------------------------------------------------------------------ */

static bool needs_prefix(UrlDestinationLookup *lookup)
{
    if (lookup->policy == URL_ADDRESS_FAMILY_IPV4_ONLY)
        return false;
    for (guint i = 0; i < lookup->answers->len; i++) {
        UrlAddress *address = &g_array_index(lookup->answers, UrlAddress, i);
        if (address->family == AF_INET && url__nat64_may_synthesize(address->bytes) &&
            !url__address_route_source(address, NULL))
            return true;
    }
    return false;
}

static void prefix_settled(UrlDestinations *owner)
{
    GList *waiting = owner->waiting_for_prefix;
    owner->waiting_for_prefix = NULL;
    for (GList *l = waiting; l; l = l->next)
        lookup_complete(l->data);
    g_list_free(waiting);
}

static void on_discovery(const UrlResolveResult *result, void *data)
{
    UrlDestinations *owner = data;
    owner->discovery = NULL;
    UrlNat64Prefix found[MAX_PREFIXES];
    size_t n = url__nat64_discover(result->addresses, result->count, found, MAX_PREFIXES);
    if (owner->advertised_prefix) {
        /* A PREF64 arrived meanwhile: it wins. */
        owner->prefix_state = PREFIX_KNOWN;
        prefix_settled(owner);
        return;
    }
    owner->prefix_state = n > 0 ? PREFIX_KNOWN : PREFIX_NONE;
    if (n > 0) {
        owner->prefix = found[0];
        char *text = url__nat64_prefix_to_string(&found[0]);
        g_debug("NAT64 prefix %s (RFC 7050, %zu found)", text, n);
        g_free(text);
    }
    prefix_settled(owner);
}

/* RFC 8781: a PREF64 the path monitor holds beats discovery; when it goes (lifetime over,
 * link gone), what discovery knows for this network counts again. */
static void follow_pref64(UrlDestinations *owner)
{
    UrlNat64Prefix advertised = {0};
    if (url__path_pref64(advertised.bytes, &advertised.length)) {
        if (!owner->advertised_prefix || advertised.length != owner->prefix.length ||
            memcmp(advertised.bytes, owner->prefix.bytes, 16) != 0) {
            char *text = url__nat64_prefix_to_string(&advertised);
            g_debug("NAT64 prefix %s (RFC 8781 PREF64)", text);
            g_free(text);
        }
        owner->prefix = advertised;
        owner->advertised_prefix = true;
        if (owner->prefix_state != PREFIX_DISCOVERING)
            owner->prefix_state = PREFIX_KNOWN;
    } else if (owner->advertised_prefix) {
        owner->advertised_prefix = false;
        if (owner->prefix_state != PREFIX_DISCOVERING)
            owner->prefix_state = PREFIX_UNKNOWN;
    }
}

/* Brings the NAT64 prefix state up to date; whether @lookup can complete now (else it
 * must wait for the prefix). */
static bool prefix_settled_for(UrlDestinationLookup *lookup)
{
    UrlDestinations *owner = lookup->owner;
    uint64_t generation = url__network_generation();
    if (!owner->configured_prefix)
        follow_pref64(owner);
    if (!owner->configured_prefix && owner->prefix_generation != generation) {
        /* Another network: whatever was found belongs to the last one. */
        owner->prefix_generation = generation;
        if (owner->prefix_state != PREFIX_DISCOVERING && !owner->advertised_prefix)
            owner->prefix_state = PREFIX_UNKNOWN;
    }
    return owner->prefix_state == PREFIX_KNOWN || owner->prefix_state == PREFIX_NONE ||
           !needs_prefix(lookup);
}

static void wait_for_prefix(UrlDestinationLookup *lookup)
{
    UrlDestinations *owner = lookup->owner;
    owner->waiting_for_prefix = g_list_append(owner->waiting_for_prefix, lookup);
    if (owner->prefix_state == PREFIX_DISCOVERING)
        return;
    owner->prefix_state = PREFIX_DISCOVERING;
    owner->discovery = url__resolver_resolve(owner->resolver, URL__NAT64_DISCOVERY_NAME, true,
                                             false, on_discovery, owner);
}

static void with_prefix(UrlDestinationLookup *lookup)
{
    if (prefix_settled_for(lookup))
        lookup_complete(lookup);
    else
        wait_for_prefix(lookup);
}

/* ---- the DNS ------------------------------------------------------------------------- */

static void on_resolved(const UrlResolveResult *result, void *data)
{
    UrlDestinationLookup *lookup = data;
    lookup->query = NULL;
    if (result->count == 0) {
        lookup_fail(lookup,
                    url__error_newf(result->error_code, lookup->url, "%s", result->error_message));
        return;
    }
    g_array_append_vals(lookup->answers, result->addresses, (guint)result->count);
    with_prefix(lookup);
}

UrlDestinationLookup *url__destinations_lookup(UrlDestinations *self, const char *host, int port,
                                               UrlAddressFamily policy, const char *url,
                                               UrlDestinationFunc func, void *data)
{
    UrlAddress literal;
    bool is_literal = url__address_parse(host, &literal);
    if (is_literal) {
        /* No DNS: the plan is made now, from a lookup on the stack (a loop iteration, a
         * second pass through the task's begin_request and the lookup's allocations
         * saved), unless the NAT64 prefix must be found first. */
        GArray one = {.data = (gchar *)&literal, .len = 1};
        UrlDestinationLookup now = {
            .owner = self,
            .host = (char *)host,
            .port = port,
            .policy = policy,
            .url = (char *)url,
            .func = func,
            .data = data,
            .answers = &one,
            .on_stack = true,
        };
        if (prefix_settled_for(&now)) {
            lookup_complete(&now);
            return NULL;
        }
    }
    UrlDestinationLookup *lookup = g_new0(UrlDestinationLookup, 1);
    lookup->owner = self;
    lookup->host = g_strdup(host);
    lookup->port = port;
    lookup->policy = policy;
    lookup->url = g_strdup(url);
    lookup->func = func;
    lookup->data = data;
    lookup->answers = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    self->lookups = g_list_prepend(self->lookups, lookup);
    if (is_literal) {
        g_array_append_val(lookup->answers, literal);
        wait_for_prefix(lookup);
        return lookup;
    }
    lookup->query = url__resolver_resolve(
        self->resolver, host, policy != URL_ADDRESS_FAMILY_IPV4_ONLY, true, on_resolved, lookup);
    return lookup;
}

void url__destinations_cancel(UrlDestinationLookup *lookup)
{
    if (lookup)
        lookup_free(lookup);
}

void url__destinations_record_winner(UrlDestinations *self, const char *host, int port,
                                     const char *remote, double connect_seconds,
                                     uint64_t generation)
{
    UrlAddress address;
    if (!url__address_parse(remote, &address))
        return;
    url__happy_eyeballs_record(self->winners, host, port, address.family, connect_seconds,
                               generation);
}

UrlDestinations *url__destinations_new(const UrlDestinationsOptions *options, UrlError **error)
{
    UrlDestinations *self = g_new0(UrlDestinations, 1);
    if (options->nat64_prefix) {
        if (!url__nat64_prefix_parse(options->nat64_prefix, &self->prefix)) {
            url__error_set(error, URL_ERROR_UNKNOWN, "unusable NAT64 prefix \"%s\"",
                           options->nat64_prefix);
            g_free(self);
            return NULL;
        }
        self->configured_prefix = true;
        self->prefix_state = PREFIX_KNOWN;
    }
    UrlResolverOptions resolver = {
        .dns_servers = options->dns_servers,
        .timeout = options->dns_timeout,
        .doh_url = options->doh_url,
        .ca_file = options->ca_file,
        .ca_path = options->ca_path,
    };
    self->resolver = url__resolver_new(&resolver, error);
    if (self->resolver == NULL) {
        g_free(self);
        return NULL;
    }
    self->winners = url__happy_eyeballs_new();
    self->prefix_generation = url__network_generation();
    return self;
}

void url__destinations_free(UrlDestinations *self)
{
    if (self == NULL)
        return;
    while (self->lookups)
        lookup_free(self->lookups->data);
    url__resolver_cancel(self->discovery);
    url__resolver_free(self->resolver);
    url__happy_eyeballs_free(self->winners);
    if (self->memos)
        g_hash_table_destroy(self->memos);
    g_free(self);
}

void url__destination_plan_free(UrlDestinationPlan *plan)
{
    if (plan == NULL || --plan->ref_count > 0)
        return;
    g_free(plan->addresses);
    g_free(plan);
}

char *url__destination_plan_resolve_entry(const UrlDestinationPlan *plan, const char *host,
                                          int port)
{
    GString *entry = g_string_new(NULL);
    bool bracket_host = strchr(host, ':') != NULL;
    g_string_append_printf(entry, bracket_host ? "+[%s]:%d:" : "+%s:%d:", host, port);
    for (size_t i = 0; i < plan->count; i++) {
        char buffer[URL__ADDRESS_STRING_MAX];
        url__address_to_string(&plan->addresses[i], buffer);
        g_string_append_printf(entry, plan->addresses[i].family == AF_INET6 ? "%s[%s]" : "%s%s",
                               i ? "," : "", buffer);
    }
    return g_string_free(entry, FALSE);
}

const UrlAddress *url__destination_plan_find(const UrlDestinationPlan *plan, const char *numeric)
{
    UrlAddress address;
    if (!url__address_parse(numeric, &address))
        return NULL;
    for (size_t i = 0; i < plan->count; i++)
        if (url__address_equal(&plan->addresses[i], &address))
            return &plan->addresses[i];
    return NULL;
}
