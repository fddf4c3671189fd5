/* transfer.h — one URL's download: where its body goes, how far it got, how it ended. */
#ifndef URLGET_TRANSFER_H
#define URLGET_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include <urlsession/urlsession.h>

#include "rate_meter.h"

typedef enum {
    DESTINATION_STDOUT,         /* written to fd 1 as it arrives (a data task) */
    DESTINATION_FILE,           /* -o FILE */
    DESTINATION_SUGGESTED_NAME, /* -O: the name comes with the response */
} DestinationKind;

typedef enum {
    TRANSFER_WAITING,  /* not started: stdout transfers run one at a time */
    TRANSFER_RUNNING,  /* its task was resumed */
    TRANSFER_FINISHED, /* did_complete came (or it never could start) */
} TransferState;

/* Like NSError domains: what the code of a failure means. */
typedef enum {
    FAILURE_NONE,
    FAILURE_URL,  /* a UrlErrorCode from the library, or urlget's own use of one */
    FAILURE_HTTP, /* the final HTTP status was >= 400; code is the status */
    FAILURE_FILE, /* writing the output failed; code is the errno */
} FailureDomain;

typedef struct Transfer {
    const char *url; /* borrowed from argv */
    DestinationKind destination_kind;
    char *destination;    /* the final path; for -O set once the response is known */
    bool writes_in_place; /* a device or FIFO (-o /dev/null): written as bytes arrive */
    bool delivered;       /* a download task's file was moved to the destination */
    bool data_task; /* stdout, a device or a resume: a data task rather than a download task */

    /* Byte-range resume (-C -) of an existing file: a data task whose body is appended to
     * the destination (206) or written to temp_path and renamed over it (200). */
    int64_t resume_offset; /* the existing file's size; 0 when not resuming */
    bool already_complete; /* a 416 said the file has every byte already */
    int body_fd;           /* where a data task's body goes; -1 before the response */
    char *temp_path;       /* a temporary file urlget made itself; removed on failure */

    UrlSessionTask *task;
    TransferState state;

    /* Progress. Counts include resume_offset so that percentages are of the whole file. */
    int64_t bytes_done;
    int64_t bytes_total; /* -1 when unknown */
    double started_at;   /* monotonic seconds; 0 before the start */
    double finished_at;
    RateMeter rate;
    double last_report_at; /* when progress last printed a plain line for it */

    FailureDomain failure_domain;
    int failure_code;
    char *failure_message;
    int http_status;    /* of the final response, 0 when none came */
    bool range_ignored; /* resuming, the server sent the whole body (200) */
    char *metrics_json;
} Transfer;

void transfer_init(Transfer *transfer, const char *url, DestinationKind kind,
                   const char *destination);
/* Closes descriptors and frees memory; removes nothing from disk. */
void transfer_clear(Transfer *transfer);

/* Decides, once the destination is known and checked, whether the body is handled by a
 * data task (stdout, a device, a resume) rather than a download task. */
void transfer_choose_task_kind(Transfer *transfer);
bool transfer_uses_data_task(const Transfer *transfer);

/* A short name for progress lines: the destination's base name once known, else the URL. */
const char *transfer_label(const Transfer *transfer);

/* Records why the transfer failed. The first failure wins: a cancel that follows an HTTP
 * error or a write error must not hide it. */
__attribute__((format(printf, 4, 5))) void transfer_fail(Transfer *transfer, FailureDomain domain,
                                                         int code, const char *format, ...);
bool transfer_failed(const Transfer *transfer);

/* The exit status this transfer alone would give (exit_status.h). */
int transfer_exit_status(const Transfer *transfer);

/* data_did_receive_response: checks the status and, when resuming, the Content-Range;
 * opens where the body goes. Returns false when the task must be cancelled (the failure,
 * or the already-complete 416, is recorded). */
bool transfer_accept_response(Transfer *transfer, const UrlResponse *response);

/* A download task's response is seen late (the first write, or the end): fails the
 * transfer when the status is an HTTP error. Returns false then. */
bool transfer_check_status(Transfer *transfer, const UrlResponse *response);

/* data_did_receive_data: writes the bytes where transfer_accept_response() chose.
 * Returns false after a write error (recorded), when the task must be cancelled. */
bool transfer_write_body(Transfer *transfer, const void *data, size_t length);

/* download_did_finish_downloading_to: moves the file at @location to the destination. */
void transfer_finish_download(Transfer *transfer, const UrlResponse *response,
                              const char *location);

/* did_complete: records the library's error, puts a resumed body in place on success,
 * removes urlget's temporary file on failure. */
void transfer_complete(Transfer *transfer, const UrlError *error, double now);

/* Removes urlget's own temporary file, if any (interrupt without a did_complete). */
void transfer_discard_temporary(Transfer *transfer);

#endif
