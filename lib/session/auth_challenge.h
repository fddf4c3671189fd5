/* auth_challenge.h — the layout of UrlAuthenticationChallenge. */
#ifndef URL_SESSION_AUTH_CHALLENGE_H
#define URL_SESSION_AUTH_CHALLENGE_H

#include <glib.h>
#include <urlsession/auth.h>
#include <urlsession/response.h>

struct UrlAuthenticationChallenge {
    int ref_count; /* atomic */
    UrlProtectionSpace *space;
    int previous_failure_count;
    UrlCredential *proposed; /* nullable */
    UrlResponse *failure;    /* nullable */
    GPtrArray *certificates; /* server trust: GBytes (DER), leaf first; else NULL */
    char *public_key_sha256; /* server trust: the leaf's pin */
};

/* Takes references to what it is given. */
UrlAuthenticationChallenge *url__authentication_challenge_new(UrlProtectionSpace *space,
                                                              int previous_failure_count,
                                                              UrlCredential *proposed,
                                                              UrlResponse *failure);

/* Makes @challenge a server-trust one: takes a reference to @certificates, copies @pin. */
void url__authentication_challenge_set_server_trust(UrlAuthenticationChallenge *challenge,
                                                    GPtrArray *certificates, const char *pin);

#endif
