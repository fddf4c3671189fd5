/* test_auth_header.c — lib/http/auth_header.c: picking the challenge to answer from
 * WWW-Authenticate / Proxy-Authenticate values. */
#include <glib.h>

#include "http/auth_header.h"

typedef struct {
    const char *value;
    bool found;
    UrlAuthenticationMethod method;
    const char *realm;
} Case;

static void test_pick(void)
{
    const Case cases[] = {
        {"Basic realm=\"WallyWorld\"", true, URL_AUTH_METHOD_HTTP_BASIC, "WallyWorld"},
        {"basic REALM=plain", true, URL_AUTH_METHOD_HTTP_BASIC, "plain"},
        {"Basic", true, URL_AUTH_METHOD_HTTP_BASIC, NULL},
        {"Basic realm=\"a \\\"quoted\\\" realm\", charset=\"UTF-8\"", true,
         URL_AUTH_METHOD_HTTP_BASIC, "a \"quoted\" realm"},
        {"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
         "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0\"",
         true, URL_AUTH_METHOD_HTTP_DIGEST, "http-auth@example.org"},
        /* Digest is preferred whichever comes first. */
        {"Basic realm=\"b\", Digest realm=\"d\", nonce=\"n\"", true, URL_AUTH_METHOD_HTTP_DIGEST,
         "d"},
        {"Digest realm=\"d\", nonce=\"n\", Basic realm=\"b\"", true, URL_AUTH_METHOD_HTTP_DIGEST,
         "d"},
        /* Schemes the library does not answer are skipped with their parameters. */
        {"Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
         true, URL_AUTH_METHOD_HTTP_BASIC, "simple"},
        {"Bearer realm=\"example\", error=\"invalid_token\"", false, 0, NULL},
        {"Negotiate abc123==", false, 0, NULL},
        {"Negotiate abc123==, Basic realm=\"x\"", true, URL_AUTH_METHOD_HTTP_BASIC, "x"},
        {"", false, 0, NULL},
        {",,, ,", false, 0, NULL},
        {"=,\"unterminated", false, 0, NULL},
        {"Basic realm=\"unterminated", true, URL_AUTH_METHOD_HTTP_BASIC, "unterminated"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        UrlAuthenticationMethod method = 0;
        char *realm = NULL;
        bool found = url__auth_header_pick(cases[i].value, &method, &realm);
        if (found != cases[i].found)
            g_error("\"%s\": found=%d, expected %d", cases[i].value, found, cases[i].found);
        if (found) {
            g_assert_cmpint(method, ==, cases[i].method);
            g_assert_cmpstr(realm, ==, cases[i].realm);
        }
        g_free(realm);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/auth-header/pick", test_pick);
    return g_test_run();
}
