/* transfer_plan.h — which URL goes where, decided and checked before any request. */
#ifndef URLGET_TRANSFER_PLAN_H
#define URLGET_TRANSFER_PLAN_H

#include "options.h"
#include "transfer.h"

/* Initialises @transfers (options->url_count of them): the n-th -o goes with the n-th URL
 * (like curl), "-o -" and URLs without -o or -O go to stdout, the others to the suggested
 * name. Checks that destinations can be written and measures files to resume; a
 * transfer that cannot start is left TRANSFER_FINISHED with its failure recorded. */
void transfer_plan(const UrlgetOptions *options, Transfer *transfers);

/* Returns: the directory download tasks should stream their temporary files to, so that
 * putting a file in place is a rename(): the first file destination's directory, or the
 * current directory for -O; NULL when no transfer uses a download task. free() it. */
char *transfer_plan_download_directory(const Transfer *transfers, size_t count);

#endif
