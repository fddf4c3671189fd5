/* test_credential.c — lib/session/credential.c: protection spaces, credentials, and the
 * in-memory credential storage, including from several threads. */
#include <glib.h>

#include "session/credential.h"

static void test_space_and_credential(void)
{
    UrlProtectionSpace *space = url_protection_space_new("Example.org", 443, "HTTPS", "realm",
                                                         URL_AUTH_METHOD_HTTP_DIGEST, false);
    g_assert_cmpstr(url_protection_space_get_host(space), ==, "Example.org");
    g_assert_cmpint(url_protection_space_get_port(space), ==, 443);
    g_assert_cmpstr(url_protection_space_get_protocol(space), ==, "https");
    g_assert_cmpstr(url_protection_space_get_realm(space), ==, "realm");
    g_assert_cmpint(url_protection_space_get_authentication_method(space), ==,
                    URL_AUTH_METHOD_HTTP_DIGEST);
    g_assert_false(url_protection_space_is_proxy(space));
    UrlCredential *credential =
        url_credential_new_with_user("alice", "s3cret", URL_CREDENTIAL_PERSISTENCE_FOR_SESSION);
    g_assert_cmpstr(url_credential_get_user(credential), ==, "alice");
    g_assert_cmpstr(url_credential_get_password(credential), ==, "s3cret");
    g_assert_cmpint(url_credential_get_persistence(credential), ==,
                    URL_CREDENTIAL_PERSISTENCE_FOR_SESSION);
    url_credential_unref(credential);
    url_protection_space_unref(space);
}

static void test_storage(void)
{
    UrlCredentialStorage *storage = url_credential_storage_new();
    UrlProtectionSpace *a = url_protection_space_new("example.org", 443, "https", "r",
                                                     URL_AUTH_METHOD_HTTP_BASIC, false);
    UrlProtectionSpace *same = url_protection_space_new("EXAMPLE.ORG", 443, "https", "r",
                                                        URL_AUTH_METHOD_HTTP_BASIC, false);
    /* Each field tells spaces apart. */
    UrlProtectionSpace *others[] = {
        url_protection_space_new("example.org", 8443, "https", "r", URL_AUTH_METHOD_HTTP_BASIC,
                                 false),
        url_protection_space_new("example.org", 443, "http", "r", URL_AUTH_METHOD_HTTP_BASIC,
                                 false),
        url_protection_space_new("example.org", 443, "https", "R", URL_AUTH_METHOD_HTTP_BASIC,
                                 false),
        url_protection_space_new("example.org", 443, "https", NULL, URL_AUTH_METHOD_HTTP_BASIC,
                                 false),
        url_protection_space_new("example.org", 443, "https", "r", URL_AUTH_METHOD_HTTP_DIGEST,
                                 false),
        url_protection_space_new("example.org", 443, "https", "r", URL_AUTH_METHOD_HTTP_BASIC,
                                 true),
        url_protection_space_new("www.example.org", 443, "https", "r", URL_AUTH_METHOD_HTTP_BASIC,
                                 false),
    };
    UrlCredential *first =
        url_credential_new_with_user("u1", "p1", URL_CREDENTIAL_PERSISTENCE_PERMANENT);
    UrlCredential *second =
        url_credential_new_with_user("u2", "p2", URL_CREDENTIAL_PERSISTENCE_PERMANENT);
    g_assert_null(url_credential_storage_copy_credential(storage, a));
    url_credential_storage_set_credential(storage, first, a);
    UrlCredential *found = url_credential_storage_copy_credential(storage, same);
    g_assert_true(found == first);
    url_credential_unref(found);
    for (size_t i = 0; i < G_N_ELEMENTS(others); i++)
        g_assert_null(url_credential_storage_copy_credential(storage, others[i]));
    url_credential_storage_set_credential(storage, second, same); /* replaces */
    g_assert_cmpuint(url_credential_storage_get_count(storage), ==, 1);
    found = url_credential_storage_copy_credential(storage, a);
    g_assert_true(found == second);
    url_credential_unref(found);
    g_assert_false(url_credential_storage_remove_credential(storage, others[0]));
    g_assert_true(url_credential_storage_remove_credential(storage, a));
    g_assert_false(url_credential_storage_remove_credential(storage, a));
    g_assert_cmpuint(url_credential_storage_get_count(storage), ==, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(others); i++)
        url_protection_space_unref(others[i]);
    url_protection_space_unref(a);
    url_protection_space_unref(same);
    url_credential_unref(first);
    url_credential_unref(second);
    url_credential_storage_unref(storage);
    g_assert_true(url_credential_storage_shared() == url_credential_storage_shared());
}

static gpointer hammer(gpointer data)
{
    UrlCredentialStorage *storage = data;
    for (int i = 0; i < 2000; i++) {
        g_autofree char *host = g_strdup_printf("h%d.example", i % 17);
        UrlProtectionSpace *space =
            url_protection_space_new(host, 80, "http", NULL, URL_AUTH_METHOD_HTTP_BASIC, false);
        UrlCredential *credential =
            url_credential_new_with_user("u", "p", URL_CREDENTIAL_PERSISTENCE_PERMANENT);
        url_credential_storage_set_credential(storage, credential, space);
        url_credential_unref(url_credential_storage_copy_credential(storage, space));
        if (i % 3 == 0)
            url_credential_storage_remove_credential(storage, space);
        url_credential_unref(credential);
        url_protection_space_unref(space);
    }
    return NULL;
}

static void test_storage_threads(void)
{
    UrlCredentialStorage *storage = url_credential_storage_new();
    GThread *threads[4];
    for (size_t i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("hammer", hammer, storage);
    for (size_t i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
    g_assert_cmpuint(url_credential_storage_get_count(storage), <=, 17);
    url_credential_storage_unref(storage);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/credential/space-and-credential", test_space_and_credential);
    g_test_add_func("/credential/storage", test_storage);
    g_test_add_func("/credential/storage-threads", test_storage_threads);
    return g_test_run();
}
