/* human_units.c — byte counts, rates and durations as people read them. */
#include "human_units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void human_bytes(int64_t bytes, char out[HUMAN_UNITS_MAX])
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        snprintf(out, HUMAN_UNITS_MAX, "%lld B", (long long)(bytes < 0 ? 0 : bytes));
        return;
    }
    double value = (double)bytes / 1024.0;
    size_t unit = 0;
    /* Switch unit at 1000 rather than 1024 so that the number keeps to four characters
     * ("1000 KiB" would be wider than "1.0 MiB"). */
    while (value >= 999.95 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1024.0;
        unit++;
    }
    if (value < 99.95) {
        snprintf(out, HUMAN_UNITS_MAX, "%.1f %s", value, units[unit]);
    } else {
        snprintf(out, HUMAN_UNITS_MAX, "%.0f %s", value, units[unit]);
    }
}

void human_rate(double bytes_per_second, char out[HUMAN_UNITS_MAX])
{
    if (bytes_per_second < 0 || !isfinite(bytes_per_second)) {
        snprintf(out, HUMAN_UNITS_MAX, "--");
        return;
    }
    human_bytes((int64_t)llround(bytes_per_second), out);
    size_t length = strlen(out);
    snprintf(out + length, HUMAN_UNITS_MAX - length, "/s");
}

void human_duration(double seconds, char out[HUMAN_UNITS_MAX])
{
    if (seconds < 0 || !isfinite(seconds) || seconds >= 100.0 * 3600) {
        snprintf(out, HUMAN_UNITS_MAX, "--:--");
        return;
    }
    long total = lround(seconds);
    long hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
    /* hours < 100 by the check above, so this fits; the length is checked anyway because
     * GCC cannot see that bound without optimisation (-Wformat-truncation). */
    int length = hours > 0 ? snprintf(out, HUMAN_UNITS_MAX, "%ld:%02ld:%02ld", hours, minutes, secs)
                           : snprintf(out, HUMAN_UNITS_MAX, "%ld:%02ld", minutes, secs);
    if (length < 0 || length >= HUMAN_UNITS_MAX)
        snprintf(out, HUMAN_UNITS_MAX, "--:--");
}
