/* credential.c — protection spaces, credentials and the in-memory credential storage. */
#include "credential.h"

#include <string.h>

#include <glib.h>

/* ---- protection spaces ------------------------------------------------------------- */

UrlProtectionSpace *url_protection_space_new(const char *host, int port, const char *protocol,
                                             const char *realm, UrlAuthenticationMethod method,
                                             bool proxy)
{
    g_return_val_if_fail(host != NULL && protocol != NULL, NULL);
    UrlProtectionSpace *space = g_new0(UrlProtectionSpace, 1);
    space->ref_count = 1;
    space->host = g_strdup(host);
    space->port = port;
    space->protocol = g_ascii_strdown(protocol, -1);
    space->realm = g_strdup(realm);
    space->method = method;
    space->proxy = proxy;
    return space;
}

UrlProtectionSpace *url_protection_space_ref(UrlProtectionSpace *space)
{
    g_return_val_if_fail(space != NULL, NULL);
    g_atomic_int_inc(&space->ref_count);
    return space;
}

void url_protection_space_unref(UrlProtectionSpace *space)
{
    if (space == NULL || !g_atomic_int_dec_and_test(&space->ref_count))
        return;
    g_free(space->host);
    g_free(space->protocol);
    g_free(space->realm);
    g_free(space);
}

const char *url_protection_space_get_host(const UrlProtectionSpace *space)
{
    g_return_val_if_fail(space != NULL, NULL);
    return space->host;
}

int url_protection_space_get_port(const UrlProtectionSpace *space)
{
    g_return_val_if_fail(space != NULL, 0);
    return space->port;
}

const char *url_protection_space_get_protocol(const UrlProtectionSpace *space)
{
    g_return_val_if_fail(space != NULL, NULL);
    return space->protocol;
}

const char *url_protection_space_get_realm(const UrlProtectionSpace *space)
{
    g_return_val_if_fail(space != NULL, NULL);
    return space->realm;
}

UrlAuthenticationMethod
url_protection_space_get_authentication_method(const UrlProtectionSpace *space)
{
    g_return_val_if_fail(space != NULL, URL_AUTH_METHOD_HTTP_BASIC);
    return space->method;
}

bool url_protection_space_is_proxy(const UrlProtectionSpace *space)
{
    g_return_val_if_fail(space != NULL, false);
    return space->proxy;
}

bool url__protection_space_equal(const UrlProtectionSpace *a, const UrlProtectionSpace *b)
{
    return a->port == b->port && a->method == b->method && a->proxy == b->proxy &&
           g_ascii_strcasecmp(a->host, b->host) == 0 && strcmp(a->protocol, b->protocol) == 0 &&
           g_strcmp0(a->realm, b->realm) == 0;
}

/* ---- credentials ------------------------------------------------------------------- */

UrlCredential *url_credential_new_with_user(const char *user, const char *password,
                                            UrlCredentialPersistence persistence)
{
    g_return_val_if_fail(user != NULL && password != NULL, NULL);
    UrlCredential *credential = g_new0(UrlCredential, 1);
    credential->ref_count = 1;
    credential->user = g_strdup(user);
    credential->password = g_strdup(password);
    credential->persistence = persistence;
    return credential;
}

UrlCredential *url_credential_new_for_trust(const UrlAuthenticationChallenge *challenge)
{
    g_return_val_if_fail(challenge != NULL, NULL);
    const char *pin = url_authentication_challenge_get_server_public_key_sha256(challenge);
    if (pin == NULL)
        return NULL;
    UrlCredential *credential = g_new0(UrlCredential, 1);
    credential->ref_count = 1;
    credential->persistence = URL_CREDENTIAL_PERSISTENCE_FOR_SESSION;
    credential->trust_pin = g_strdup(pin);
    return credential;
}

UrlCredential *url_credential_ref(UrlCredential *credential)
{
    g_return_val_if_fail(credential != NULL, NULL);
    g_atomic_int_inc(&credential->ref_count);
    return credential;
}

void url_credential_unref(UrlCredential *credential)
{
    if (credential == NULL || !g_atomic_int_dec_and_test(&credential->ref_count))
        return;
    g_free(credential->user);
    if (credential->password) {
        /* A password should not outlive its use in freed memory. */
        memset(credential->password, 0, strlen(credential->password));
        g_free(credential->password);
    }
    g_free(credential->trust_pin);
    g_free(credential);
}

