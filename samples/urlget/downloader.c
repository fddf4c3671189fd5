/* downloader.c — one session running every transfer, driven from the main thread.
 *
 * The session's delegate queue is a manual queue: its callbacks run inside
 * url_queue_dispatch(), called by the loop below, so that they, the progress display and
 * the signal handling all share one thread and need no locks. */
#include "downloader.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_status.h"
#include "interrupt.h"
#include "monotonic_clock.h"
#include "resume.h"
#include "transfer_plan.h"

/* How long cancelled tasks get to report their end after Ctrl-C before urlget cleans up
 * and exits without them. */
#define CANCEL_GRACE_SECONDS 5.0
/* How long to wait for the session's did_become_invalid at the end. */
#define INVALIDATE_GRACE_SECONDS 5.0

typedef struct Downloader {
    const UrlgetOptions *options;
    Transfer *transfers;
    size_t count;
    size_t finished;
    Progress *progress;
    MetricsOutput *metrics;
    UrlQueue *queue;
    UrlSession *session;
    bool session_invalid;
    int interrupt_fd;
    double interrupted_at; /* monotonic seconds; 0 when not interrupted */
} Downloader;

static Transfer *find_transfer(Downloader *downloader, const UrlSessionTask *task)
{
    for (size_t i = 0; i < downloader->count; i++) {
        if (downloader->transfers[i].task == task) {
            return &downloader->transfers[i];
        }
    }
    return NULL;
}

__attribute__((format(printf, 2, 3))) static void print_message(Downloader *downloader,
                                                                const char *format, ...)
{
    char *line = NULL;
    va_list arguments;
    va_start(arguments, format);
    int length = vasprintf(&line, format, arguments);
    va_end(arguments);
    if (length >= 0) {
        progress_print(downloader->progress, line);
        free(line);
    }
}

static bool cancelled_by_interrupt(const Downloader *downloader, const Transfer *transfer)
{
    return downloader->interrupted_at > 0 && transfer->failure_domain == FAILURE_URL &&
           transfer->failure_code == URL_ERROR_CANCELLED;
}

static void report_finished(Downloader *downloader, Transfer *transfer)
{
    progress_transfer_finished(downloader->progress, transfer, monotonic_now());
    if (transfer_failed(transfer) && !cancelled_by_interrupt(downloader, transfer)) {
        print_message(downloader, "urlget: %s: %s", transfer->url,
                      transfer->failure_message != NULL ? transfer->failure_message : "failed");
    }
    if (downloader->metrics != NULL) {
        metrics_output_write(downloader->metrics, transfer);
    }
    downloader->finished++;
}

static void fail_to_start(Downloader *downloader, Transfer *transfer)
{
    transfer->state = TRANSFER_FINISHED;
    transfer->finished_at = monotonic_now();
    report_finished(downloader, transfer);
}

static void start_transfer(Downloader *downloader, Transfer *transfer)
{
    UrlError *error = NULL;
    UrlRequest *request = url_request_new_checked(transfer->url, &error);
    if (request == NULL) {
        transfer_fail(transfer, FAILURE_URL, url_error_get_code(error), "%s",
                      url_error_get_message(error));
        url_error_unref(error);
        fail_to_start(downloader, transfer);
        return;
    }
    if (transfer->resume_offset > 0) {
        char range[32];
        resume_range_header(transfer->resume_offset, range);
        url_request_set_header(request, "Range", range, NULL);
        /* A range counts bytes of the body as sent; only the identity encoding makes
         * them the bytes of the file on disk. */
        url_request_set_header(request, "Accept-Encoding", "identity", NULL);
    }
    transfer->task = transfer_uses_data_task(transfer)
                         ? url_session_data_task(downloader->session, request)
                         : url_session_download_task(downloader->session, request);
    url_request_unref(request);
    if (transfer->task == NULL) {
        transfer_fail(transfer, FAILURE_URL, URL_ERROR_UNKNOWN, "the session refused the task");
        fail_to_start(downloader, transfer);
        return;
    }
    transfer->state = TRANSFER_RUNNING;
    transfer->started_at = transfer->last_report_at = monotonic_now();
    url_session_task_resume(transfer->task);
}

