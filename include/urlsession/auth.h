/* auth.h — authentication challenges: protection spaces, credentials, credential
 * storage, and the handler a delegate answers a challenge with. */
#ifndef URLSESSION_AUTH_H
#define URLSESSION_AUTH_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * UrlAuthenticationMethod:
 * @URL_AUTH_METHOD_HTTP_BASIC: HTTP Basic (RFC 7617).
 * @URL_AUTH_METHOD_HTTP_DIGEST: HTTP Digest (RFC 7616).
 * @URL_AUTH_METHOD_SERVER_TRUST: the server's certificate chain, to be judged by the
 *   delegate (pinning, or accepting a chain no trusted CA signed).
 *
 * Client certificates are not challenged in this version.
 */
typedef enum {
    URL_AUTH_METHOD_HTTP_BASIC = 1,
    URL_AUTH_METHOD_HTTP_DIGEST = 2,
    URL_AUTH_METHOD_SERVER_TRUST = 3,
} UrlAuthenticationMethod;

/**
 * UrlCredentialPersistence:
 * @URL_CREDENTIAL_PERSISTENCE_NONE: used for the one request, never stored.
 * @URL_CREDENTIAL_PERSISTENCE_FOR_SESSION: stored for the session that used it, until
 *   the session is freed.
 * @URL_CREDENTIAL_PERSISTENCE_PERMANENT: stored in the configuration's
 *   UrlCredentialStorage, in memory for the life of the storage (Linux has no keychain
 *   the library could rely on: nothing is written to disk).
 */
typedef enum {
    URL_CREDENTIAL_PERSISTENCE_NONE = 0,
    URL_CREDENTIAL_PERSISTENCE_FOR_SESSION = 1,
    URL_CREDENTIAL_PERSISTENCE_PERMANENT = 2,
} UrlCredentialPersistence;

/**
 * UrlAuthChallengeDisposition:
 * @URL_AUTH_CHALLENGE_USE_CREDENTIAL: answer with the credential given to the handler.
 * @URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING: as if the delegate had no challenge
 *   callback: a stored credential not yet tried is used, otherwise the challenge response
 *   (a 401 or 407) completes the task normally.
 * @URL_AUTH_CHALLENGE_CANCEL: the task fails with URL_ERROR_USER_CANCELLED_AUTHENTICATION.
 * @URL_AUTH_CHALLENGE_REJECT_PROTECTION_SPACE: this protection space is refused; HTTP
 *   offers no other, so the challenge response completes the task as with default
 *   handling, without a stored credential.
 */
typedef enum {
    URL_AUTH_CHALLENGE_USE_CREDENTIAL = 0,
    URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING = 1,
    URL_AUTH_CHALLENGE_CANCEL = 2,
    URL_AUTH_CHALLENGE_REJECT_PROTECTION_SPACE = 3,
} UrlAuthChallengeDisposition;

/**
 * url_protection_space_new:
 * @host: the host, as in the URL (an IPv6 literal without brackets); copied
 * @port: the port (the scheme's default when the URL has none)
 * @protocol: "http" or "https"; copied
 * @realm: (nullable): the realm the server named; copied
 * @method: the authentication method
 * @proxy: whether the space is a proxy's (407 Proxy-Authenticate)
 *
 * A protection space: where a credential applies (RFC 9110 §11.5).
 *
 * Returns: (transfer full): a new protection space; release with url_protection_space_unref()
 * Thread: any
 */
URL_API UrlProtectionSpace *url_protection_space_new(const char *host, int port,
                                                     const char *protocol, const char *realm,
                                                     UrlAuthenticationMethod method, bool proxy);
/** url_protection_space_ref: Returns: (transfer full) @space. Thread: any */
URL_API UrlProtectionSpace *url_protection_space_ref(UrlProtectionSpace *space);
/** url_protection_space_unref: releases a reference. Thread: any */
URL_API void url_protection_space_unref(UrlProtectionSpace *space);
/** Returns: (transfer none): the host; valid while @space lives. Thread: any */
URL_API const char *url_protection_space_get_host(const UrlProtectionSpace *space);
/** Returns: the port. Thread: any */
URL_API int url_protection_space_get_port(const UrlProtectionSpace *space);
/** Returns: (transfer none): "http" or "https"; valid while @space lives. Thread: any */
URL_API const char *url_protection_space_get_protocol(const UrlProtectionSpace *space);
/** Returns: (transfer none) (nullable): the realm; valid while @space lives. Thread: any */
URL_API const char *url_protection_space_get_realm(const UrlProtectionSpace *space);
/** Returns: the authentication method. Thread: any */
URL_API UrlAuthenticationMethod
url_protection_space_get_authentication_method(const UrlProtectionSpace *space);
/** Returns: whether the space is a proxy's. Thread: any */
URL_API bool url_protection_space_is_proxy(const UrlProtectionSpace *space);

