/* request.h — the layout of UrlRequest, read by the session and the HTTP driver. */
#ifndef URL_SESSION_REQUEST_PRIVATE_H
#define URL_SESSION_REQUEST_PRIVATE_H

#include <urlsession/request.h>

#include <glib.h>

#include "http/header_list.h"

struct UrlRequest {
    int ref_count;          /* atomic */
    char *url;              /* normalised, never NULL; may be inline_url */
    const char *method;     /* never NULL, "GET" by default; common ones are static strings */
    UrlHeaderList *headers; /* NULL until a header is set: read it with url__header_list_* */
    UrlRequestBodyKind body_kind;
    GBytes *body_data;           /* URL_REQUEST_BODY_DATA */
    char *body_file;             /* URL_REQUEST_BODY_FILE */
    UrlInputStream *body_stream; /* URL_REQUEST_BODY_STREAM, a reference */
    int64_t body_stream_length;  /* -1 unknown */
    double timeout_interval;     /* 0: the configuration's */
    bool allows_cellular_access;
    bool should_handle_cookies;
    char *main_document_url; /* nullable */
    UrlRequestCachePolicy cache_policy;
    char inline_url[]; /* a copy's URL, in the same allocation */
};

/* Sets the body from a GBytes without copying (takes a new reference). */
void url__request_set_body_bytes(UrlRequest *request, GBytes *bytes);

#endif
