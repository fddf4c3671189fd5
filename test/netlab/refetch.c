/* refetch.c — fetches a URL, runs a shell command, fetches it again, with one session:
 * what a cache (DNS, NAT64 prefix, Happy Eyeballs memory) does across an event. Prints
 * one line per fetch: "fetch N: ok REMOTE_ADDRESS" (with " nat64 PREFIX" when the address
 * was synthesized) or "fetch N: ERROR_NAME message", then "fetch N tried: ADDRESS..." when
 * the error lists the addresses connections were attempted to. "tfo" ends an ok line when
 * the transaction's metrics say TCP Fast Open was used.
 *
 *   refetch [--doh URL] [--cacert FILE] [--tcp-fast-open] [--post] URL [COMMAND]...
 *
 * Each COMMAND runs after the fetch before it; --doh and --cacert set the session's DNS
 * over HTTPS URL and CA file, --tcp-fast-open the session's TCP Fast Open, --post makes
 * every fetch a POST with a small body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <urlsession/urlsession.h>

static bool post;

static int fetch(UrlSession *session, const char *url, int n)
{
    UrlRequest *request = url_request_new(url);
    url_request_set_timeout_interval(request, 10);
    if (post) {
        url_request_set_method(request, "POST", NULL);
        url_request_set_body_data(request, "refetch", 7);
    }
    UrlSessionTask *task = url_session_data_task(session, request);
    url_request_unref(request);
    url_session_task_resume(task);
    if (!url_session_task_wait(task, 30)) {
        printf("fetch %d: did not finish\n", n);
        url_session_task_unref(task);
        return 1;
    }
    UrlError *error = url_session_task_get_error(task);
    if (error) {
        printf("fetch %d: %s %s\n", n, url_error_code_name(url_error_get_code(error)),
               url_error_get_message(error));
        size_t tried = url_error_get_addresses_tried_count(error);
        if (tried > 0) {
            printf("fetch %d tried:", n);
            for (size_t i = 0; i < tried; i++)
                printf(" %s", url_error_get_address_tried(error, i));
            printf("\n");
        }
        url_error_unref(error);
    } else {
        UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
        const UrlTransactionMetrics *t =
            metrics ? url_task_metrics_get_transaction(metrics, 0) : NULL;
        const char *remote = t ? url_transaction_metrics_get_remote_address(t, NULL) : NULL;
        const char *prefix = t ? url_transaction_metrics_get_nat64_prefix(t) : NULL;
        bool tfo = t && url_transaction_metrics_is_tcp_fast_open(t);
        printf("fetch %d: ok %s%s%s%s\n", n, remote ? remote : "?", prefix ? " nat64 " : "",
               prefix ? prefix : "", tfo ? " tfo" : "");
        url_task_metrics_unref(metrics);
    }
    fflush(stdout);
    url_session_task_unref(task);
    return 0;
}

int main(int argc, char **argv)
{
    UrlSessionConfiguration *configuration = url_session_configuration_new_ephemeral();
    int first = 1;
    for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
        const char *option = argv[first];
        const char *value = first + 1 < argc ? argv[first + 1] : NULL;
        UrlError *error = NULL;
        if (strcmp(option, "--tcp-fast-open") == 0) {
            url_session_configuration_set_tcp_fast_open(configuration, true);
        } else if (strcmp(option, "--post") == 0) {
            post = true;
        } else if (strcmp(option, "--cacert") == 0 && value) {
            url_session_configuration_set_ca_file(configuration, value);
            first++;
        } else if (strcmp(option, "--doh") == 0 && value) {
            if (!url_session_configuration_set_dns_over_https_url(configuration, value, &error)) {
                fprintf(stderr, "refetch: %s\n", url_error_get_message(error));
                url_error_unref(error);
                url_session_configuration_unref(configuration);
                return 2;
            }
            first++;
        } else {
            break;
        }
    }
    if (first >= argc || strncmp(argv[first], "--", 2) == 0) {
        fprintf(stderr, "usage: refetch [--doh URL] [--cacert FILE] [--tcp-fast-open] [--post] "
                        "URL [COMMAND]...\n");
        url_session_configuration_unref(configuration);
        return 2;
    }
    UrlSession *session = url_session_new(configuration, NULL, NULL, NULL);
    url_session_configuration_unref(configuration);
    const char *url = argv[first];
    int failures = fetch(session, url, 1);
    for (int i = first + 1; i < argc; i++) {
        if (system(argv[i]) != 0)
            fprintf(stderr, "refetch: command failed: %s\n", argv[i]);
        usleep(300 * 1000); /* the network thread reads rtnetlink */
        failures += fetch(session, url, i - first + 1);
    }
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
    return failures ? 1 : 0;
}
