/* curl_error.c — mapping libcurl's CURLcode to NSURLError-compatible UrlError codes. */
#include "http/curl_error.h"

#include <openssl/x509_vfy.h>

#include "session/error.h"

static UrlErrorCode certificate_error_code(long verify_result)
{
    switch (verify_result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CRL_HAS_EXPIRED:
        return URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE;
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CRL_NOT_YET_VALID:
        return URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        return URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT;
    default:
        return URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED;
    }
}

UrlErrorCode url__curl_error_code(CURLcode code, long verify_result)
{
    switch (code) {
    case CURLE_OK:
        return 0;
    case CURLE_UNSUPPORTED_PROTOCOL:
        /* Schemes are checked before a transfer starts, so during one this means the
         * server answered with something that is not HTTP ("Received HTTP/0.9"). */
        return URL_ERROR_BAD_SERVER_RESPONSE;
    case CURLE_URL_MALFORMAT:
        return URL_ERROR_BAD_URL;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return URL_ERROR_CANNOT_FIND_HOST;
    case CURLE_COULDNT_CONNECT:
        return URL_ERROR_CANNOT_CONNECT_TO_HOST;
    case CURLE_OPERATION_TIMEDOUT:
        return URL_ERROR_TIMED_OUT;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
        return URL_ERROR_NETWORK_CONNECTION_LOST;
    case CURLE_WEIRD_SERVER_REPLY:
        return URL_ERROR_BAD_SERVER_RESPONSE;
    case CURLE_BAD_CONTENT_ENCODING:
        return URL_ERROR_CANNOT_DECODE_CONTENT_DATA;
    case CURLE_PEER_FAILED_VERIFICATION:
        return certificate_error_code(verify_result);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
        return URL_ERROR_SECURE_CONNECTION_FAILED;
    case CURLE_SSL_CERTPROBLEM:
        return URL_ERROR_CLIENT_CERTIFICATE_REJECTED;
    case CURLE_SSL_CLIENTCERT:
        return URL_ERROR_CLIENT_CERTIFICATE_REQUIRED;
    case CURLE_TOO_MANY_REDIRECTS:
        return URL_ERROR_HTTP_TOO_MANY_REDIRECTS;
    case CURLE_FILESIZE_EXCEEDED:
        return URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM;
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_READ_ERROR:
        return URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED;
    case CURLE_WRITE_ERROR:
        return URL_ERROR_CANNOT_WRITE_TO_FILE;
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
        return URL_ERROR_USER_AUTHENTICATION_REQUIRED;
    case CURLE_ABORTED_BY_CALLBACK:
        return URL_ERROR_CANCELLED;
    default:
        return URL_ERROR_UNKNOWN;
    }
}

UrlError *url__curl_error_new(CURLcode code, long verify_result, const char *detail,
                              const char *url)
{
    if (code == CURLE_OK)
        return NULL;
    UrlErrorCode mapped = url__curl_error_code(code, verify_result);
    const char *reason = detail && *detail ? detail : curl_easy_strerror(code);
    return url__error_newf(mapped, url, "%s (curl error %d: %s)", url_error_code_describe(mapped),
                           (int)code, reason);
}
