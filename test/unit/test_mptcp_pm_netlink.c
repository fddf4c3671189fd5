/* test_mptcp_pm_netlink.c — the kernel path manager's endpoints driven over generic
 * netlink in a network namespace of the test's own (needs root: skips otherwise, except
 * under CI=true), checked against what "ip mptcp endpoint" shows. */

#include <linux/mptcp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <unistd.h>

#include <glib.h>

#include "mptcp/mptcp_compat.h"
#include "mptcp/pm_netlink.h"

static bool in_own_netns;

static char *endpoints_text(void)
{
    char *out = NULL;
    g_assert_true(g_spawn_command_line_sync("ip mptcp endpoint show", &out, NULL, NULL, NULL));
    return out;
}

static void test_endpoints(void)
{
    if (!in_own_netns) {
        if (g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error("the path manager test needs root (a network namespace), and CI=true");
        g_test_skip("needs root: the test makes a network namespace of its own");
        return;
    }
    g_assert_cmpint(
        system("ip link add pmt0 type veth peer name pmt1 && ip addr add 192.0.2.7/24 dev pmt0 "
               "&& ip link set pmt0 up"),
        ==, 0);
    UrlPmAddress endpoint;
    g_assert_true(url__pm_address_parse(&endpoint, "192.0.2.7", 0));
    endpoint.id = 42;
    endpoint.flags = MPTCP_PM_ADDR_FLAG_SUBFLOW | MPTCP_PM_ADDR_FLAG_BACKUP;
    endpoint.ifindex = (int)if_nametoindex("pmt0");
    g_assert_cmpint(url__pm_endpoint_add(&endpoint), ==, 0);
    char *text = endpoints_text();
    g_assert_nonnull(strstr(text, "192.0.2.7 id 42 subflow backup dev pmt0"));
    g_free(text);

    GArray *list = g_array_new(FALSE, FALSE, sizeof(UrlPmAddress));
    g_assert_cmpint(url__pm_endpoints(list), ==, 0);
    g_assert_cmpuint(list->len, ==, 1);
    const UrlPmAddress *read = &g_array_index(list, UrlPmAddress, 0);
    g_assert_cmpint(read->id, ==, 42);
    g_assert_cmpint(read->family, ==, AF_INET);
    g_assert_cmpint(memcmp(&read->address.v4, &endpoint.address.v4, 4), ==, 0);
    g_assert_true(read->flags & MPTCP_PM_ADDR_FLAG_BACKUP);
    g_array_free(list, TRUE);

    g_assert_cmpint(url__pm_endpoint_set_backup(42, false), ==, 0);
    text = endpoints_text();
    g_assert_nonnull(strstr(text, "id 42 subflow dev pmt0"));
    g_free(text);
    /* The same address again is refused; a missing id cannot be deleted. */
    g_assert_cmpint(url__pm_endpoint_add(&endpoint), <, 0);
    g_assert_cmpint(url__pm_endpoint_delete(42), ==, 0);
    g_assert_cmpint(url__pm_endpoint_delete(42), <, 0);
    text = endpoints_text();
    g_assert_null(strstr(text, "192.0.2.7"));
    g_free(text);
}

static void test_subflow_create_needs_a_connection(void)
{
    if (!in_own_netns) {
        g_test_skip("needs root: the test makes a network namespace of its own");
        return;
    }
    UrlPmAddress local, remote;
    url__pm_address_parse(&local, "192.0.2.7", 0);
    url__pm_address_parse(&remote, "192.0.2.8", 80);
    local.id = 3;
    /* No connection has this token: the kernel says so, nothing crashes or hangs. */
    g_assert_cmpint(url__pm_subflow_create(0x12345678, &local, &remote), <, 0);
    g_assert_cmpint(url__pm_subflow_set_backup(0x12345678, &local, &remote, true), <, 0);
}

int main(int argc, char **argv)
{
    in_own_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mptcp/pm_netlink/endpoints", test_endpoints);
    g_test_add_func("/mptcp/pm_netlink/subflow_without_connection",
                    test_subflow_create_needs_a_connection);
    return g_test_run();
}
