/* types.h — forward declarations of every opaque liburlsession type. */
#ifndef URLSESSION_TYPES_H
#define URLSESSION_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct UrlSessionConfiguration UrlSessionConfiguration;
typedef struct UrlSession UrlSession;
typedef struct UrlSessionTask UrlSessionTask;
typedef struct UrlRequest UrlRequest;
typedef struct UrlResponse UrlResponse;
typedef struct UrlError UrlError;
typedef struct UrlQueue UrlQueue;
typedef struct UrlInputStream UrlInputStream;
typedef struct UrlTaskMetrics UrlTaskMetrics;
typedef struct UrlTransactionMetrics UrlTransactionMetrics;
typedef struct UrlResponseHandler UrlResponseHandler;
typedef struct UrlRedirectHandler UrlRedirectHandler;
typedef struct UrlBodyStreamHandler UrlBodyStreamHandler;
typedef struct UrlDelayedRequestHandler UrlDelayedRequestHandler;
typedef struct UrlProtectionSpace UrlProtectionSpace;
typedef struct UrlCredential UrlCredential;
typedef struct UrlCredentialStorage UrlCredentialStorage;
typedef struct UrlAuthenticationChallenge UrlAuthenticationChallenge;
typedef struct UrlAuthChallengeHandler UrlAuthChallengeHandler;
typedef struct UrlCookie UrlCookie;
typedef struct UrlCookieStorage UrlCookieStorage;
typedef struct UrlCache UrlCache;
typedef struct UrlCachedResponse UrlCachedResponse;
typedef struct UrlCacheResponseHandler UrlCacheResponseHandler;

#ifdef __cplusplus
}
#endif

#endif
