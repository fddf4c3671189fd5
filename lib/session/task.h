/* task.h — the layout of UrlSessionTask, shared by the task's three concerns:
 * task.c (the public object, any thread), task_run.c (the network-thread state machine)
 * and task_delivery.c (moving body bytes and events to the consumer). */
#ifndef URL_SESSION_TASK_PRIVATE_H
#define URL_SESSION_TASK_PRIVATE_H

#include <urlsession/delegate.h>
#include <urlsession/task.h>

#include <urlsession/urlsession.h>

#include <glib.h>

#include "http/timer.h"
#include "http/transfer.h"
#include "session/resume_data.h"
#include "session/task_admission.h"
#include "session/session.h"
#include "session/task_path.h"
#include "session/task_resolve.h"

/* Network-thread-only state of a running task. */
typedef struct {
    bool started;
    bool finished;
    UrlTransfer *transfer;
    UrlRequest *request; /* the request the current transfer sends */
    UrlHeaderList *send_headers;
    int redirect_count;
    UrlTimer idle_timer; /* embedded: no allocation per task */
    UrlTimer resource_timer;
    UrlTimer *begin_timer; /* only with an earliest begin date */
    gint64 last_activity;
    double request_timeout;
    double start_time;
    bool paused_by_user;
    bool paused_by_backpressure;
    bool awaiting_decision;    /* a redirect, delayed-request or body-stream answer */
    bool awaiting_disposition; /* data_did_receive_response's answer */
    bool stream_blocked;
    bool resume_decided;  /* a resumed download's final response arrived */
    bool resume_mismatch; /* ... and it was a 206 for another range */
    /* A redirect response being read, until its transfer ends. */
    UrlResponse *redirect_response;
    GByteArray *redirect_body;
    /* The body and end of a transfer that finished while its response waited for the
     * delegate's disposition. */
    bool done_while_awaiting;
    GByteArray *parked_body;
    int64_t sent_reported;
    UrlTaskMetrics *metrics;
    UrlInputStream *stream;   /* the stream being read, with our wake attached */
    struct UrlTaskAuth *auth; /* task_auth.c: challenges and credentials; NULL until used */
    /* task_path.c: interface policy, waiting for connectivity, better route; points at
     * path_storage while in use */
    struct UrlTaskPath *path;
    UrlTaskPath path_storage;
    /* task_resolve.c: where the host is; points at resolve_storage while in use */
    struct UrlTaskResolve *resolve;
    UrlTaskResolve resolve_storage;
    /* task_cache.c: the session's cache; NULL when the task does not use one */
    struct UrlTaskCache *cache;
    bool cache_consulted; /* the lookup before the first hop was made */
    /* task_assist.c: Wi-Fi Assist's cellular attempt for the current hop */
    struct UrlTaskAssist *assist;
    /* task_admission.c: the hop's place among its origin's transfers */
    UrlTaskAdmission admission;
} UrlTaskNet;

/* Bytes on their way from the network thread to the consumer; guarded by lock. */
typedef struct {
    GMutex lock;
    GByteArray *pending;
    bool scheduled;
    size_t buffered; /* received but not yet consumed */
    size_t limit;
    bool drain_wanted;     /* the network thread paused; tell it when half drained */
    GByteArray *collected; /* completion-handler data tasks: the whole body */
    /* Downloads, touched only on the file I/O thread after creation. */
    int fd;
    char *path;
    int write_errno;
    UrlErrorCode file_failure; /* CANNOT_CREATE_FILE or CANNOT_WRITE_TO_FILE, once failed */
    int64_t written;
    /* A resumed download: the partial file and where the body continues in it (0: the
     * download starts again). Set on the network thread before the first write. */
    char *resume_path;
    int64_t resume_offset;
    /* The array the consumer emptied last, to be the next pending one: one allocation
     * per task rather than one (and its growth) per delivery. Guarded by lock. */
    GByteArray *spare;
    /* Data is pending and its delivery event waits for the end of the network loop's
     * iteration, so that the chunks of one socket read reach the delegate in one event.
     * Guarded by lock. */
    bool deferred;
} UrlTaskDelivery;

struct UrlSessionTask {
    int ref_count; /* atomic */
    UrlSession *session;
    uint64_t identifier;
    UrlSessionTaskKind kind;
    UrlDataCompletion data_completion;
    UrlDownloadCompletion download_completion;
    void *completion_data;

