/* curl_error.h — mapping libcurl's CURLcode to NSURLError-compatible UrlError codes. */
#ifndef URL_HTTP_CURL_ERROR_H
#define URL_HTTP_CURL_ERROR_H

#include <curl/curl.h>
#include <urlsession/error.h>

/* The code for @code; @verify_result is CURLINFO_SSL_VERIFYRESULT (an X509_V_ERR_*),
 * which tells expired from untrusted certificates. */
UrlErrorCode url__curl_error_code(CURLcode code, long verify_result);

/* A full error: the mapped code, a message made of curl's @detail (its error buffer,
 * may be empty) or curl_easy_strerror(), and @url. */
UrlError *url__curl_error_new(CURLcode code, long verify_result, const char *detail,
                              const char *url);

#endif
