/* test_path_monitor.c — paths made from link facts (ranking, policy, status), the PREF64
 * option parser, and UrlPathMonitor in a network namespace of its own, where the test
 * adds and removes a veth pair and sees the callbacks (needs root: skips otherwise,
 * except under CI=true). */

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <urlsession/urlsession.h>

#include "path/link_state.h"
#include "path/path.h"

static bool in_own_netns;

static UrlLinkState *state_new(void)
{
    UrlLinkState *state = g_new0(UrlLinkState, 1);
    state->links = g_array_new(FALSE, TRUE, sizeof(UrlLink));
    state->addresses = g_array_new(FALSE, TRUE, sizeof(UrlLinkAddress));
    return state;
}

static void add_link(UrlLinkState *state, int index, const char *name, unsigned flags, bool v4,
                     bool v6, bool default_route)
{
    UrlLink link;
    memset(&link, 0, sizeof link);
    link.index = index;
    g_strlcpy(link.name, name, sizeof link.name);
    link.flags = flags;
    link.has_ipv4 = v4;
    link.has_ipv6 = v6;
    link.default_v4 = default_route;
    g_array_append_val(state->links, link);
}

#define UP (IFF_UP | IFF_RUNNING)

static void test_path_ranking_and_policy(void)
{
    g_setenv("URLSESSION_INTERFACE_TYPES", "cell0=cellular,wifi0=wifi,lan0=wired:constrained",
             TRUE);
    UrlLinkState *state = state_new();
    add_link(state, 1, "lo", UP | IFF_LOOPBACK, true, true, false);
    add_link(state, 2, "cell0", UP, true, false, true);
    add_link(state, 3, "wifi0", UP, true, true, true);
    add_link(state, 4, "down0", IFF_UP, true, false, false); /* no carrier */
    UrlPath *path = url__path_new(state, NULL, "/nonexistent");
    g_assert_cmpint(url_path_get_status(path), ==, URL_PATH_STATUS_SATISFIED);
    g_assert_cmpuint(url_path_get_interface_count(path), ==, 2);
    UrlInterfaceType type;
    g_assert_cmpstr(url_path_get_interface(path, 0, &type), ==, "wifi0");
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_WIFI);
    g_assert_cmpstr(url_path_get_interface(path, 1, &type), ==, "cell0");
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_CELLULAR);
    g_assert_null(url_path_get_interface(path, 2, NULL));
    g_assert_true(url_path_has_ipv4(path));
    g_assert_true(url_path_has_ipv6(path));
    g_assert_false(url_path_has_nat64(path));
    g_assert_false(url_path_is_expensive(path)); /* Wi-Fi is not */
    g_assert_true(url_path_uses_interface_type(path, URL_INTERFACE_TYPE_CELLULAR));
    g_assert_false(url_path_uses_interface_type(path, URL_INTERFACE_TYPE_LOOPBACK));

    UrlInterfacePolicy all = {true, true, true}, no_cell = {false, true, true};
    g_assert_false(url__path_policy_restricts(path, &all));
    g_assert_true(url__path_policy_restricts(path, &no_cell));
    g_assert_cmpstr(url__path_best_permitted(path, &no_cell)->name, ==, "wifi0");

    /* Wi-Fi gone: only cellular, which the policy forbids. */
    g_array_remove_index(state->links, 2);
    UrlPath *cellular = url__path_new(state, NULL, "/nonexistent");
    g_assert_true(url_path_is_expensive(cellular));
    g_assert_null(url__path_best_permitted(cellular, &no_cell));
    UrlInterfacePolicy no_expensive = {true, false, true};
    g_assert_null(url__path_best_permitted(cellular, &no_expensive));
    g_assert_false(url__path_equal(path, cellular));

    /* A constrained wired link ranks after an unconstrained one of its type. */
    add_link(state, 5, "lan0", UP, true, false, true);
    UrlPath *constrained = url__path_new(state, NULL, "/nonexistent");
    g_assert_cmpstr(url_path_get_interface(constrained, 0, NULL), ==, "lan0");
    UrlInterfacePolicy no_constrained = {true, true, false};
    g_assert_cmpstr(url__path_best_permitted(constrained, &no_constrained)->name, ==, "cell0");

    /* Nothing usable, but a link is up waiting for carrier. */
    g_array_set_size(state->links, 0);
    add_link(state, 4, "down0", IFF_UP, false, false, false);
    UrlPath *waiting = url__path_new(state, NULL, "/nonexistent");
    g_assert_cmpint(url_path_get_status(waiting), ==, URL_PATH_STATUS_REQUIRES_CONNECTION);
    UrlPath *none = url__path_new(NULL, NULL, "/nonexistent");
    g_assert_cmpint(url_path_get_status(none), ==, URL_PATH_STATUS_UNSATISFIED);
    g_assert_false(url_path_is_expensive(none));

    url_path_unref(none);
    url_path_unref(waiting);
    url_path_unref(constrained);
    url_path_unref(cellular);
    url_path_unref(path);
    url__link_state_free(state);
    g_unsetenv("URLSESSION_INTERFACE_TYPES");
}