    GMutex lock; /* guards what follows, up to the atomics */
    GCond completed_cond;
    UrlSessionTaskState state;
    int suspend_count;
    bool cancel_requested;
    bool completion_delivered;
    UrlRequest *original_request;
    UrlRequest *current_request;
    UrlResponse *response;
    UrlError *error;
    UrlTaskMetrics *metrics;
    char *description;
    float priority;
    double earliest_begin_date;
    /* url_session_task_cancel_by_producing_resume_data() */
    bool produce_resume_data;
    UrlResumeDataCallback resume_data_callback;
    void *resume_data_user_data;
    /* url_session_download_task_with_resume_data(): set at creation, then read on the
     * network thread only. */
    UrlResumeData *resume_from;

    gint64 bytes_received; /* g_atomic_pointer-free: read with task_atomic_get */
    gint64 bytes_sent;
    gint64 expected_to_receive;
    gint64 expected_to_send;
    gint64 client_expects_to_send;
    gint64 client_expects_to_receive;

    UrlTaskNet net;
    UrlTaskDelivery delivery;
};

/* 64-bit counters written by the network thread and read anywhere. */
static inline gint64 url__task_counter_get(const gint64 *counter)
{
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}
static inline void url__task_counter_set(gint64 *counter, gint64 value)
{
    __atomic_store_n(counter, value, __ATOMIC_RELAXED);
}

/* task.c */
UrlSessionTask *url__task_new(UrlSession *session, uint64_t identifier, UrlSessionTaskKind kind,
                              UrlRequest *request);
bool url__task_has_completion_handler(const UrlSessionTask *task);

/* task_run.c: network-thread jobs (take a task reference as data, see task_job_*). */
void url__task_net_apply_state(void *task);
void url__task_net_cancel(void *task);
/* The multi driver's CURLMSG_DONE for the task's current transfer. */
void url__task_net_transfer_done(UrlSessionTask *task, UrlTransfer *transfer, CURLcode code);
/* Decision answers, on the network thread. */
void url__task_net_disposition(UrlSessionTask *task, UrlResponseDisposition disposition);
void url__task_net_redirect_decided(UrlSessionTask *task, UrlRequest *request);
void url__task_net_delayed_decided(UrlSessionTask *task, int disposition, UrlRequest *request);
void url__task_net_body_stream_decided(UrlSessionTask *task, UrlInputStream *stream);
/* The consumer drained half of the buffer after a pause. */
void url__task_net_drained(void *task);
/* A download's file could not be written. */
void url__task_net_fail(UrlSessionTask *task, UrlError *error);
/* Sends the current request again as a new hop (an answered challenge). */
void url__task_net_retry_hop(UrlSessionTask *task);
/* Ends the task with @response as its answer and @body (nullable) as its body, as a
 * refused redirect or an unanswered challenge does. Takes both. */
void url__task_net_complete_with_response(UrlSessionTask *task, UrlResponse *response,
                                          GByteArray *body);

/* task_delivery.c */
void url__task_delivery_init(UrlSessionTask *task);
void url__task_delivery_clear(UrlSessionTask *task);
/* Hands body bytes toward the consumer. Returns false, taking nothing, when the buffer is
 * full: the caller pauses and waits for url__task_net_drained. */
bool url__task_delivery_push(UrlSessionTask *task, const void *data, size_t length, bool force);
/* Queues the task's completion after everything already pushed. Network thread. */
void url__task_delivery_complete(UrlSessionTask *task);

/* Posts a delegate event for @task; @run gets (task, payload). */
typedef void (*UrlTaskEventFunc)(UrlSessionTask *task, void *payload);
void url__task_post_event(UrlSessionTask *task, UrlTaskEventFunc run, void *payload,
                          GDestroyNotify free_payload);

/* handlers.c: decision handlers bound to a task. */
UrlResponseHandler *url__response_handler_new(UrlSessionTask *task);
UrlRedirectHandler *url__redirect_handler_new(UrlSessionTask *task, UrlRequest *proposed);
UrlBodyStreamHandler *url__body_stream_handler_new(UrlSessionTask *task);
UrlDelayedRequestHandler *url__delayed_request_handler_new(UrlSessionTask *task);
UrlAuthChallengeHandler *url__auth_challenge_handler_new(UrlSessionTask *task);
/* Stores its answer in @cache under @key; by default @proposed. */
UrlCacheResponseHandler *url__cache_response_handler_new(UrlSessionTask *task, UrlCache *cache,
                                                         const char *key,
                                                         UrlCachedResponse *proposed);

#endif