/* Bodies written to stdout one after the other, in command-line order, so that they do
 * not interleave. */
static void start_next_stdout_transfer(Downloader *downloader)
{
    if (downloader->interrupted_at > 0) {
        return;
    }
    for (size_t i = 0; i < downloader->count; i++) {
        Transfer *transfer = &downloader->transfers[i];
        if (transfer->destination_kind != DESTINATION_STDOUT) {
            continue;
        }
        if (transfer->state == TRANSFER_RUNNING) {
            return;
        }
        if (transfer->state == TRANSFER_WAITING) {
            start_transfer(downloader, transfer);
            if (transfer->state == TRANSFER_RUNNING) {
                return;
            }
        }
    }
}

static void on_response(UrlSession *session, UrlSessionTask *task, const UrlResponse *response,
                        UrlResponseHandler *handler, void *delegate_data)
{
    Downloader *downloader = delegate_data;
    Transfer *transfer = find_transfer(downloader, task);
    bool proceed = true;
    if (transfer != NULL) {
        if (url_session_task_get_kind(task) == URL_TASK_KIND_DOWNLOAD) {
            proceed = transfer_check_status(transfer, response);
        } else {
            proceed = transfer_accept_response(transfer, response);
        }
        if (transfer->range_ignored && !downloader->options->quiet) {
            print_message(downloader,
                          "urlget: %s: the server ignored the range and sends the whole "
                          "file; %s is replaced when it is complete",
                          transfer->url, transfer->destination);
        }
    }
    url_response_handler_complete(handler, proceed ? URL_RESPONSE_ALLOW : URL_RESPONSE_CANCEL);
}

static void on_data(UrlSession *session, UrlSessionTask *task, const void *data, size_t length,
                    void *delegate_data)
{
    Transfer *transfer = find_transfer(delegate_data, task);
    if (transfer != NULL && !transfer_write_body(transfer, data, length)) {
        url_session_task_cancel(task);
    }
}

static void on_download_write(UrlSession *session, UrlSessionTask *task, int64_t bytes_written,
                              int64_t total_written, int64_t total_expected, void *delegate_data)
{
    Transfer *transfer = find_transfer(delegate_data, task);
    if (transfer == NULL) {
        return;
    }
    transfer->bytes_done = total_written;
    transfer->bytes_total = total_expected;
    /* Without a data_did_receive_response for download tasks, the first bytes are the
     * earliest moment to notice an error status and stop downloading the error page. */
    if (transfer->http_status == 0) {
        UrlResponse *response = url_session_task_get_response(task);
        if (response != NULL && !transfer_check_status(transfer, response)) {
            url_session_task_cancel(task);
        }
        url_response_unref(response);
    }
}

/* -O names come from the servers, and two URLs may suggest the same one: say so rather
 * than lose a file silently. */
static void warn_if_name_reused(Downloader *downloader, const Transfer *transfer)
{
    if (transfer->destination_kind != DESTINATION_SUGGESTED_NAME || transfer_failed(transfer)) {
        return;
    }
    for (size_t i = 0; i < downloader->count; i++) {
        const Transfer *other = &downloader->transfers[i];
        if (other != transfer && other->state == TRANSFER_FINISHED && !transfer_failed(other) &&
            other->destination != NULL && strcmp(other->destination, transfer->destination) == 0) {
            print_message(downloader, "urlget: %s: saved as %s, replacing the download of %s",
                          transfer->url, transfer->destination, other->url);
            return;
        }
    }
}

static void on_download_finished(UrlSession *session, UrlSessionTask *task, const char *location,
                                 void *delegate_data)
{
    Downloader *downloader = delegate_data;
    Transfer *transfer = find_transfer(downloader, task);
    if (transfer == NULL) {
        return;
    }
    UrlResponse *response = url_session_task_get_response(task);
    transfer_finish_download(transfer, response, location);
    url_response_unref(response);
    warn_if_name_reused(downloader, transfer);
}

