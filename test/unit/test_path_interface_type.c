/* test_path_interface_type.c — interface types from a fake sysfs tree, and overrides from
 * the configuration and URLSESSION_INTERFACE_TYPES. */
#include <glib/gstdio.h>
#include <urlsession/urlsession.h>

#include "path/interface_type.h"
#include "session/configuration.h"

static char *fake_sysfs(void)
{
    char *root = g_dir_make_tmp("sysfs-XXXXXX", NULL);
    g_assert_nonnull(root);
    static const char *const files[][2] = {
        {"wlan0/wireless/.keep", ""},
        {"wlp2s0/phy80211", ""},
        {"wwan0/uevent", "DEVTYPE=wwan\nINTERFACE=wwan0\n"},
        {"eth0/type", "1\n"},
        {"eth0/uevent", "INTERFACE=eth0\n"},
        {"lo/type", "772\n"},
        {"tun0/type", "65534\n"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *path = g_build_filename(root, files[i][0], NULL);
        char *dir = g_path_get_dirname(path);
        g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
        g_assert_true(g_file_set_contents(path, files[i][1], -1, NULL));
        g_free(dir);
        g_free(path);
    }
    return root;
}

static void test_detect(void)
{
    char *root = fake_sysfs();
    g_assert_cmpint(url__interface_type_detect(root, "wlan0"), ==, URL_INTERFACE_TYPE_WIFI);
    g_assert_cmpint(url__interface_type_detect(root, "wlp2s0"), ==, URL_INTERFACE_TYPE_WIFI);
    g_assert_cmpint(url__interface_type_detect(root, "wwan0"), ==, URL_INTERFACE_TYPE_CELLULAR);
    g_assert_cmpint(url__interface_type_detect(root, "eth0"), ==, URL_INTERFACE_TYPE_WIRED);
    g_assert_cmpint(url__interface_type_detect(root, "lo"), ==, URL_INTERFACE_TYPE_LOOPBACK);
    g_assert_cmpint(url__interface_type_detect(root, "tun0"), ==, URL_INTERFACE_TYPE_OTHER);
    g_assert_cmpint(url__interface_type_detect(root, "missing"), ==, URL_INTERFACE_TYPE_OTHER);
    g_assert_cmpint(url__interface_type_detect(root, "../etc"), ==, URL_INTERFACE_TYPE_OTHER);
    char *command = g_strdup_printf("rm -rf '%s'", root);
    g_assert_cmpint(system(command), ==, 0);
    g_free(command);
    g_free(root);
}

static void test_names(void)
{
    UrlInterfaceType type = URL_INTERFACE_TYPE_LOOPBACK;
    g_assert_true(url_interface_type_from_string("Cellular", &type));
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_CELLULAR);
    g_assert_true(url_interface_type_from_string("ethernet", &type));
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_WIRED);
    g_assert_false(url_interface_type_from_string("satellite", &type));
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_WIRED);
    for (int t = URL_INTERFACE_TYPE_OTHER; t <= URL_INTERFACE_TYPE_LOOPBACK; t++) {
        UrlInterfaceType back;
        g_assert_true(url_interface_type_from_string(url_interface_type_to_string(t), &back));
        g_assert_cmpint(back, ==, t);
    }
}

static void test_parse(void)
{
    GHashTable *table = url__interface_overrides_new();
    g_assert_true(url__interface_overrides_parse(
        table, " wifi0=wifi, cell0=cellular ,eth1=wired:expensive:constrained,"));
    g_assert_cmpuint(g_hash_table_size(table), ==, 3);
    const UrlInterfaceOverride *eth1 = g_hash_table_lookup(table, "eth1");
    g_assert_cmpint(eth1->type, ==, URL_INTERFACE_TYPE_WIRED);
    g_assert_true(eth1->expensive);
    g_assert_true(eth1->constrained);
    g_assert_false(url__interface_overrides_parse(table, "x=wifi,bad,y=wifi"));
    g_assert_true(g_hash_table_contains(table, "x"));
    g_assert_false(g_hash_table_contains(table, "y"));
    g_assert_false(url__interface_overrides_parse(table, "z=wifi:cheap"));
    g_assert_false(url__interface_overrides_parse(table, "=wifi"));
    g_assert_false(url__interface_overrides_parse(table, "averyveryverylongname=wifi"));
    g_hash_table_unref(table);
}

static void test_classify_order(void)
{
    char *root = fake_sysfs();
    g_setenv("URLSESSION_INTERFACE_TYPES", "eth0=cellular,wlan0=wifi:constrained", TRUE);
    UrlSessionConfiguration *configuration = url_session_configuration_new_default();
    url_session_configuration_set_interface_type(configuration, "eth0", URL_INTERFACE_TYPE_WIFI);
    UrlInterfaceType type = URL_INTERFACE_TYPE_OTHER;
    g_assert_true(url_session_configuration_get_interface_type(configuration, "eth0", &type));
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_WIFI);
    g_assert_false(url_session_configuration_get_interface_type(configuration, "wlan0", NULL));

    /* The configuration wins over the environment, which wins over sysfs. */
    UrlInterfaceOverride eth0 =
        url__interface_classify("eth0", configuration->interface_types, root);
    g_assert_cmpint(eth0.type, ==, URL_INTERFACE_TYPE_WIFI);
    g_assert_false(eth0.expensive);
    UrlInterfaceOverride from_env = url__interface_classify("eth0", NULL, root);
    g_assert_cmpint(from_env.type, ==, URL_INTERFACE_TYPE_CELLULAR);
    g_assert_true(from_env.expensive); /* cellular counts as expensive */
    UrlInterfaceOverride wlan0 = url__interface_classify("wlan0", NULL, root);
    g_assert_true(wlan0.constrained);
    UrlInterfaceOverride wwan0 = url__interface_classify("wwan0", NULL, root);
    g_assert_cmpint(wwan0.type, ==, URL_INTERFACE_TYPE_CELLULAR);
    g_assert_true(wwan0.expensive);

    /* A copy of the configuration has its own table. */
    UrlSessionConfiguration *copy = url_session_configuration_copy(configuration);
    url_session_configuration_set_interface_type(configuration, "eth0", URL_INTERFACE_TYPE_OTHER);
    g_assert_true(url_session_configuration_get_interface_type(copy, "eth0", &type));
    g_assert_cmpint(type, ==, URL_INTERFACE_TYPE_WIFI);
    url_session_configuration_unref(copy);
    url_session_configuration_unref(configuration);
    g_unsetenv("URLSESSION_INTERFACE_TYPES");
    char *command = g_strdup_printf("rm -rf '%s'", root);
    g_assert_cmpint(system(command), ==, 0);
    g_free(command);
    g_free(root);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/path/interface_type/detect", test_detect);
    g_test_add_func("/path/interface_type/names", test_names);
    g_test_add_func("/path/interface_type/parse", test_parse);
    g_test_add_func("/path/interface_type/classify_order", test_classify_order);
    return g_test_run();
}
