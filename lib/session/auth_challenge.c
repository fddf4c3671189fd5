/* auth_challenge.c — UrlAuthenticationChallenge: what a delegate is asked to answer. */
#include "auth_challenge.h"

#include <glib.h>

UrlAuthenticationChallenge *url__authentication_challenge_new(UrlProtectionSpace *space,
                                                              int previous_failure_count,
                                                              UrlCredential *proposed,
                                                              UrlResponse *failure)
{
    UrlAuthenticationChallenge *challenge = g_new0(UrlAuthenticationChallenge, 1);
    challenge->ref_count = 1;
    challenge->space = url_protection_space_ref(space);
    challenge->previous_failure_count = previous_failure_count;
    challenge->proposed = proposed ? url_credential_ref(proposed) : NULL;
    challenge->failure = failure ? url_response_ref(failure) : NULL;
    return challenge;
}

UrlAuthenticationChallenge *url_authentication_challenge_ref(UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, NULL);
    g_atomic_int_inc(&challenge->ref_count);
    return challenge;
}

void url_authentication_challenge_unref(UrlAuthenticationChallenge *challenge)
{
    if (challenge == NULL || !g_atomic_int_dec_and_test(&challenge->ref_count))
        return;
    url_protection_space_unref(challenge->space);
    url_credential_unref(challenge->proposed);
    url_response_unref(challenge->failure);
    if (challenge->certificates)
        g_ptr_array_unref(challenge->certificates);
    g_free(challenge->public_key_sha256);
    g_free(challenge);
}

const UrlProtectionSpace *
url_authentication_challenge_get_protection_space(const UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, NULL);
    return challenge->space;
}

int url_authentication_challenge_get_previous_failure_count(
    const UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, 0);
    return challenge->previous_failure_count;
}

UrlCredential *
url_authentication_challenge_get_proposed_credential(const UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, NULL);
    return challenge->proposed;
}

const UrlResponse *
url_authentication_challenge_get_failure_response(const UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, NULL);
    return challenge->failure;
}

void url__authentication_challenge_set_server_trust(UrlAuthenticationChallenge *challenge,
                                                    GPtrArray *certificates, const char *pin)
{
    challenge->certificates = certificates ? g_ptr_array_ref(certificates) : NULL;
    challenge->public_key_sha256 = g_strdup(pin);
}

size_t url_authentication_challenge_get_server_certificate_count(
    const UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, 0);
    return challenge->certificates ? challenge->certificates->len : 0;
}

const void *
url_authentication_challenge_get_server_certificate_der(const UrlAuthenticationChallenge *challenge,
                                                        size_t index, size_t *length)
{
    g_return_val_if_fail(challenge != NULL && length != NULL, NULL);
    *length = 0;
    if (challenge->certificates == NULL || index >= challenge->certificates->len)
        return NULL;
    gsize size = 0;
    const void *data = g_bytes_get_data(g_ptr_array_index(challenge->certificates, index), &size);
    *length = size;
    return data;
}

const char *url_authentication_challenge_get_server_public_key_sha256(
    const UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, NULL);
    return challenge->public_key_sha256;
}
