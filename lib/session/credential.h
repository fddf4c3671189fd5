/* credential.h — the layouts behind UrlProtectionSpace, UrlCredential and
 * UrlCredentialStorage, for the challenge code (task_auth.c). */
#ifndef URL_SESSION_CREDENTIAL_H
#define URL_SESSION_CREDENTIAL_H

#include <urlsession/auth.h>

struct UrlProtectionSpace {
    int ref_count; /* atomic */
    char *host;
    int port;
    char *protocol;
    char *realm; /* NULL: none named */
    UrlAuthenticationMethod method;
    bool proxy;
};

struct UrlCredential {
    int ref_count;  /* atomic */
    char *user;     /* NULL for a trust credential */
    char *password; /* NULL for a trust credential */
    UrlCredentialPersistence persistence;
    char *trust_pin; /* trust credential: base64 sha256 of the accepted leaf's SPKI */
};

/* Whether two spaces are the same (host case-insensitively, realm exactly). */
bool url__protection_space_equal(const UrlProtectionSpace *a, const UrlProtectionSpace *b);

#endif
