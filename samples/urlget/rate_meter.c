/* rate_meter.c — a transfer's recent speed, over a sliding window of samples. */
#include "rate_meter.h"

#define MIN_SAMPLE_INTERVAL 0.1

static unsigned newest_index(const RateMeter *meter)
{
    return (meter->next + RATE_METER_SAMPLES - 1) % RATE_METER_SAMPLES;
}

void rate_meter_sample(RateMeter *meter, double now, int64_t bytes)
{
    if (meter->count > 0 && now - meter->times[newest_index(meter)] < MIN_SAMPLE_INTERVAL) {
        return;
    }
    meter->times[meter->next] = now;
    meter->bytes[meter->next] = bytes;
    meter->next = (meter->next + 1) % RATE_METER_SAMPLES;
    if (meter->count < RATE_METER_SAMPLES) {
        meter->count++;
    }
}

double rate_meter_rate(const RateMeter *meter, double now, double window)
{
    if (meter->count < 2) {
        return -1;
    }
    unsigned newest = newest_index(meter);
    /* The oldest sample still inside the window; the one just outside it when none is,
     * so that a stall (no new samples) still shows a falling rate. */
    unsigned oldest = newest;
    for (unsigned n = 1; n < meter->count; n++) {
        unsigned candidate = (newest + RATE_METER_SAMPLES - n) % RATE_METER_SAMPLES;
        oldest = candidate;
        if (now - meter->times[candidate] >= window) {
            break;
        }
    }
    double elapsed = now - meter->times[oldest];
    if (elapsed < MIN_SAMPLE_INTERVAL) {
        return -1;
    }
    return (double)(meter->bytes[newest] - meter->bytes[oldest]) / elapsed;
}
