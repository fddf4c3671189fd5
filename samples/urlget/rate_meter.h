/* rate_meter.h — a transfer's recent speed, over a sliding window of samples. */
#ifndef URLGET_RATE_METER_H
#define URLGET_RATE_METER_H

#include <stdint.h>

#define RATE_METER_SAMPLES 32

/* The speed shown is over the last few seconds, not since the start: it follows a
 * network that speeds up or stalls, and the ETA computed from it stays honest. */
typedef struct RateMeter {
    double times[RATE_METER_SAMPLES];
    int64_t bytes[RATE_METER_SAMPLES];
    unsigned count; /* samples stored, at most RATE_METER_SAMPLES */
    unsigned next;  /* where the next sample goes */
} RateMeter;

/* Records that @bytes had been transferred at @now (monotonic seconds). Samples closer
 * than a tenth of a second to the previous one are skipped. */
void rate_meter_sample(RateMeter *meter, double now, int64_t bytes);

/* Bytes per second over the samples of the last @window seconds, or -1 when there is
 * not yet enough history to say. */
double rate_meter_rate(const RateMeter *meter, double now, double window);

#endif
