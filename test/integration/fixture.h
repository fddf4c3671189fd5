/* fixture.h — shared fixture of the integration tests: one loopback nginx per test
 * executable, URLs, sha256, and a delegate recorder that logs callbacks in order.
 *
 * A test program calls it_init(), registers its tests with it_add() and returns it_run().
 * The server starts before the first test that runs and stops when the program exits,
 * also when it aborts on a failed assertion (a watchdog process stops it). Each test runs
 * in a subprocess of its own, so one failure or crash does not stop the others (with
 * URL_IT_IN_PROCESS=1 they run in the program's own process instead, for valgrind). When nginx
 * is not installed the tests skip, except under CI=true where they fail. */
#ifndef URL_TEST_INTEGRATION_FIXTURE_H
#define URL_TEST_INTEGRATION_FIXTURE_H

#include <glib.h>
#include <urlsession/urlsession.h>

/* Which of the server's three listeners a URL points at. */
typedef enum {
    IT_HTTP,  /* HTTP/1.1 cleartext */
    IT_HTTPS, /* TLS, ALPN h2 and http/1.1 */
    IT_H2C,   /* cleartext HTTP/2, prior knowledge only */
} ItProto;

#define IT_PROTO_COUNT 3

void it_init(int *argc, char ***argv);
/* Registers a test that needs the server; it is skipped (or failed under CI) without it. */
void it_add(const char *path, void (*fn)(void));
/* Same with a parameter, typically GINT_TO_POINTER(an ItProto). */
void it_add_data(const char *path, gconstpointer data, void (*fn)(gconstpointer));
/* Runs the tests, stops the server, removes the temp dir. Returns the exit status. */
int it_run(void);

/* Name of @proto for test paths and messages: "http", "https", "h2c". */
const char *it_proto_name(ItProto proto);
/* "http://127.0.0.1:PORT" + @path (which starts with "/"). Free with g_free(). */
char *it_url(ItProto proto, const char *path);
int it_port(ItProto proto);
/* Paths inside the server's directory; valid until it_run() returns. */
const char *it_ca_file(void);
const char *it_www_dir(void);
const char *it_uploads_dir(void);
/* An empty directory for download tasks of this program. */
const char *it_download_dir(void);
/* A scratch directory for files the tests make. */
const char *it_scratch_dir(void);

/* A default configuration trusting the test CA, with bounded timeouts (request 30 s,
 * resource 300 s), downloads in it_download_dir(), and HTTP/2 prior knowledge for
 * IT_H2C. Release with url_session_configuration_unref(). */
UrlSessionConfiguration *it_configuration_new(ItProto proto);

/* Lower-case hex sha256; free with g_free(). NULL when the file cannot be read. */
char *it_sha256_file(const char *path);
char *it_sha256_data(const void *data, size_t length);
/* sha256 of the docroot file @name ("1m.bin"). */
char *it_sha256_www(const char *name);
/* Size of a file, -1 when missing. */
gint64 it_file_size(const char *path);
/* Number of entries in directory @path, -1 when it cannot be read. */
int it_dir_entry_count(const char *path);
/* Open file descriptors of this process. */
int it_fd_count(void);
/* Resident set size of this process in KiB (VmRSS). */
gint64 it_rss_kib(void);
/* The positive integer in environment variable @name, @fallback when it is unset or not
 * one (a load test's size, reduced under valgrind by run-valgrind.sh). */
int it_env_count(const char *name, int fallback);
/* A 127.0.0.1 TCP port nothing listens on right now. */
int it_unused_port(void);
/* Runs `/bin/sh -c @command` (a server of the test's own: its output goes where the
 * command sends it, @log for diagnostics) in a process that gets SIGTERM when the test
 * process dies, and waits (at most 10 s) until 127.0.0.1:@port accepts connections;
 * fails the test, showing @log, otherwise. Stop it with it_daemon_stop(). */
