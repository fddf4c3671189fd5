/* http_status.h — the reason phrases of the HTTP statuses people meet. */
#ifndef URLGET_HTTP_STATUS_H
#define URLGET_HTTP_STATUS_H

/* Returns: the RFC 9110 reason phrase of @status, "" when it is not a common one. The
 * library does not keep the phrase the server sent (HTTP/2 has none), so urlget names
 * failures with this table. */
const char *http_status_reason(int status);

#endif
