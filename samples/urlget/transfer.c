/* transfer.c — one URL's download: where its body goes, how far it got, how it ended. */
#include "transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "destination.h"
#include "exit_status.h"
#include "http_status.h"
#include "resume.h"

void transfer_init(Transfer *transfer, const char *url, DestinationKind kind,
                   const char *destination)
{
    memset(transfer, 0, sizeof *transfer);
    transfer->url = url;
    transfer->destination_kind = kind;
    transfer->destination = destination != NULL ? strdup(destination) : NULL;
    transfer->body_fd = -1;
    transfer->bytes_total = -1;
}

static void close_body(Transfer *transfer)
{
    if (transfer->body_fd >= 0 && transfer->body_fd != STDOUT_FILENO) {
        if (close(transfer->body_fd) != 0) {
            /* Some filesystems (NFS) report a failed write only at close. */
            transfer_fail(transfer, FAILURE_FILE, errno, "cannot write %s: %s",
                          transfer->temp_path != NULL ? transfer->temp_path : transfer->destination,
                          strerror(errno));
        }
    }
    transfer->body_fd = -1;
}

void transfer_clear(Transfer *transfer)
{
    close_body(transfer);
    url_session_task_unref(transfer->task);
    free(transfer->destination);
    free(transfer->temp_path);
    free(transfer->failure_message);
    free(transfer->metrics_json);
    memset(transfer, 0, sizeof *transfer);
    transfer->body_fd = -1;
}

void transfer_choose_task_kind(Transfer *transfer)
{
    transfer->data_task = transfer->destination_kind == DESTINATION_STDOUT ||
                          transfer->writes_in_place || transfer->resume_offset > 0;
}

bool transfer_uses_data_task(const Transfer *transfer)
{
    return transfer->data_task;
}

const char *transfer_label(const Transfer *transfer)
{
    if (transfer->destination != NULL) {
        const char *slash = strrchr(transfer->destination, '/');
        return slash != NULL && slash[1] != '\0' ? slash + 1 : transfer->destination;
    }
    return transfer->url;
}

void transfer_fail(Transfer *transfer, FailureDomain domain, int code, const char *format, ...)
{
    if (transfer->failure_domain != FAILURE_NONE) {
        return;
    }
    transfer->failure_domain = domain;
    transfer->failure_code = code;
    va_list arguments;
    va_start(arguments, format);
    if (vasprintf(&transfer->failure_message, format, arguments) < 0) {
        transfer->failure_message = NULL;
    }
    va_end(arguments);
}

bool transfer_failed(const Transfer *transfer)
{
    return transfer->failure_domain != FAILURE_NONE;
}

int transfer_exit_status(const Transfer *transfer)
{
    switch (transfer->failure_domain) {
    case FAILURE_NONE:
        return EXIT_STATUS_OK;
    case FAILURE_HTTP:
        return EXIT_STATUS_HTTP_ERROR;
    case FAILURE_FILE:
        return EXIT_STATUS_WRITE_FAILED;
    case FAILURE_URL:
        /* The library's own file errors: it could not write the download's file. */
        if (transfer->failure_code <= URL_ERROR_CANNOT_CREATE_FILE &&
            transfer->failure_code >= URL_ERROR_CANNOT_MOVE_FILE) {
            return EXIT_STATUS_WRITE_FAILED;
        }
        return EXIT_STATUS_DOWNLOAD_FAILED;
    }
    return EXIT_STATUS_DOWNLOAD_FAILED;
}

bool transfer_check_status(Transfer *transfer, const UrlResponse *response)
{
    int status = url_response_get_status_code(response);
    transfer->http_status = status;
    if (status >= 400) {
        const char *reason = http_status_reason(status);
        transfer_fail(transfer, FAILURE_HTTP, status, "the server answered %d%s%s", status,
                      reason[0] != '\0' ? " " : "", reason);
        return false;
    }
    return true;
}

static const char *body_path(const Transfer *transfer)
{
    if (transfer->body_fd == STDOUT_FILENO) {
        return "stdout";
    }
    return transfer->temp_path != NULL ? transfer->temp_path : transfer->destination;
}

/* The body of a 200 replaces the file: it goes to a temporary file renamed over the
 * destination at the end, so that an interrupted attempt leaves the old partial file
 * as it was. */
static bool restart_whole_body(Transfer *transfer, const UrlResponse *response)
{
    transfer->range_ignored = true;
    transfer->resume_offset = 0;
    transfer->bytes_done = 0;
    transfer->bytes_total = url_response_get_expected_content_length(response);
    transfer->body_fd = destination_create_temporary(transfer->destination, &transfer->temp_path);
    if (transfer->body_fd < 0) {
        transfer_fail(transfer, FAILURE_FILE, errno, "cannot create a file beside %s: %s",
                      transfer->destination, strerror(errno));
        return false;
    }
    return true;
}

