/* getting_started.c — the complete example of doc/getting-started.md.
 *
 *   getting_started URL OUTPUT [CA_FILE]
 *
 * Fetches URL with a data task and a completion handler, then downloads it again to
 * OUTPUT with a download task whose delegate reports progress, on a manual queue that
 * this program drives with poll(). CA_FILE, when given, is the PEM bundle to trust
 * instead of the system's store (for a test server). */
#include <urlsession/urlsession.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything the download's delegate callbacks share with main(). They all run on the
 * thread that calls url_queue_dispatch(), so no lock is needed. */
struct download {
    const char *output;
    int64_t last_percent;
    bool moved;
    bool failed;
    bool invalidated;
};

static void print_error(const char *what, const UrlError *error)
{
    const char *url = url_error_get_failing_url(error);
    fprintf(stderr, "%s failed: %s (%s, %d)%s%s\n", what, url_error_get_message(error),
            url_error_code_name(url_error_get_code(error)), (int)url_error_get_code(error),
            url ? " for " : "", url ? url : "");
}

/* Completion handler of the data task: runs once, on the session's delegate queue (a
 * serial queue with its own thread here). @data and @response are borrowed: valid
 * during the call only. */
static void on_data(UrlSessionTask *task, const void *data, size_t length,
                    const UrlResponse *response, const UrlError *error, void *user_data)
{
    int *status = user_data;

    if (error) {
        print_error("data task", error);
        *status = 1;
        return;
    }
    const char *type = url_response_get_mime_type(response);
    printf("data task %llu: HTTP %d (%s), %zu bytes of %s\n",
           (unsigned long long)url_session_task_get_identifier(task),
           url_response_get_status_code(response), url_response_get_http_version(response), length,
           type ? type : "unknown type");
    (void)data;
    *status = 0;
}

/* Download progress: @total_expected is -1 when the server sent no Content-Length. */
static void on_write(UrlSession *session, UrlSessionTask *task, int64_t bytes_written,
                     int64_t total_written, int64_t total_expected, void *delegate_data)
{
    struct download *d = delegate_data;

    if (total_expected > 0) {
        int64_t percent = total_written * 100 / total_expected;
        if (percent != d->last_percent) {
            fprintf(stderr, "\rdownloading: %3lld%%", (long long)percent);
            d->last_percent = percent;
        }
    } else {
        fprintf(stderr, "\rdownloading: %lld bytes", (long long)total_written);
    }
    (void)session, (void)task, (void)bytes_written;
}

/* The body is complete in a temporary file at @location, which the library removes when
 * this returns: move it now. An error page (404, 500...) is downloaded too; keep only a
 * 200's body. */
static void on_finished(UrlSession *session, UrlSessionTask *task, const char *location,
                        void *delegate_data)
{
    struct download *d = delegate_data;

    /* A getter marked (transfer full) gives a reference of our own: release it. */
    UrlResponse *response = url_session_task_get_response(task);
    int status = url_response_get_status_code(response);
    url_response_unref(response);
    if (status != 200)
        return;
    if (rename(location, d->output) != 0) {
        fprintf(stderr, "\ncannot move %s to %s: %s\n", location, d->output, strerror(errno));
        return;
    }
    d->moved = true;
    (void)session, (void)task;
}

/* Called exactly once per task, after every other callback of the task. */
static void on_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                        void *delegate_data)
{
    struct download *d = delegate_data;

    fputc('\n', stderr);
    if (error) {
        print_error("download", error);
        d->failed = true;
        return;
    }
    if (!d->moved) {
        UrlResponse *response = url_session_task_get_response(task);
        fprintf(stderr, "download: HTTP %d, nothing saved\n",
                url_response_get_status_code(response));
        url_response_unref(response);
        d->failed = true;
        return;
    }
    printf("saved %lld bytes to %s\n",
           (long long)url_session_task_get_count_of_bytes_received(task), d->output);
    (void)session;
}

/* The last callback the session makes: after it, delegate_data may go away. */
static void on_invalid(UrlSession *session, const UrlError *error, void *delegate_data)
{
    struct download *d = delegate_data;

    d->invalidated = true;
    (void)session, (void)error;
}

/* The directory part of @path, so that the temporary file lands on the same filesystem
 * as the output and moving it is a rename. */
static void directory_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

static int fetch(const UrlSessionConfiguration *configuration, UrlRequest *request)
{
    /* No delegate, NULL queue: callbacks run on a serial queue with its own thread. */
    UrlSession *session = url_session_new(configuration, NULL, NULL, NULL);
    int status = 1;

    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, on_data, &status);
    url_session_task_resume(task);   /* tasks start suspended */
    url_session_task_wait(task, -1); /* returns after on_data has returned */
    url_session_task_unref(task);

    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
    return status;
}

static int download(const UrlSessionConfiguration *configuration, UrlRequest *request,
                    const char *output)
{
    char dir[4096];
    struct download d = {.output = output, .last_percent = -1};
    UrlSessionDelegate delegate = {
        .download_did_write_data = on_write,
        .download_did_finish_downloading_to = on_finished,
        .did_complete = on_complete,
        .did_become_invalid = on_invalid,
    };

    UrlSessionConfiguration *copy = url_session_configuration_copy(configuration);
    directory_of(output, dir, sizeof dir);
    url_session_configuration_set_download_directory(copy, dir);

    /* A manual queue: callbacks run when this thread calls url_queue_dispatch(). */
    UrlQueue *queue = url_queue_new_manual();
    UrlSession *session = url_session_new(copy, &delegate, &d, queue);
    url_session_configuration_unref(copy); /* the session copied it */

    UrlSessionTask *task = url_session_download_task(session, request);
    url_session_task_resume(task);
    url_session_task_unref(task); /* the session keeps the task until it completes */

    /* Let the task finish, then did_become_invalid; drive the queue until then. */
    url_session_finish_tasks_and_invalidate(session);
    while (!d.invalidated) {
        struct pollfd pfd = {.fd = url_queue_get_fd(queue), .events = POLLIN};
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
            break;
        url_queue_dispatch(queue);
    }
    url_session_unref(session);
    url_queue_unref(queue);
    return d.failed || !d.invalidated ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s URL OUTPUT [CA_FILE]\n", argv[0]);
        return 2;
    }

    UrlError *error = NULL;
    UrlRequest *request = url_request_new_checked(argv[1], &error);
    if (!request) {
        print_error("url_request_new_checked", error);
        url_error_unref(error);
        return 2;
    }

    UrlSessionConfiguration *configuration = url_session_configuration_new_default();
    url_session_configuration_set_timeout_interval_for_request(configuration, 30);
    url_session_configuration_set_timeout_interval_for_resource(configuration, 600);
    if (argc == 4)
        url_session_configuration_set_ca_file(configuration, argv[3]);

    int status = fetch(configuration, request);
    if (status == 0)
        status = download(configuration, request, argv[2]);

    url_session_configuration_unref(configuration);
    url_request_unref(request);
    return status;
}