/**
 * url_credential_new_with_user:
 * @user: the user name; copied
 * @password: the password; copied
 * @persistence: how long the credential is kept once it worked
 *
 * Returns: (transfer full): a new credential; release with url_credential_unref()
 * Thread: any
 */
URL_API UrlCredential *url_credential_new_with_user(const char *user, const char *password,
                                                    UrlCredentialPersistence persistence);
/**
 * url_credential_new_for_trust:
 * @challenge: a URL_AUTH_METHOD_SERVER_TRUST challenge
 *
 * A credential that accepts the certificate chain of @challenge. Answered with
 * URL_AUTH_CHALLENGE_USE_CREDENTIAL, connections of the session to that host and port
 * proceed with exactly that leaf's public key pinned, even when no trusted CA signed it
 * or its names do not match; any other key is refused.
 *
 * Returns: (transfer full) (nullable): a new credential (persistence for-session); NULL
 *   when @challenge is not a server-trust challenge
 * Thread: any
 */
URL_API UrlCredential *url_credential_new_for_trust(const UrlAuthenticationChallenge *challenge);
/** url_credential_ref: Returns: (transfer full) @credential. Thread: any */
URL_API UrlCredential *url_credential_ref(UrlCredential *credential);
/** url_credential_unref: releases a reference. Thread: any */
URL_API void url_credential_unref(UrlCredential *credential);
/** Returns: (transfer none) (nullable): the user, NULL for a trust credential. Thread: any */
URL_API const char *url_credential_get_user(const UrlCredential *credential);
/** Returns: (transfer none) (nullable): the password, NULL for a trust credential. Thread: any */
URL_API const char *url_credential_get_password(const UrlCredential *credential);
/** Returns: the credential's persistence. Thread: any */
URL_API UrlCredentialPersistence url_credential_get_persistence(const UrlCredential *credential);

/**
 * url_credential_storage_new:
 *
 * An empty credential storage, in memory. Sessions use the storage of their
 * configuration (url_session_configuration_set_credential_storage()).
 *
 * Returns: (transfer full): release with url_credential_storage_unref()
 * Thread: any
 */
URL_API UrlCredentialStorage *url_credential_storage_new(void);
/**
 * url_credential_storage_shared:
 *
 * The process-wide storage every default configuration starts with (ephemeral
 * configurations get a storage of their own).
 *
 * Returns: (transfer none): the shared storage, which lives until the process exits
 * Thread: any
 */
URL_API UrlCredentialStorage *url_credential_storage_shared(void);
/** url_credential_storage_ref: Returns: (transfer full) @storage. Thread: any */
URL_API UrlCredentialStorage *url_credential_storage_ref(UrlCredentialStorage *storage);
/** url_credential_storage_unref: releases a reference. Thread: any */
URL_API void url_credential_storage_unref(UrlCredentialStorage *storage);
/**
 * url_credential_storage_set_credential:
 * @credential: (transfer none): a user credential; the storage keeps a reference
 * @space: (transfer none): where it applies
 *
 * Stores @credential for @space, replacing any other. Requests challenged in @space use
 * it without asking when the delegate has no challenge callback, and the delegate's
 * challenge offers it as the proposed credential.
 * Thread: any
 */
URL_API void url_credential_storage_set_credential(UrlCredentialStorage *storage,
                                                   UrlCredential *credential,
                                                   const UrlProtectionSpace *space);
/**
 * url_credential_storage_copy_credential:
 * Returns: (transfer full) (nullable): the credential stored for @space; release with
 *   url_credential_unref()
 * Thread: any
 */
URL_API UrlCredential *url_credential_storage_copy_credential(UrlCredentialStorage *storage,
                                                              const UrlProtectionSpace *space);
/**
 * url_credential_storage_remove_credential:
 * Returns: whether a credential was stored for @space (and is now removed)
 * Thread: any
 */
URL_API bool url_credential_storage_remove_credential(UrlCredentialStorage *storage,
                                                      const UrlProtectionSpace *space);
