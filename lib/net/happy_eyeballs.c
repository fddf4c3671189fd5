/* happy_eyeballs.c — the connection attempt delay and the memory of winners.
 *
 * libcurl runs the race itself (CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS) and starts with the
 * family of the first address; what is remembered here changes that first address. */
#include "net/happy_eyeballs.h"

#include <string.h>

#include <glib.h>

typedef struct {
    int family;
    double connect_seconds;
    uint64_t generation;
    gint64 recorded; /* monotonic µs */
} Winner;

struct UrlHappyEyeballs {
    GHashTable *winners; /* "host:port" -> Winner */
};

long url__happy_eyeballs_clamp_delay(long milliseconds)
{
    if (milliseconds < URL__ATTEMPT_DELAY_MIN_MS)
        return URL__ATTEMPT_DELAY_MIN_MS;
    if (milliseconds > URL__ATTEMPT_DELAY_MAX_MS)
        return URL__ATTEMPT_DELAY_MAX_MS;
    return milliseconds;
}

UrlHappyEyeballs *url__happy_eyeballs_new(void)
{
    UrlHappyEyeballs *self = g_new0(UrlHappyEyeballs, 1);
    self->winners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return self;
}

void url__happy_eyeballs_free(UrlHappyEyeballs *self)
{
    if (self == NULL)
        return;
    g_hash_table_destroy(self->winners);
    g_free(self);
}

void url__happy_eyeballs_record(UrlHappyEyeballs *self, const char *host, int port, int family,
                                double connect_seconds, uint64_t generation)
{
    Winner *winner = g_new(Winner, 1);
    winner->family = family;
    winner->connect_seconds = connect_seconds;
    winner->generation = generation;
    winner->recorded = g_get_monotonic_time();
    g_hash_table_replace(self->winners, g_strdup_printf("%s:%d", host, port), winner);
}

/* "host:port" in @buffer when it fits (every host name does: DNS names are at most 253
 * octets), else a new string to g_free(): the lookup on every hop allocates nothing. */
static char *winner_key(char *buffer, size_t size, const char *host, int port)
{
    size_t length = strlen(host);
    if (length + 12 > size)
        return g_strdup_printf("%s:%d", host, port);
    memcpy(buffer, host, length);
    buffer[length] = ':';
    char digits[12];
    size_t count = 0;
    unsigned value = port > 0 ? (unsigned)port : 0;
    do
        digits[count++] = (char)('0' + value % 10);
    while ((value /= 10) != 0);
    for (size_t i = 0; i < count; i++)
        buffer[length + 1 + i] = digits[count - 1 - i];
    buffer[length + 1 + count] = '\0';
    return buffer;
}

int url__happy_eyeballs_preferred_family(UrlHappyEyeballs *self, const char *host, int port,
                                         uint64_t generation)
{
    char buffer[280];
    char *key = winner_key(buffer, sizeof buffer, host, port);
    Winner *winner = g_hash_table_lookup(self->winners, key);
    int family = 0;
    if (winner && winner->generation == generation &&
        g_get_monotonic_time() - winner->recorded <
            (gint64)URL__HAPPY_EYEBALLS_MEMORY_SECONDS * G_USEC_PER_SEC)
        family = winner->family;
    else if (winner)
        g_hash_table_remove(self->winners, key); /* another network, or too old */
    if (key != buffer)
        g_free(key);
    return family;
}
