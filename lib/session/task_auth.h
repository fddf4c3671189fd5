/* task_auth.h — a task's authentication challenges (HTTP Basic and Digest, for the
 * origin and for the proxy): a 401 or 407 with a challenge the library can answer is
 * held while the delegate decides, and the request is sent again with the credential as
 * a new hop. Network thread only. */
#ifndef URL_SESSION_TASK_AUTH_H
#define URL_SESSION_TASK_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include <urlsession/auth.h>

#include "http/server_trust.h"
#include "http/transfer.h"

typedef struct UrlSessionTask UrlSessionTask;

/* The final head of a hop arrived. Returns true when it is a challenge the task answers
 * (the response is kept, with its body, until the transfer ends); false when the task
 * goes on with it as its response (and a credential it worked with is stored, as its
 * persistence says). @proxied: the hop went through a proxy. */
bool url__task_auth_on_response(UrlSessionTask *task, UrlResponse *response, bool proxied);
/* Body bytes of a held challenge response; false when none is held. */
bool url__task_auth_on_body(UrlSessionTask *task, const char *data, size_t length);
/* The hop failed (@error set) because the proxy answered CONNECT with 407: true when the
 * challenge will be answered (then *@error is cleared and url__task_auth_transfer_done
 * takes over); false otherwise, with *@error replaced by URL_ERROR_USER_AUTHENTICATION_REQUIRED
 * for a 407. */
bool url__task_auth_tunnel_refused(UrlSessionTask *task, UrlTransfer *transfer, UrlError **error);
/* The hop failed (@error set) because the handshake was stopped to ask the delegate about
 * the server's chain (@trust, the transfer's): true, with *@error cleared, when the
 * challenge is now pending (url__task_auth_transfer_done asks). */
bool url__task_auth_trust_asked(UrlSessionTask *task, const UrlServerTrust *trust,
                                UrlError **error);
/* The hop ended: true when a challenge was held and is now being answered (asking the
 * delegate, or by default handling). */
bool url__task_auth_transfer_done(UrlSessionTask *task);
/* The credentials the next hop sends: the origin's only to the origin they answer. */
void url__task_auth_fill_spec(UrlSessionTask *task, UrlTransferSpec *spec, const char *url);
/* Drops everything (the task ended). */
void url__task_auth_clear(UrlSessionTask *task);

/* The delegate's answer, from the challenge handler (handlers.c). Takes nothing. */
void url__task_net_challenge_decided(UrlSessionTask *task, UrlAuthChallengeDisposition disposition,
                                     UrlCredential *credential);

#endif
