/* auth_header.h — the challenges of a WWW-Authenticate or Proxy-Authenticate field
 * (RFC 9110 §11.6.1): which scheme to answer and the realm it names. */
#ifndef URL_HTTP_AUTH_HEADER_H
#define URL_HTTP_AUTH_HEADER_H

#include <stdbool.h>

#include <urlsession/auth.h>

/* Picks from @value (every field line of the header, comma-joined) the challenge the
 * library can answer: Digest (MD5, SHA-256) before Basic. Returns false when it offers
 * neither (Bearer, Negotiate, garbage); else the method and the challenge's realm
 * (unquoted, g_free() it; NULL when it names none). */
bool url__auth_header_pick(const char *value, UrlAuthenticationMethod *method, char **realm);

#endif
