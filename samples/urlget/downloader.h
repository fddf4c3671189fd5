/* downloader.h — one session running every transfer, driven from the main thread. */
#ifndef URLGET_DOWNLOADER_H
#define URLGET_DOWNLOADER_H

#include <stddef.h>

#include "metrics_output.h"
#include "options.h"
#include "progress.h"
#include "transfer.h"

/* Runs @transfers (planned by transfer_plan()) to their end: every file transfer at once,
 * stdout transfers one after the other. Reports each finished transfer to @progress and,
 * when not NULL, @metrics. SIGINT or SIGTERM cancels everything and removes temporary
 * files.
 *
 * Returns: the exit status (exit_status.h) */
int downloader_run(const UrlgetOptions *options, Transfer *transfers, size_t count,
                   Progress *progress, MetricsOutput *metrics);

#endif