static bool accept_partial_content(Transfer *transfer, const UrlResponse *response)
{
    ContentRange range;
    if (!resume_parse_content_range(url_response_get_header(response, "Content-Range"), &range) ||
        range.first != transfer->resume_offset) {
        transfer_fail(transfer, FAILURE_URL, URL_ERROR_BAD_SERVER_RESPONSE,
                      "asked for bytes from %" PRId64 " on, the server sent Content-Range: %s",
                      transfer->resume_offset,
                      url_response_get_header(response, "Content-Range") != NULL
                          ? url_response_get_header(response, "Content-Range")
                          : "(none)");
        return false;
    }
    /* Appending in place means an interruption keeps every byte received so far, and the
     * next -C - continues from there. */
    transfer->body_fd = open(transfer->destination, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (transfer->body_fd < 0) {
        transfer_fail(transfer, FAILURE_FILE, errno, "cannot open %s to append: %s",
                      transfer->destination, strerror(errno));
        return false;
    }
    transfer->bytes_done = transfer->resume_offset;
    if (range.complete_length >= 0) {
        transfer->bytes_total = range.complete_length;
    } else {
        transfer->bytes_total = range.last + 1;
    }
    return true;
}

/* 416 to "bytes=N-" means N is at or past the end. It is success only when the server's
 * length is exactly the file's size: a longer local file is not the server's file. */
static bool accept_range_not_satisfiable(Transfer *transfer, const UrlResponse *response)
{
    ContentRange range;
    const char *header = url_response_get_header(response, "Content-Range");
    if (resume_parse_content_range(header, &range) &&
        range.complete_length == transfer->resume_offset) {
        transfer->already_complete = true;
        transfer->bytes_done = transfer->bytes_total = transfer->resume_offset;
        return false;
    }
    if (range.complete_length >= 0) {
        transfer_fail(transfer, FAILURE_HTTP, 416,
                      "cannot resume: %s has %" PRId64 " bytes, the server's file %" PRId64,
                      transfer->destination, transfer->resume_offset, range.complete_length);
    } else {
        transfer_fail(transfer, FAILURE_HTTP, 416,
                      "cannot resume: the server refused the range (416) without saying "
                      "the file's size");
    }
    return false;
}

static bool accept_resumed_response(Transfer *transfer, const UrlResponse *response, int status)
{
    if (status == 206) {
        return accept_partial_content(transfer, response);
    }
    if (status == 416) {
        return accept_range_not_satisfiable(transfer, response);
    }
    if (!transfer_check_status(transfer, response)) {
        return false;
    }
    return restart_whole_body(transfer, response);
}

bool transfer_accept_response(Transfer *transfer, const UrlResponse *response)
{
    int status = url_response_get_status_code(response);
    transfer->http_status = status;
    if (transfer->resume_offset > 0) {
        return accept_resumed_response(transfer, response, status);
    }
    if (!transfer_check_status(transfer, response)) {
        return false;
    }
    transfer->bytes_total = url_response_get_expected_content_length(response);
    if (transfer->destination_kind == DESTINATION_STDOUT) {
        transfer->body_fd = STDOUT_FILENO;
    } else if (transfer->writes_in_place) {
        transfer->body_fd = open(transfer->destination, O_WRONLY | O_CLOEXEC);
        if (transfer->body_fd < 0) {
            transfer_fail(transfer, FAILURE_FILE, errno, "cannot open %s: %s",
                          transfer->destination, strerror(errno));
            return false;
        }
    }
    return true;
}

bool transfer_write_body(Transfer *transfer, const void *data, size_t length)
{
    if (transfer_failed(transfer) || transfer->body_fd < 0) {
        return false;
    }
    const char *bytes = data;
    for (size_t done = 0; done < length;) {
        ssize_t written = write(transfer->body_fd, bytes + done, length - done);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            transfer_fail(transfer, FAILURE_FILE, errno, "cannot write %s: %s", body_path(transfer),
                          strerror(errno));
            return false;
        }
        done += (size_t)written;
    }
    transfer->bytes_done += (int64_t)length;
    return true;
}

void transfer_finish_download(Transfer *transfer, const UrlResponse *response, const char *location)
{
    if (response != NULL && !transfer_check_status(transfer, response)) {
        return; /* the library removes the error page it downloaded */
    }
    if (transfer_failed(transfer)) {
        return;
    }
    if (transfer->destination == NULL) {
        const char *name = response != NULL ? url_response_get_suggested_filename(response) : NULL;
        transfer->destination = strdup(name != NULL ? name : "download");
    }
    int result = destination_move_into_place(location, transfer->destination);
    if (result != 0) {
        transfer_fail(transfer, FAILURE_FILE, result, "cannot move the download to %s: %s",
                      transfer->destination, strerror(result));
        return;
    }
    transfer->delivered = true;
}

void transfer_complete(Transfer *transfer, const UrlError *error, double now)
{
    transfer->state = TRANSFER_FINISHED;
    transfer->finished_at = now;
    bool cancelled_on_purpose = transfer->already_complete && error != NULL &&
                                url_error_get_code(error) == URL_ERROR_CANCELLED;
    if (error != NULL && !cancelled_on_purpose) {
        transfer_fail(transfer, FAILURE_URL, url_error_get_code(error), "%s",
                      url_error_get_message(error));
    }
    /* Success must mean a file at the destination, whatever the order of callbacks. */
    if (!transfer_failed(transfer) && !transfer_uses_data_task(transfer) && !transfer->delivered) {
        transfer_fail(transfer, FAILURE_URL, URL_ERROR_UNKNOWN,
                      "the download completed without handing over its file");
    }
    close_body(transfer);
    if (transfer->temp_path == NULL) {
        return;
    }
    if (!transfer_failed(transfer) && rename(transfer->temp_path, transfer->destination) != 0) {
        transfer_fail(transfer, FAILURE_FILE, errno, "cannot rename %s to %s: %s",
                      transfer->temp_path, transfer->destination, strerror(errno));
    }
    if (transfer_failed(transfer)) {
        unlink(transfer->temp_path);
    }
    free(transfer->temp_path);
    transfer->temp_path = NULL;
}

void transfer_discard_temporary(Transfer *transfer)
{
    close_body(transfer);
    if (transfer->temp_path != NULL) {
        unlink(transfer->temp_path);
        free(transfer->temp_path);
        transfer->temp_path = NULL;
    }
}
