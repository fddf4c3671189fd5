/* monotonic_clock.h — seconds on a clock that never jumps, for rates, ETAs and redraws. */
#ifndef URLGET_MONOTONIC_CLOCK_H
#define URLGET_MONOTONIC_CLOCK_H

#include <time.h>

static inline double monotonic_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

#endif