static void test_pref64_option(void)
{
    struct {
        struct nlmsghdr header;
        struct nduseroptmsg body;
        unsigned char options[24];
    } __attribute__((packed)) message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = RTM_NEWNDUSEROPT;
    message.body.nduseropt_family = AF_INET6;
    message.body.nduseropt_opts_len = 24;
    message.body.nduseropt_ifindex = 7;
    message.body.nduseropt_icmp_type = ND_ROUTER_ADVERT;
    message.options[0] = 25; /* RDNSS, 8 bytes */
    message.options[1] = 1;
    message.options[8] = 38; /* PREF64, 16 bytes */
    message.options[9] = 2;
    /* Scaled lifetime 75 (600 s), Prefix Length Code 0 (/96), 64:ff9b::. */
    message.options[10] = (75 << 3) >> 8;
    message.options[11] = (75 << 3) & 0xff;
    message.options[12] = 0x00;
    message.options[13] = 0x64;
    message.options[14] = 0xff;
    message.options[15] = 0x9b;
    UrlPref64 pref64;
    g_assert_true(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
    g_assert_cmpint(pref64.index, ==, 7);
    g_assert_cmpint(pref64.length, ==, 96);
    g_assert_cmpuint(pref64.lifetime, ==, 600);
    static const unsigned char well_known[16] = {0, 0x64, 0xff, 0x9b};
    g_assert_cmpmem(pref64.prefix, 16, well_known, 16);

    /* PLC 1 is /64: bytes past the eighth are not part of the prefix. */
    message.options[11] = (unsigned char)((message.options[11] & 0xf8) | 1);
    message.options[12 + 8] = 0xaa;
    g_assert_true(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
    g_assert_cmpint(pref64.length, ==, 64);
    g_assert_cmpmem(pref64.prefix, 16, well_known, 16);
    /* PLC 5 is /32; 6 and 7 are reserved: the option is ignored. */
    message.options[11] = (unsigned char)((message.options[11] & 0xf8) | 5);
    g_assert_true(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
    g_assert_cmpint(pref64.length, ==, 32);
    message.options[11] = (unsigned char)((message.options[11] & 0xf8) | 6);
    g_assert_false(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
    message.options[11] = (unsigned char)(message.options[11] & 0xf8);
    /* Lifetime 0 withdraws the prefix. */
    message.options[10] = 0;
    message.options[11] = 0;
    g_assert_true(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
    g_assert_cmpuint(pref64.lifetime, ==, 0);

    message.options[8] = 31; /* DNSSL instead: no PREF64 */
    g_assert_false(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
    message.options[8] = 38;
    message.options[9] = 0; /* a zero length is malformed */
    g_assert_false(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
    message.options[9] = 3; /* runs past the end */
    g_assert_false(url__link_nduseropt_pref64(&message, sizeof message, &pref64));
}

typedef struct {
    GPtrArray *paths;
} Seen;

static void on_update(UrlPathMonitor *monitor, const UrlPath *path, void *data)
{
    Seen *seen = data;
    g_ptr_array_add(seen->paths, url_path_ref((UrlPath *)path));
}

/* Dispatches @queue until @predicate holds for the latest path, or 10 s pass. */
static const UrlPath *wait_for(UrlQueue *queue, Seen *seen, bool (*predicate)(const UrlPath *))
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        if (seen->paths->len > 0 && predicate(g_ptr_array_index(seen->paths, seen->paths->len - 1)))
            return g_ptr_array_index(seen->paths, seen->paths->len - 1);
        url_queue_wait(queue, 0.2);
        url_queue_dispatch(queue);
    }
    return NULL;
}

static bool has_veth(const UrlPath *path)
{
    return url_path_get_status(path) == URL_PATH_STATUS_SATISFIED &&
           url_path_get_interface_count(path) == 1;
}

static bool no_veth(const UrlPath *path)
{
    return url_path_get_status(path) != URL_PATH_STATUS_SATISFIED;
}

static void run(const char *command)
{
    g_assert_cmpint(system(command), ==, 0);
}

static void test_monitor_sees_veth(void)
{
    if (!in_own_netns) {
        if (g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error("the path monitor test needs root (a network namespace), and CI=true");
        g_test_skip("needs root: the test makes a network namespace of its own");
        return;
    }
    UrlSessionConfiguration *configuration = url_session_configuration_new_default();
    url_session_configuration_set_interface_type(configuration, "pm-wifi", URL_INTERFACE_TYPE_WIFI);
    UrlPathMonitor *monitor = url_path_monitor_new(configuration);
    url_session_configuration_unref(configuration);
    UrlQueue *queue = url_queue_new_manual();
    Seen seen = {g_ptr_array_new_with_free_func((GDestroyNotify)url_path_unref)};
    g_assert_null(url_path_monitor_copy_current_path(monitor));
    url_path_monitor_start(monitor, queue, on_update, &seen);

    /* A fresh namespace has only lo, down. */
    const UrlPath *first = wait_for(queue, &seen, no_veth);
    g_assert_nonnull(first);
    g_assert_cmpint(url_path_get_status(first), ==, URL_PATH_STATUS_UNSATISFIED);

    run("ip link add pm-wifi type veth peer name pm-peer && "
        "ip addr add 192.0.2.1/24 dev pm-wifi && ip link set pm-peer up && "
        "ip link set pm-wifi up && ip route add default via 192.0.2.2 dev pm-wifi");
    const UrlPath *up = wait_for(queue, &seen, has_veth);
    g_assert_nonnull(up);
    UrlInterfaceType type = URL_INTERFACE_TYPE_OTHER;
    g_assert_cmpstr(url_path_get_interface(up, 0, &type), ==, "pm-wifi");
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_WIFI); /* the configuration's override */
    g_assert_true(url_path_has_ipv4(up));
    g_assert_false(url_path_is_expensive(up));
    UrlPath *current = url_path_monitor_copy_current_path(monitor);
    g_assert_cmpstr(url_path_get_interface(current, 0, NULL), ==, "pm-wifi");
    url_path_unref(current);

    guint before = seen.paths->len;
    run("ip link del pm-wifi");
    g_assert_nonnull(wait_for(queue, &seen, no_veth));
    /* One change, one callback: the burst of rtnetlink messages settles into one path. */
    g_assert_cmpuint(seen.paths->len, ==, before + 1);

    url_path_monitor_cancel(monitor);
    run("ip link add pm-wifi type veth peer name pm-peer && ip addr add 192.0.2.1/24 dev "
        "pm-wifi && ip link set pm-peer up && ip link set pm-wifi up");
    guint after_cancel = seen.paths->len;
    g_usleep(300 * 1000);
    url_queue_dispatch(queue);
    g_assert_cmpuint(seen.paths->len, ==, after_cancel);
    run("ip link del pm-wifi");

    url_path_monitor_unref(monitor);
    url_queue_unref(queue);
    g_ptr_array_unref(seen.paths);
}

int main(int argc, char **argv)
{
    /* Before any thread exists: the library's network thread inherits the namespace. */
    in_own_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/path/path/ranking_and_policy", test_path_ranking_and_policy);
    g_test_add_func("/path/link_state/pref64_option", test_pref64_option);
    g_test_add_func("/path/monitor/sees_veth", test_monitor_sees_veth);
    return g_test_run();
}