/** Returns: how many credentials @storage holds. Thread: any */
URL_API size_t url_credential_storage_get_count(UrlCredentialStorage *storage);

/**
 * url_authentication_challenge_get_protection_space:
 * Returns: (transfer none): where the challenge comes from; valid while @challenge lives
 * Thread: any
 */
URL_API const UrlProtectionSpace *
url_authentication_challenge_get_protection_space(const UrlAuthenticationChallenge *challenge);
/**
 * url_authentication_challenge_get_previous_failure_count:
 * Returns: how many credentials already failed in this protection space for this task
 *   (0 the first time; a wrong password asks again with 1, and so on)
 * Thread: any
 */
URL_API int url_authentication_challenge_get_previous_failure_count(
    const UrlAuthenticationChallenge *challenge);
/**
 * url_authentication_challenge_get_proposed_credential:
 * Returns: (transfer none) (nullable): the stored credential for the space, or the one
 *   that just failed; valid while @challenge lives
 * Thread: any
 */
URL_API UrlCredential *
url_authentication_challenge_get_proposed_credential(const UrlAuthenticationChallenge *challenge);
/**
 * url_authentication_challenge_get_failure_response:
 * Returns: (transfer none) (nullable): the 401 or 407 response that challenged; NULL for
 *   a proxy's 407 to CONNECT (libcurl keeps that head) and for server trust; valid while
 *   @challenge lives
 * Thread: any
 */
URL_API const UrlResponse *
url_authentication_challenge_get_failure_response(const UrlAuthenticationChallenge *challenge);
/**
 * url_authentication_challenge_get_server_certificate_count:
 * Returns: the number of certificates of a server-trust challenge's chain (the leaf, then
 *   the intermediates and, when the chain verified, the root); 0 for other challenges
 * Thread: any
 */
URL_API size_t url_authentication_challenge_get_server_certificate_count(
    const UrlAuthenticationChallenge *challenge);
/**
 * url_authentication_challenge_get_server_certificate_der:
 * @index: 0 (the leaf) .. count - 1
 * @length: (out): the certificate's length in bytes
 * Returns: (transfer none) (nullable): the certificate in DER; NULL past the end; valid
 *   while @challenge lives
 * Thread: any
 */
URL_API const void *
url_authentication_challenge_get_server_certificate_der(const UrlAuthenticationChallenge *challenge,
                                                        size_t index, size_t *length);
/**
 * url_authentication_challenge_get_server_public_key_sha256:
 * Returns: (transfer none) (nullable): the base64 sha256 of the leaf's
 *   SubjectPublicKeyInfo, the HPKP pin format (what `openssl x509 -pubkey | openssl pkey
 *   -pubin -outform der | openssl dgst -sha256 -binary | base64` prints); NULL for other
 *   challenges; valid while @challenge lives
 * Thread: any
 */
URL_API const char *url_authentication_challenge_get_server_public_key_sha256(
    const UrlAuthenticationChallenge *challenge);
/** url_authentication_challenge_ref: Returns: (transfer full) @challenge. Thread: any */
URL_API UrlAuthenticationChallenge *
url_authentication_challenge_ref(UrlAuthenticationChallenge *challenge);
/** url_authentication_challenge_unref: releases a reference. Thread: any */
URL_API void url_authentication_challenge_unref(UrlAuthenticationChallenge *challenge);

/**
 * url_auth_challenge_handler_complete:
 * @credential: (transfer none) (nullable): with URL_AUTH_CHALLENGE_USE_CREDENTIAL, the
 *   credential to answer with (the handler keeps a reference); ignored otherwise.
 *   USE_CREDENTIAL without one is default handling.
 *
 * Default (no answer): URL_AUTH_CHALLENGE_PERFORM_DEFAULT_HANDLING.
 * Thread: any
 */
URL_API void url_auth_challenge_handler_complete(UrlAuthChallengeHandler *handler,
                                                 UrlAuthChallengeDisposition disposition,
                                                 UrlCredential *credential);
/** url_auth_challenge_handler_ref: Returns: (transfer full) @handler. Thread: any */
URL_API UrlAuthChallengeHandler *url_auth_challenge_handler_ref(UrlAuthChallengeHandler *handler);
/** url_auth_challenge_handler_unref: without an answer, the last unref performs default
 * handling. Thread: any */
URL_API void url_auth_challenge_handler_unref(UrlAuthChallengeHandler *handler);

#ifdef __cplusplus
}
#endif

#endif