GPid it_daemon_start(const char *command, int port, const char *log);
void it_daemon_stop(GPid pid);

/* Callbacks a recorder logs. */
typedef enum {
    IT_EV_DELAYED = 0,
    IT_EV_REDIRECT,
    IT_EV_SEND_BODY,
    IT_EV_NEED_BODY_STREAM,
    IT_EV_RESPONSE,
    IT_EV_DATA,
    IT_EV_WRITE_DATA,
    IT_EV_FINISH_DOWNLOAD,
    IT_EV_METRICS,
    IT_EV_COMPLETE,
    IT_EV_BECOME_DOWNLOAD,
    IT_EV_RESUME_AT_OFFSET,
    IT_EV_COUNT
} ItEvent;

const char *it_event_name(ItEvent event);

/* What the recorder answers to will_perform_redirection. */
typedef enum {
    IT_REDIRECT_FOLLOW = 0, /* complete with the proposed request */
    IT_REDIRECT_MODIFY,     /* complete with a copy whose URL is redirect_url */
    IT_REDIRECT_REFUSE,     /* complete with NULL */
} ItRedirectMode;

/* Everything the recorder saw of one task. Read it after the task completed, or under
 * the recorder's lock. */
typedef struct {
    guint64 id;
    GArray *events; /* ItEvent as guint8, in the order the callbacks ran */
    guint counts[IT_EV_COUNT];
    GByteArray *body; /* data_did_receive_data bytes, when keep_body */
    guint64 body_length;
    GChecksum *body_sha256; /* running sha256 of the body */
    /* did_send_body_data */
    gint64 sent_sum, last_total_sent, last_total_expected_to_send;
    gboolean sent_totals_monotonic;
    /* download_did_write_data / download_did_finish_downloading_to */
    gint64 written_sum, last_total_written;
    char *download_location;
    char *download_sha256;
    gint64 download_size;
    /* the response seen by data_did_receive_response, or by the last redirect */
    UrlResponse *response;
    UrlResponse *redirect_response;
    char *redirect_proposed_method; /* of the last proposed request */
    char *redirect_proposed_url;
    int redirect_status;
    UrlError *error; /* of did_complete, NULL on success */
    guint64 complete_seq;
    GThread *last_thread;
    guint metrics_redirect_count;
    /* download_did_resume_at_offset */
    gint64 resume_offset, resume_expected;
} ItTaskLog;

typedef struct {
    GMutex lock;
    GCond cond;
    GHashTable *tasks; /* identifier -> ItTaskLog */
    guint64 seq;       /* callbacks seen so far, all tasks */
    guint completed;   /* did_complete calls */
    guint invalid_count;
    guint64 invalid_seq;
    guint64 last_complete_seq;
    UrlError *invalid_error;
    /* Callbacks that ran on another thread than expected_thread (when set). */
    GThread *expected_thread;
    guint wrong_thread_calls;
    /* The thread of the first callback, and calls on any other thread. */
    GThread *first_thread;
    guint other_thread_calls;
    guint overlapping_calls; /* callbacks that ran while another one was running */
    gint in_callback;

    /* Behaviour, set before tasks start. */
    gboolean keep_body; /* default TRUE */
    ItRedirectMode redirect_mode;
    char *redirect_url;                          /* for IT_REDIRECT_MODIFY */
    guint data_sleep_us;                         /* sleep in every data_did_receive_data */
    UrlResponseDisposition response_disposition; /* default ALLOW */
    GHashTable *cancel_on; /* identifier -> ItEvent + 1: cancel the task in that callback */
    /* Drive these while waiting, when the session uses them. */
    UrlQueue *manual_queue;
    GMainContext *context;
} ItRecorder;

