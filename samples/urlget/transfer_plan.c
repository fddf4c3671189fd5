/* transfer_plan.c — which URL goes where, decided and checked before any request. */
#include "transfer_plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "destination.h"
#include "resume.h"

static void fail_before_start(Transfer *transfer, int error_number, const char *what)
{
    transfer_fail(transfer, FAILURE_FILE, error_number, "cannot write %s: %s", what,
                  strerror(error_number));
    transfer->state = TRANSFER_FINISHED;
}

static void plan_file(Transfer *transfer, bool resume)
{
    if (destination_is_special(transfer->destination)) {
        transfer->writes_in_place = true;
        return;
    }
    int result = destination_check(transfer->destination);
    if (result != 0) {
        fail_before_start(transfer, result, transfer->destination);
        return;
    }
    if (resume) {
        int64_t size = resume_existing_size(transfer->destination);
        if (size < 0) {
            fail_before_start(transfer, errno, transfer->destination);
            return;
        }
        transfer->resume_offset = size;
        transfer->bytes_done = size;
    }
}

void transfer_plan(const UrlgetOptions *options, Transfer *transfers)
{
    for (size_t i = 0; i < options->url_count; i++) {
        Transfer *transfer = &transfers[i];
        const char *output = i < options->output_count ? options->outputs[i] : NULL;
        if (output != NULL && strcmp(output, "-") != 0) {
            transfer_init(transfer, options->urls[i], DESTINATION_FILE, output);
            plan_file(transfer, options->resume);
        } else if (output == NULL && options->remote_name) {
            transfer_init(transfer, options->urls[i], DESTINATION_SUGGESTED_NAME, NULL);
            if (access(".", W_OK | X_OK) != 0) {
                fail_before_start(transfer, errno, "the current directory");
            }
        } else {
            transfer_init(transfer, options->urls[i], DESTINATION_STDOUT, NULL);
        }
        transfer_choose_task_kind(transfer);
    }
}

char *transfer_plan_download_directory(const Transfer *transfers, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const Transfer *transfer = &transfers[i];
        if (transfer->state == TRANSFER_FINISHED || transfer_uses_data_task(transfer)) {
            continue;
        }
        if (transfer->destination_kind == DESTINATION_SUGGESTED_NAME) {
            return realpath(".", NULL);
        }
        return destination_directory(transfer->destination);
    }
    return NULL;
}
