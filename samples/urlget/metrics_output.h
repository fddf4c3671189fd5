/* metrics_output.h — --metrics: one JSON line per finished URL. */
#ifndef URLGET_METRICS_OUTPUT_H
#define URLGET_METRICS_OUTPUT_H

#include <stdbool.h>

#include "progress.h"
#include "transfer.h"

typedef struct MetricsOutput MetricsOutput;

/* Opens @path for appending, or uses stderr (through @progress) when @path is NULL.
 * Returns NULL with errno set when @path cannot be opened. */
MetricsOutput *metrics_output_open(const char *path, Progress *progress);

/* Writes the line for @transfer:
 *   {"url":"...","file":"..."|null,"resumed_from":N (only when resuming),
 *    "error":null|{"domain":"url"|"http"|"file","code":N,"name":"...","message":"..."},
 *    "metrics":{...url_task_metrics_to_json()...}|null}
 * "name" is the UrlErrorCode's name (url) or the errno's name (file); http has none. */
void metrics_output_write(MetricsOutput *output, const Transfer *transfer);

/* Closes the file. Returns: false when any line could not be written (then urlget exits
 * with the write-failure status). */
bool metrics_output_close(MetricsOutput *output);

#endif