ItRecorder *it_recorder_new(void);
void it_recorder_free(ItRecorder *rec);
/* The delegate table; pass @rec as delegate_data. */
const UrlSessionDelegate *it_recorder_delegate(void);
/* Cancel task @id from inside its first @event callback. */
void it_recorder_cancel_on(ItRecorder *rec, guint64 id, ItEvent event);
/* The log of task @task; NULL when no callback was seen for it. Borrowed. */
ItTaskLog *it_recorder_get(ItRecorder *rec, UrlSessionTask *task);
/* Waits (driving the manual queue / context when set) until @count did_complete calls
 * were made, at most @timeout seconds. */
gboolean it_recorder_wait_completed(ItRecorder *rec, guint count, double timeout);
/* Waits until did_become_invalid ran. */
gboolean it_recorder_wait_invalid(ItRecorder *rec, double timeout);
/* Runs the queue / context of @rec (if any) for about @seconds. */
void it_recorder_pump(ItRecorder *rec, double seconds);
/* NULL when the task's callbacks follow the documented order (delegate.h) and
 * did_complete ran exactly once; else a description (free with g_free()). */
char *it_task_log_check_order(const ItTaskLog *log);
/* Body as a NUL-terminated string (borrowed). */
const char *it_task_log_body_string(const ItTaskLog *log);
/* The error code of did_complete, 0 on success. */
int it_task_log_error_code(const ItTaskLog *log);

/* A session with it_configuration_new(@proto), @rec's delegate when @rec is not NULL, and
 * the default serial queue. Release with url_session_unref() or it_session_finish(). */
UrlSession *it_session_new(ItProto proto, ItRecorder *rec);

/* Finishes the session (url_session_finish_tasks_and_invalidate), waits for
 * did_become_invalid when @rec is the session's delegate, and drops @session. */
void it_session_finish(UrlSession *session, ItRecorder *rec);

/* A completion-handler result. */
typedef struct {
    GMutex lock;
    guint calls;
    GByteArray *data;
    UrlResponse *response;
    UrlError *error;
    GThread *thread;
    char *location;        /* download completion: the path it was given */
    char *download_sha256; /* of the file at location, read during the call */
    gint64 download_size;
} ItCompletion;

void it_completion_init(ItCompletion *c);
void it_completion_clear(ItCompletion *c);
/* UrlDataCompletion / UrlDownloadCompletion with an ItCompletion as user_data. */
void it_data_completion(UrlSessionTask *task, const void *data, size_t length,
                        const UrlResponse *response, const UrlError *error, void *user_data);
void it_download_completion(UrlSessionTask *task, const char *location, const UrlResponse *response,
                            const UrlError *error, void *user_data);
int it_completion_error_code(ItCompletion *c);

/* Waits until @task received at least @bytes of body (at most @timeout s); fails the test
 * with the task's error when it completes first. */
void it_wait_bytes_received(UrlSessionTask *task, gint64 bytes, double timeout);

/* Resumes @task, waits for it (at most @timeout s) and asserts it completed. */
void it_run_task(UrlSessionTask *task, double timeout);

/* Runs @request (a URL when @request is NULL) as a data task with it_data_completion on
 * @session and waits for it (60 s). @c is initialised here; clear it with
 * it_completion_clear(). Returns the completed task (release with url_session_task_unref). */
UrlSessionTask *it_fetch(UrlSession *session, const char *url, UrlRequest *request,
                         ItCompletion *c);

/* A download task of @url on @session with it_download_completion into @c (initialised
 * here), not resumed yet. Release with url_session_task_unref(). */
UrlSessionTask *it_download_task_new(UrlSession *session, const char *url, ItCompletion *c);

/* Asserts @error is set with @code; prints the error otherwise. */
#define it_assert_error_code(error, code)                                                          \
    it_assert_error_code_impl(__FILE__, __LINE__, (error), (code), #code)
void it_assert_error_code_impl(const char *file, int line, const UrlError *error, int code,
                               const char *code_name);
/* Asserts that @error is NULL; prints it otherwise. */
#define it_assert_no_error(error)                                                                  \
    it_assert_error_code_impl(__FILE__, __LINE__, (error), 0, "success")

#endif
