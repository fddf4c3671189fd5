/* auth_header.c — reading WWW-Authenticate / Proxy-Authenticate challenges:
 *   challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 * several challenges may share one field, separated by commas, so an element that is
 * not "name=value" starts a new challenge. Only the scheme and the realm are needed:
 * libcurl builds the answer. */
#include "auth_header.h"

#include <string.h>

#include <glib.h>

static bool is_token_char(char c)
{
    return g_ascii_isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Reads a quoted-string at @p (after the opening quote), unescaping; returns the end. */
static const char *read_quoted(const char *p, GString *out)
{
    while (*p && *p != '"') {
        if (*p == '\\' && p[1])
            p++;
        g_string_append_c(out, *p++);
    }
    return *p == '"' ? p + 1 : p;
}

typedef struct {
    UrlAuthenticationMethod method;
    bool found;
    char *realm;
} Pick;

static int rank(UrlAuthenticationMethod method)
{
    return method == URL_AUTH_METHOD_HTTP_DIGEST ? 2 : 1;
}

bool url__auth_header_pick(const char *value, UrlAuthenticationMethod *method, char **realm)
{
    Pick best = {0};
    bool current_known = false; /* the challenge being read is Basic or Digest */
    UrlAuthenticationMethod current = URL_AUTH_METHOD_HTTP_BASIC;
    char *current_realm = NULL;
    const char *p = value ? value : "";
    for (;;) {
        p = skip_space(p);
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        const char *start = p;
        while (is_token_char(*p))
            p++;
        if (p == start) { /* not a token: skip to the next element */
            while (*p && *p != ',')
                p++;
            continue;
        }
        g_autofree char *name = g_strndup(start, (gsize)(p - start));
        const char *after = skip_space(p);
        if (*after == '=' && after[1] != '=' && after[1] != '\0' && current_known) {
            /* name=value of the current challenge */
            p = skip_space(after + 1);
            GString *param = g_string_new(NULL);
            if (*p == '"') {
                p = read_quoted(p + 1, param);
            } else {
                while (is_token_char(*p))
                    g_string_append_c(param, *p++);
            }
            if (g_ascii_strcasecmp(name, "realm") == 0 && current_realm == NULL)
                current_realm = g_strdup(param->str);
            g_string_free(param, TRUE);
            while (*p && *p != ',')
                p++;
            continue;
        }
        if (*after == '=') { /* a parameter of a challenge we do not answer, or token68 */
            while (*p && *p != ',')
                p++;
            continue;
        }
        /* A new challenge: close the previous one. */
        if (current_known && (!best.found || rank(current) > rank(best.method))) {
            g_free(best.realm);
            best = (Pick){.method = current, .found = true, .realm = current_realm};
            current_realm = NULL;
        }
        g_clear_pointer(&current_realm, g_free);
        current_known = true;
        if (g_ascii_strcasecmp(name, "Basic") == 0)
            current = URL_AUTH_METHOD_HTTP_BASIC;
        else if (g_ascii_strcasecmp(name, "Digest") == 0)
            current = URL_AUTH_METHOD_HTTP_DIGEST;
        else
            current_known = false;
        p = after;
        /* A token68 ("Newauth abc=="), or the first auth-param, follows the scheme
         * after a space, without a comma. */
        if (!current_known) {
            while (*p && *p != ',')
                p++;
        }
    }
    if (current_known && (!best.found || rank(current) > rank(best.method))) {
        g_free(best.realm);
        best = (Pick){.method = current, .found = true, .realm = current_realm};
        current_realm = NULL;
    }
    g_free(current_realm);
    if (!best.found)
        return false;
    *method = best.method;
    *realm = best.realm;
    return true;
}
