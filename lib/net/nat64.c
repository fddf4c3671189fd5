/* nat64.c — NAT64 prefix discovery (RFC 7050) and address synthesis (RFC 6052). */
#include "net/nat64.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

static const int prefix_lengths[] = {32, 40, 48, 56, 64, 96};

static bool length_is_valid(int length)
{
    for (size_t i = 0; i < G_N_ELEMENTS(prefix_lengths); i++)
        if (prefix_lengths[i] == length)
            return true;
    return false;
}

/* Byte positions of the four IPv4 octets for each prefix length (RFC 6052 §2.2, Figure
 * 1): byte 8 (bits 64-71) is the u-octet and never carries address bits. */
static const int *octet_positions(int length)
{
    static const int at32[4] = {4, 5, 6, 7};
    static const int at40[4] = {5, 6, 7, 9};
    static const int at48[4] = {6, 7, 9, 10};
    static const int at56[4] = {7, 9, 10, 11};
    static const int at64[4] = {9, 10, 11, 12};
    static const int at96[4] = {12, 13, 14, 15};
    switch (length) {
    case 32:
        return at32;
    case 40:
        return at40;
    case 48:
        return at48;
    case 56:
        return at56;
    case 64:
        return at64;
    default:
        return at96;
    }
}

bool url__nat64_prefix_parse(const char *text, UrlNat64Prefix *prefix)
{
    memset(prefix, 0, sizeof *prefix);
    if (text == NULL)
        return false;
    const char *slash = strchr(text, '/');
    if (slash == NULL)
        return false;
    char *end = NULL;
    long length = strtol(slash + 1, &end, 10);
    if (end == slash + 1 || *end != '\0' || !length_is_valid((int)length))
        return false;
    char *address = g_strndup(text, (gsize)(slash - text));
    bool ok = inet_pton(AF_INET6, address, prefix->bytes) == 1;
    g_free(address);
    if (!ok)
        return false;
    prefix->length = (int)length;
    /* Host bits must be zero, and the u-octet too (RFC 6052 §2.2). */
    for (int i = prefix->length / 8; i < 16; i++)
        if (prefix->bytes[i] != 0)
            return false;
    return true;
}

char *url__nat64_prefix_to_string(const UrlNat64Prefix *prefix)
{
    char buffer[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, prefix->bytes, buffer, sizeof buffer);
    return g_strdup_printf("%s/%d", buffer, prefix->length);
}

bool url__nat64_may_synthesize(const uint8_t ipv4[4])
{
    if (ipv4[0] == 0 || ipv4[0] == 127)
        return false;
    if (ipv4[0] == 169 && ipv4[1] == 254)
        return false;
    if (ipv4[0] == 255 && ipv4[1] == 255 && ipv4[2] == 255 && ipv4[3] == 255)
        return false;
    return true;
}

bool url__nat64_synthesize(const UrlNat64Prefix *prefix, const uint8_t ipv4[4], UrlAddress *out)
{
    if (!length_is_valid(prefix->length) || !url__nat64_may_synthesize(ipv4))
        return false;
    memset(out, 0, sizeof *out);
    out->family = AF_INET6;
    memcpy(out->bytes, prefix->bytes, (size_t)prefix->length / 8);
    const int *at = octet_positions(prefix->length);
    for (int i = 0; i < 4; i++)
        out->bytes[at[i]] = ipv4[i];
    out->synthesized = true;
    return true;
}

void url__nat64_extract(const uint8_t ipv6[16], int length, uint8_t ipv4[4])
{
    const int *at = octet_positions(length);
    for (int i = 0; i < 4; i++)
        ipv4[i] = ipv6[at[i]];
}

/* The one prefix length at which @ipv6 embeds @wka, 0 if none, -1 if several. */
static int find_wka(const uint8_t ipv6[16], const uint8_t wka[4])
{
    int found = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(prefix_lengths); i++) {
        uint8_t ipv4[4];
        url__nat64_extract(ipv6, prefix_lengths[i], ipv4);
        if (memcmp(ipv4, wka, 4) != 0)
            continue;
        if (found != 0)
            return -1;
        found = prefix_lengths[i];
    }
    return found;
}

size_t url__nat64_discover(const UrlAddress *answers, size_t count, UrlNat64Prefix *prefixes,
                           size_t max)
{
    static const uint8_t wka170[4] = {192, 0, 0, 170};
    static const uint8_t wka171[4] = {192, 0, 0, 171};
    size_t found = 0;
    for (size_t i = 0; i < count && found < max; i++) {
        if (answers[i].family != AF_INET6)
            continue;
        int length = find_wka(answers[i].bytes, wka170);
        if (length < 0)
            length = find_wka(answers[i].bytes, wka171);
        if (length <= 0)
            continue;
        UrlNat64Prefix prefix = {.length = length};
        memcpy(prefix.bytes, answers[i].bytes, (size_t)length / 8);
        bool seen = false;
        for (size_t j = 0; j < found; j++)
            seen = seen || (prefixes[j].length == prefix.length &&
                            memcmp(prefixes[j].bytes, prefix.bytes, 16) == 0);
        if (!seen)
            prefixes[found++] = prefix;
    }
    return found;
}
