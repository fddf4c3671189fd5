/* task_assist.h — Wi-Fi Assist: a cellular attempt racing a hop whose Wi-Fi connection is
 * slow to become ready. Network thread only. */
#ifndef URL_SESSION_TASK_ASSIST_H
#define URL_SESSION_TASK_ASSIST_H

#include <stdbool.h>

#include <curl/curl.h>

#include "http/transfer.h"

typedef struct UrlSessionTask UrlSessionTask;
typedef struct UrlTaskAssist UrlTaskAssist;

/* After the hop's transfer (task->net.transfer) was added to the session's multi: when
 * the path allows it (url__task_path_assist_interface), prepares a copy of @spec bound to
 * the cellular interface and starts it after the configuration's head start unless the
 * hop's connection is ready by then. */
void url__task_assist_prepare(UrlSessionTask *task, const UrlTransferSpec *spec,
                              const UrlTransferCallbacks *callbacks);
/* The transfer's connection is ready and its request is about to go out: the first one
 * wins and becomes task->net.transfer; the other is dropped (later, outside curl). Returns
 * whether @transfer may go on. */
bool url__task_assist_ready(UrlSessionTask *task, UrlTransfer *transfer);
/* A transfer of the task ended (CURLMSG_DONE). Returns true when that was this module's
 * business (a loser, a cellular attempt that failed, or a Wi-Fi attempt that failed while
 * the cellular one goes on): the task's hop has not ended. A cellular attempt that failed
 * the server's verification becomes task->net.transfer, and false is returned: its end
 * is the hop's. */
bool url__task_assist_transfer_done(UrlSessionTask *task, UrlTransfer *transfer, CURLcode code);
/* The hop ends: any attempt but task->net.transfer is removed and freed. */
void url__task_assist_clear(UrlSessionTask *task);

#endif