static void on_metrics(UrlSession *session, UrlSessionTask *task, const UrlTaskMetrics *metrics,
                       void *delegate_data)
{
    Transfer *transfer = find_transfer(delegate_data, task);
    if (transfer != NULL) {
        free(transfer->metrics_json);
        transfer->metrics_json = url_task_metrics_to_json(metrics);
    }
}

static void on_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                        void *delegate_data)
{
    Downloader *downloader = delegate_data;
    Transfer *transfer = find_transfer(downloader, task);
    if (transfer == NULL || transfer->state == TRANSFER_FINISHED) {
        return;
    }
    transfer_complete(transfer, error, monotonic_now());
    report_finished(downloader, transfer);
    if (transfer->destination_kind == DESTINATION_STDOUT) {
        start_next_stdout_transfer(downloader);
    }
}

static void on_invalid(UrlSession *session, const UrlError *error, void *delegate_data)
{
    Downloader *downloader = delegate_data;
    downloader->session_invalid = true;
}

static const UrlSessionDelegate delegate = {
    .did_become_invalid = on_invalid,
    .did_finish_collecting_metrics = on_metrics,
    .did_complete = on_complete,
    .data_did_receive_response = on_response,
    .data_did_receive_data = on_data,
    .download_did_write_data = on_download_write,
    .download_did_finish_downloading_to = on_download_finished,
};

static void interrupt_transfers(Downloader *downloader)
{
    char drained[16];
    while (read(downloader->interrupt_fd, drained, sizeof drained) > 0) {
    }
    downloader->interrupted_at = monotonic_now();
    for (size_t i = 0; i < downloader->count; i++) {
        Transfer *transfer = &downloader->transfers[i];
        if (transfer->state == TRANSFER_WAITING) {
            transfer_fail(transfer, FAILURE_URL, URL_ERROR_CANCELLED,
                          "interrupted before it started");
            fail_to_start(downloader, transfer);
        }
    }
    /* Each task completes with URL_ERROR_CANCELLED; download tasks remove their files,
     * transfer_complete() removes urlget's own. */
    url_session_invalidate_and_cancel(downloader->session);
}

/* Runs the delegate queue until every transfer has finished, redrawing progress and
 * watching for signals. */
static void run_until_finished(Downloader *downloader)
{
    int queue_fd = url_queue_get_fd(downloader->queue);
    while (downloader->finished < downloader->count) {
        double now = monotonic_now();
        bool interrupted = downloader->interrupted_at > 0;
        if (interrupted && now - downloader->interrupted_at > CANCEL_GRACE_SECONDS) {
            break;
        }
        int timeout = progress_poll_timeout(downloader->progress, now);
        if (interrupted && (timeout < 0 || timeout > 100)) {
            timeout = 100;
        }
        struct pollfd fds[] = {
            {.fd = queue_fd, .events = POLLIN},
            {.fd = downloader->interrupt_fd, .events = POLLIN},
        };
        if (interrupt_poll(fds, interrupted ? 1 : 2, timeout) < 0 && errno != EINTR) {
            perror("urlget: poll");
            break;
        }
        if (!interrupted && interrupt_received() != 0) {
            interrupt_transfers(downloader);
        }
        url_queue_dispatch(downloader->queue);
        progress_update(downloader->progress, monotonic_now());
    }
    /* After a grace period lapsed, the files of tasks that never reported are removed
     * here. */
    for (size_t i = 0; i < downloader->count; i++) {
        if (downloader->transfers[i].state != TRANSFER_FINISHED) {
            transfer_discard_temporary(&downloader->transfers[i]);
        }
    }
}

/* The delegate data must stay valid until did_become_invalid; wait for it, within reason. */
static void invalidate_session(Downloader *downloader)
{
    if (downloader->interrupted_at == 0) {
        url_session_finish_tasks_and_invalidate(downloader->session);
    }
    double deadline = monotonic_now() + INVALIDATE_GRACE_SECONDS;
    int queue_fd = url_queue_get_fd(downloader->queue);
    while (!downloader->session_invalid && monotonic_now() < deadline) {
        struct pollfd fd = {.fd = queue_fd, .events = POLLIN};
        interrupt_poll(&fd, 1, 100);
        url_queue_dispatch(downloader->queue);
    }
}

