/* urlsession.h — liburlsession: URLSession for C on Linux. Include this one header. */
#ifndef URLSESSION_URLSESSION_H
#define URLSESSION_URLSESSION_H

#include "export.h"
#include "types.h"
#include "error.h"
#include "configuration.h"
#include "input_stream.h"
#include "request.h"
#include "response.h"
#include "queue.h"
#include "path_monitor.h"
#include "metrics.h"
#include "handlers.h"
#include "auth.h"
#include "cookies.h"
#include "cache.h"
#include "delegate.h"
#include "session.h"
#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * url_version_string:
 * Returns: (transfer none): "liburlsession/X.Y.Z libcurl/A.B.C", static
 * Thread: any
 */
URL_API const char *url_version_string(void);

#ifdef __cplusplus
}
#endif

#endif