const char *url_credential_get_user(const UrlCredential *credential)
{
    g_return_val_if_fail(credential != NULL, NULL);
    return credential->user;
}

const char *url_credential_get_password(const UrlCredential *credential)
{
    g_return_val_if_fail(credential != NULL, NULL);
    return credential->password;
}

UrlCredentialPersistence url_credential_get_persistence(const UrlCredential *credential)
{
    g_return_val_if_fail(credential != NULL, URL_CREDENTIAL_PERSISTENCE_NONE);
    return credential->persistence;
}

/* ---- storage ----------------------------------------------------------------------- */

typedef struct {
    UrlProtectionSpace *space;
    UrlCredential *credential;
} Entry;

struct UrlCredentialStorage {
    int ref_count; /* atomic */
    GMutex lock;
    GPtrArray *entries; /* Entry */
};

static void entry_free(gpointer data)
{
    Entry *entry = data;
    url_protection_space_unref(entry->space);
    url_credential_unref(entry->credential);
    g_free(entry);
}

UrlCredentialStorage *url_credential_storage_new(void)
{
    UrlCredentialStorage *storage = g_new0(UrlCredentialStorage, 1);
    storage->ref_count = 1;
    g_mutex_init(&storage->lock);
    storage->entries = g_ptr_array_new_with_free_func(entry_free);
    return storage;
}

UrlCredentialStorage *url_credential_storage_shared(void)
{
    static UrlCredentialStorage *shared;
    if (g_once_init_enter(&shared))
        g_once_init_leave(&shared, url_credential_storage_new());
    return shared;
}

UrlCredentialStorage *url_credential_storage_ref(UrlCredentialStorage *storage)
{
    g_return_val_if_fail(storage != NULL, NULL);
    g_atomic_int_inc(&storage->ref_count);
    return storage;
}

void url_credential_storage_unref(UrlCredentialStorage *storage)
{
    if (storage == NULL || !g_atomic_int_dec_and_test(&storage->ref_count))
        return;
    g_ptr_array_unref(storage->entries);
    g_mutex_clear(&storage->lock);
    g_free(storage);
}

static gint find_locked(UrlCredentialStorage *storage, const UrlProtectionSpace *space)
{
    for (guint i = 0; i < storage->entries->len; i++) {
        Entry *entry = g_ptr_array_index(storage->entries, i);
        if (url__protection_space_equal(entry->space, space))
            return (gint)i;
    }
    return -1;
}

void url_credential_storage_set_credential(UrlCredentialStorage *storage, UrlCredential *credential,
                                           const UrlProtectionSpace *space)
{
    g_return_if_fail(storage != NULL && credential != NULL && space != NULL);
    Entry *entry = g_new0(Entry, 1);
    entry->space = url_protection_space_ref((UrlProtectionSpace *)space);
    entry->credential = url_credential_ref(credential);
    g_mutex_lock(&storage->lock);
    gint at = find_locked(storage, space);
    if (at >= 0)
        g_ptr_array_remove_index(storage->entries, (guint)at);
    g_ptr_array_add(storage->entries, entry);
    g_mutex_unlock(&storage->lock);
}

UrlCredential *url_credential_storage_copy_credential(UrlCredentialStorage *storage,
                                                      const UrlProtectionSpace *space)
{
    g_return_val_if_fail(storage != NULL && space != NULL, NULL);
    g_mutex_lock(&storage->lock);
    gint at = find_locked(storage, space);
    UrlCredential *credential =
        at >= 0 ? url_credential_ref(
                      ((Entry *)g_ptr_array_index(storage->entries, (guint)at))->credential)
                : NULL;
    g_mutex_unlock(&storage->lock);
    return credential;
}

bool url_credential_storage_remove_credential(UrlCredentialStorage *storage,
                                              const UrlProtectionSpace *space)
{
    g_return_val_if_fail(storage != NULL && space != NULL, false);
    g_mutex_lock(&storage->lock);
    gint at = find_locked(storage, space);
    if (at >= 0)
        g_ptr_array_remove_index(storage->entries, (guint)at);
    g_mutex_unlock(&storage->lock);
    return at >= 0;
}

size_t url_credential_storage_get_count(UrlCredentialStorage *storage)
{
    g_return_val_if_fail(storage != NULL, 0);
    g_mutex_lock(&storage->lock);
    size_t count = storage->entries->len;
    g_mutex_unlock(&storage->lock);
    return count;
}
