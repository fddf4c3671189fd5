/* multi_driver.h — one libcurl multi handle driven by the network thread's main loop
 * through curl's socket API. One per session: each session has its own connection pool. */
#ifndef URL_HTTP_MULTI_DRIVER_H
#define URL_HTTP_MULTI_DRIVER_H

#include <curl/curl.h>

typedef struct UrlMultiDriver UrlMultiDriver;

/* Called on the network thread when an easy handle finished (CURLMSG_DONE). The handle
 * is still attached; the callee usually calls url__multi_driver_remove(). */
typedef void (*UrlMultiDoneFunc)(CURL *easy, CURLcode result, void *data);

/* Network thread only, like every function here. */
UrlMultiDriver *url__multi_driver_new(long max_connections_per_host, UrlMultiDoneFunc done,
                                      void *done_data);
void url__multi_driver_free(UrlMultiDriver *driver);

/* Adds a configured easy handle; curl starts it on the next loop iteration. Returns
 * curl's code. */
CURLMcode url__multi_driver_add(UrlMultiDriver *driver, CURL *easy);
void url__multi_driver_remove(UrlMultiDriver *driver, CURL *easy);

/* An easy handle for a new transfer of this session: a reset one from the session's
 * spares, or a new one. Give it back with url__multi_driver_give_easy() (not
 * curl_easy_cleanup) once removed: the driver keeps a few for the next transfers and
 * cleans up the rest. */
CURL *url__multi_driver_take_easy(UrlMultiDriver *driver);
void url__multi_driver_give_easy(UrlMultiDriver *driver, CURL *easy);

/* Asks curl to look at its timers again soon: after curl_easy_pause() and the like,
 * which change what curl wants to do without a socket event. */
void url__multi_driver_kick(UrlMultiDriver *driver);

#endif
