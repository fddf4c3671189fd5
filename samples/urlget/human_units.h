/* human_units.h — byte counts, rates and durations as people read them. */
#ifndef URLGET_HUMAN_UNITS_H
#define URLGET_HUMAN_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Large enough for every string below. */
#define HUMAN_UNITS_MAX 24

/* "999 B", "1.5 KiB", "10.0 MiB", "123 MiB", "1.2 GiB": at most 4 significant characters
 * and an IEC unit (powers of 1024, as file managers on Linux show sizes). */
void human_bytes(int64_t bytes, char out[HUMAN_UNITS_MAX]);

/* human_bytes() followed by "/s"; "--" when @bytes_per_second is negative (unknown). */
void human_rate(double bytes_per_second, char out[HUMAN_UNITS_MAX]);

/* "0:07", "12:34", "1:02:03"; "--:--" when negative (unknown) or beyond 99 hours. */
void human_duration(double seconds, char out[HUMAN_UNITS_MAX]);

#endif
