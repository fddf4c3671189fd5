/* main.c — urlget: a downloader built on liburlsession's public API.
 *
 *   urlget URL... [-o FILE | -O] [-C -] [--cacert FILE] [--http2] [--http1.1]
 *                 [--dns-servers LIST] [--doh URL] [-4 | -6] [--multipath TYPE]
 *                 [--interface-type IF=TYPE]... [--no-cellular] [--wifi-assist[=S]]
 *                 [--metrics[=FILE]] [-q]
 *
 * The pieces: options.c reads the command line, transfer_plan.c decides where each body
 * goes, downloader.c runs one session with a task per URL, transfer.c handles each
 * task's events, progress.c and metrics_output.c say what happens. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "destination.h"
#include "downloader.h"
#include "exit_status.h"
#include "metrics_output.h"
#include "options.h"
#include "progress.h"
#include "transfer.h"
#include "transfer_plan.h"

static ProgressStyle choose_progress_style(const UrlgetOptions *options, const Transfer *transfers)
{
    if (options->quiet) {
        return PROGRESS_NONE;
    }
    if (!isatty(STDERR_FILENO)) {
        return PROGRESS_LINES;
    }
    /* A body printed on the terminal and bars drawn over it would garble each other. */
    if (isatty(STDOUT_FILENO)) {
        for (size_t i = 0; i < options->url_count; i++) {
            if (transfers[i].destination_kind == DESTINATION_STDOUT) {
                return PROGRESS_NONE;
            }
        }
    }
    return PROGRESS_BARS;
}

int main(int argc, char **argv)
{
    UrlgetOptions options;
    OptionsResult parsed = options_parse(argc, argv, &options);
    if (parsed != OPTIONS_RUN) {
        options_clear(&options);
        return parsed == OPTIONS_EXIT_OK ? EXIT_STATUS_OK : EXIT_STATUS_USAGE;
    }
    /* Before the library starts its threads. */
    destination_init();

    Transfer *transfers = calloc(options.url_count, sizeof *transfers);
    if (transfers == NULL) {
        fputs("urlget: out of memory\n", stderr);
        options_clear(&options);
        return EXIT_STATUS_DOWNLOAD_FAILED;
    }
    transfer_plan(&options, transfers);
    Progress *progress =
        progress_new(choose_progress_style(&options, transfers), transfers, options.url_count);

    int status = EXIT_STATUS_OK;
    MetricsOutput *metrics = NULL;
    if (options.metrics) {
        metrics = metrics_output_open(options.metrics_path, progress);
        if (metrics == NULL) {
            fprintf(stderr, "urlget: cannot open %s for metrics: %s\n", options.metrics_path,
                    strerror(errno));
            status = EXIT_STATUS_WRITE_FAILED;
        }
    }
    if (status == EXIT_STATUS_OK) {
        status = downloader_run(&options, transfers, options.url_count, progress, metrics);
        if (!metrics_output_close(metrics)) {
            fprintf(stderr, "urlget: could not write every metrics line to %s\n",
                    options.metrics_path != NULL ? options.metrics_path : "stderr");
            status = exit_status_worse(status, EXIT_STATUS_WRITE_FAILED);
        }
    }

    progress_free(progress);
    for (size_t i = 0; i < options.url_count; i++) {
        transfer_clear(&transfers[i]);
    }
    free(transfers);
    options_clear(&options);
    return status;
}
