/* task_assist.c — Wi-Fi Assist. A hop that goes over Wi-Fi (multipath service type none)
 * gets a twin bound to a cellular interface, made with the hop's transfer but started only
 * when the hop's connection is not ready after the configuration's head start. Whichever
 * connection is ready first (CURLOPT_PREREQFUNCTION: connected, TLS done, request not yet
 * sent) carries the request; the other is aborted at that same point if it gets there, and
 * removed from the multi on the next turn of the loop (curl refuses multi calls from its
 * callbacks). So the task sees one response and no byte from the loser. A Wi-Fi attempt
 * that fails before it is ready hands the hop to the cellular one at once. */
#include "session/task_assist.h"

#include <net/if.h>

#include "http/multi_driver.h"
#include "http/timer.h"
#include "session/configuration.h"
#include "session/task.h"
#include "session/task_path.h"

struct UrlTaskAssist {
    UrlTransfer *racer; /* the cellular attempt, until a winner is known */
    bool racing;        /* ... added to the multi */
    bool decided;       /* a connection was ready: no more race */
    UrlTransfer *loser; /* in the multi, to be removed outside curl's callbacks */
    UrlTimer *timer;    /* the head start, then the loser's removal */
    char interface[IF_NAMESIZE];
};

static void drop(UrlSessionTask *task, UrlTransfer *transfer, bool added)
{
    if (transfer == NULL)
        return;
    if (added) {
        url__transfer_prepare_removal(transfer);
        url__multi_driver_remove(url__session_driver(task->session),
                                 url__transfer_get_easy(transfer));
    }
    url__transfer_free(transfer);
}

/* The cellular attempt joins the multi; false when curl refused it (then it is gone). */
static bool start_racer(UrlSessionTask *task, UrlTaskAssist *assist)
{
    CURLMcode added = url__multi_driver_add(url__session_driver(task->session),
                                            url__transfer_get_easy(assist->racer));
    if (added != CURLM_OK) {
        g_debug("wifi assist: cannot start the %s attempt: %s", assist->interface,
                curl_multi_strerror(added));
        drop(task, assist->racer, false);
        assist->racer = NULL;
        return false;
    }
    assist->racing = true;
    url__transfer_mark_start(assist->racer);
    g_debug("wifi assist: racing %s", assist->interface);
    return true;
}

static void on_timer(void *data)
{
    UrlSessionTask *task = data;
    UrlTaskAssist *assist = task->net.assist;
    drop(task, assist->loser, true);
    assist->loser = NULL;
    if (!assist->decided && assist->racer && !assist->racing)
        start_racer(task, assist);
}

void url__task_assist_prepare(UrlSessionTask *task, const UrlTransferSpec *spec,
                              const UrlTransferCallbacks *callbacks)
{
    char interface[IF_NAMESIZE];
    /* A stream body can be read only once. */
    if (spec->body_kind == URL_TRANSFER_BODY_READER ||
        !url__task_path_assist_interface(task, interface))
        return;
    UrlTransferSpec twin = *spec;
    twin.interface = interface;
    twin.own_connection = true;
    UrlError *error = NULL;
    UrlTransfer *racer = url__transfer_new(&twin, callbacks, task, &error);
    if (racer == NULL) {
        g_debug("wifi assist: no %s attempt: %s", interface, url_error_get_message(error));
        url_error_unref(error);
        return;
    }
    UrlTaskAssist *assist = g_new0(UrlTaskAssist, 1);
    assist->racer = racer;
    g_strlcpy(assist->interface, interface, sizeof assist->interface);
    assist->timer = url__timer_new(on_timer, task);
    task->net.assist = assist;
    url__timer_arm_in(assist->timer, task->session->configuration->wifi_assist_head_start);
}

bool url__task_assist_ready(UrlSessionTask *task, UrlTransfer *transfer)
{
    UrlTaskAssist *assist = task->net.assist;
    if (assist == NULL)
        return true;
    if (assist->decided)
        return transfer == task->net.transfer;
    assist->decided = true;
    if (transfer == assist->racer) {
        g_debug("wifi assist: %s was ready first", assist->interface);
        assist->loser = task->net.transfer;
        task->net.transfer = assist->racer;
    } else if (assist->racing) {
        assist->loser = assist->racer;
    } else {
        drop(task, assist->racer, false); /* never started: not in the multi */
    }
    assist->racer = NULL;
    assist->racing = false;
    if (assist->loser)
        url__timer_arm_in(assist->timer, 0);
    else
        url__timer_disarm(assist->timer);
    return true;
}

/* The cellular attempt (in the multi) becomes the hop's transfer; the other is dropped. */
static void racer_takes_over(UrlSessionTask *task, UrlTaskAssist *assist)
{
    drop(task, task->net.transfer, true);
    task->net.transfer = assist->racer;
    assist->racer = NULL;
    assist->racing = false;
    url__timer_disarm(assist->timer);
}

bool url__task_assist_transfer_done(UrlSessionTask *task, UrlTransfer *transfer, CURLcode code)
{
    UrlTaskAssist *assist = task->net.assist;
    if (assist == NULL)
        return false;
    if (transfer == assist->loser) {
        drop(task, transfer, true);
        assist->loser = NULL;
        return true;
    }
    if (transfer == assist->racer && code == CURLE_PEER_FAILED_VERIFICATION) {
        /* The server's identity is the same over any path: the cellular attempt's
         * answer is the hop's (one trust question for the delegate, not two). */
        racer_takes_over(task, assist);
        return false;
    }
    if (transfer == assist->racer) {
        g_debug("wifi assist: the %s attempt failed: %s", assist->interface,
                curl_easy_strerror(code));
        drop(task, transfer, true);
        assist->racer = NULL;
        assist->racing = false;
        return true;
    }
    /* The Wi-Fi attempt failed before its connection was ready, so nothing was sent:
     * the cellular attempt carries the hop, now. */
    if (transfer != task->net.transfer || code == CURLE_OK || assist->decided ||
        assist->racer == NULL)
        return false;
    if (!assist->racing && !start_racer(task, assist))
        return false;
    g_debug("wifi assist: Wi-Fi failed (%s), %s goes on", curl_easy_strerror(code),
            assist->interface);
    racer_takes_over(task, assist);
    return true;
}

void url__task_assist_clear(UrlSessionTask *task)
{
    UrlTaskAssist *assist = task->net.assist;
    if (assist == NULL)
        return;
    drop(task, assist->racer, assist->racing);
    drop(task, assist->loser, true);
    url__timer_free(assist->timer);
    g_free(assist);
    task->net.assist = NULL;
}