static UrlSession *create_session(Downloader *downloader)
{
    const UrlgetOptions *options = downloader->options;
    /* Ephemeral: a downloader has nothing to remember between runs. */
    UrlSessionConfiguration *configuration = url_session_configuration_new_ephemeral();
    if (options->ca_file != NULL) {
        url_session_configuration_set_ca_file(configuration, options->ca_file);
    }
    url_session_configuration_set_http_version(configuration, options->http_version);
    if (options->dns_servers != NULL) {
        url_session_configuration_set_dns_servers(configuration, options->dns_servers);
    }
    if (options->doh_url != NULL) {
        url_session_configuration_set_dns_over_https_url(configuration, options->doh_url, NULL);
    }
    url_session_configuration_set_address_family(configuration, options->address_family);
    url_session_configuration_set_multipath_service_type(configuration, options->multipath);
    url_session_configuration_set_allows_cellular_access(configuration, !options->no_cellular);
    url_session_configuration_set_wifi_assist(configuration, options->wifi_assist);
    if (options->wifi_assist_head_start >= 0) {
        url_session_configuration_set_wifi_assist_head_start(configuration,
                                                             options->wifi_assist_head_start);
    }
    for (size_t i = 0; i < options->interface_count; i++) {
        url_session_configuration_set_interface_type(configuration, options->interface_names[i],
                                                     options->interface_types[i]);
    }
    char *directory = transfer_plan_download_directory(downloader->transfers, downloader->count);
    if (directory != NULL) {
        url_session_configuration_set_download_directory(configuration, directory);
        free(directory);
    }
    UrlSession *session = url_session_new(configuration, &delegate, downloader, downloader->queue);
    url_session_configuration_unref(configuration);
    return session;
}

static int exit_status(const Downloader *downloader)
{
    int signal_number = interrupt_received();
    if (signal_number == SIGINT) {
        return EXIT_STATUS_INTERRUPTED;
    }
    if (signal_number == SIGTERM) {
        return EXIT_STATUS_TERMINATED;
    }
    int status = EXIT_STATUS_OK;
    for (size_t i = 0; i < downloader->count; i++) {
        status = exit_status_worse(status, transfer_exit_status(&downloader->transfers[i]));
    }
    return status;
}

int downloader_run(const UrlgetOptions *options, Transfer *transfers, size_t count,
                   Progress *progress, MetricsOutput *metrics)
{
    Downloader downloader = {
        .options = options,
        .transfers = transfers,
        .count = count,
        .progress = progress,
        .metrics = metrics,
    };
    downloader.interrupt_fd = interrupt_install();
    if (downloader.interrupt_fd < 0) {
        perror("urlget: cannot handle signals");
        return EXIT_STATUS_DOWNLOAD_FAILED;
    }
    downloader.queue = url_queue_new_manual();
    downloader.session = create_session(&downloader);

    for (size_t i = 0; i < count; i++) {
        Transfer *transfer = &transfers[i];
        if (transfer->state == TRANSFER_FINISHED) {
            report_finished(&downloader, transfer); /* failed the checks before any request */
        } else if (transfer->destination_kind != DESTINATION_STDOUT) {
            start_transfer(&downloader, transfer);
        }
    }
    start_next_stdout_transfer(&downloader);

    run_until_finished(&downloader);
    progress_finish(progress, monotonic_now());
    if (downloader.interrupted_at > 0) {
        fputs(interrupt_received() == SIGTERM ? "urlget: terminated\n" : "urlget: interrupted\n",
              stderr);
    }
    invalidate_session(&downloader);
    if (downloader.session_invalid) {
        url_session_unref(downloader.session);
        url_queue_unref(downloader.queue);
    }
    /* Otherwise the library may still hold our delegate data: leave both alive; the
     * process is about to exit. No callback can run without url_queue_dispatch(). */
    return exit_status(&downloader);
}
