/* mp_client.c — the multipath tests' client: one or more GETs with a chosen service type
 * and interface policy, telling on stdout what the delegate heard.
 *
 *   mp_client [options] URL
 *     --multipath none|handover|interactive|aggregate
 *     --no-cellular               allows_cellular_access = false
 *     --interface-type IF=TYPE    (repeatable)
 *     --wait                      waits_for_connectivity
 *     --manage-endpoints          the session may set the kernel PM's MPTCP endpoints
 *     --wifi-assist [--head-start S]
 *                                 Wi-Fi Assist, with its head start
 *     --request-timeout S, --resource-timeout S
 *     --repeat N                  N requests one after another (same session)
 *     --gap S                     S seconds between them (the connection idles)
 *     -o FILE                     the (last) body
 *     --metrics FILE              the (last) task's metrics JSON
 *
 * Prints "waiting N", "better_route N", "error CODE" (0 on success) and, with --repeat,
 * "median_ms X" and "p95_ms X" (request start to completion), and "elapsed_ms X" for the
 * last request. Exit status 0 when every request succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <urlsession/urlsession.h>

typedef struct {
    FILE *out;
    int waiting, better_route;
    int error_code;
    char *metrics;
} State;

static void on_data(UrlSession *session, UrlSessionTask *task, const void *data, size_t length,
                    void *user)
{
    State *state = user;
    if (state->out)
        fwrite(data, 1, length, state->out);
}

static void on_metrics(UrlSession *session, UrlSessionTask *task, const UrlTaskMetrics *metrics,
                       void *user)
{
    State *state = user;
    free(state->metrics);
    state->metrics = url_task_metrics_to_json(metrics);
}

static void on_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                        void *user)
{
    State *state = user;
    state->error_code = error ? (int)url_error_get_code(error) : 0;
    if (error)
        fprintf(stderr, "mp_client: %s\n", url_error_get_message(error));
}

static void on_waiting(UrlSession *session, UrlSessionTask *task, void *user)
{
    State *state = user;
    state->waiting++;
    printf("waiting_now\n");
    fflush(stdout);
}

static void on_better_route(UrlSession *session, UrlSessionTask *task, void *user)
{
    State *state = user;
    state->better_route++;
    printf("better_route_now\n");
    fflush(stdout);
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *multipath = "none", *output = NULL, *metrics_path = NULL, *url = NULL;
    bool no_cellular = false, wait = false;
    double request_timeout = 60, resource_timeout = 600;
    int repeat = 1;
    double gap = 0;
    UrlSessionConfiguration *configuration = url_session_configuration_new_ephemeral();
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--multipath") == 0 && next) {
            multipath = argv[++i];
        } else if (strcmp(arg, "--no-cellular") == 0) {
            no_cellular = true;
        } else if (strcmp(arg, "--wait") == 0) {
            wait = true;
        } else if (strcmp(arg, "--manage-endpoints") == 0) {
            url_session_configuration_set_manages_mptcp_endpoints(configuration, true);
        } else if (strcmp(arg, "--wifi-assist") == 0) {
            url_session_configuration_set_wifi_assist(configuration, true);
        } else if (strcmp(arg, "--head-start") == 0 && next) {
            url_session_configuration_set_wifi_assist_head_start(configuration, atof(argv[++i]));
        } else if (strcmp(arg, "--interface-type") == 0 && next) {
            char **pair = g_strsplit(argv[++i], "=", 2);
            UrlInterfaceType type;
            if (!pair[1] || !url_interface_type_from_string(pair[1], &type)) {
                fprintf(stderr, "mp_client: bad --interface-type %s\n", next);
                return 2;
            }
            url_session_configuration_set_interface_type(configuration, pair[0], type);
            g_strfreev(pair);
        } else if (strcmp(arg, "--request-timeout") == 0 && next) {
            request_timeout = atof(argv[++i]);
        } else if (strcmp(arg, "--resource-timeout") == 0 && next) {
            resource_timeout = atof(argv[++i]);
        } else if (strcmp(arg, "--repeat") == 0 && next) {
            repeat = atoi(argv[++i]);
        } else if (strcmp(arg, "--gap") == 0 && next) {
            gap = atof(argv[++i]);
        } else if (strcmp(arg, "-o") == 0 && next) {
            output = argv[++i];
        } else if (strcmp(arg, "--metrics") == 0 && next) {
            metrics_path = argv[++i];
        } else if (arg[0] != '-') {
            url = arg;
        } else {
            fprintf(stderr, "mp_client: unknown option %s\n", arg);
            return 2;
        }
    }
    static const char *const types[] = {"none", "handover", "interactive", "aggregate"};
    int type = -1;
    for (int t = 0; t < 4; t++)
        if (strcmp(multipath, types[t]) == 0)
            type = t;
    if (url == NULL || type < 0 || repeat < 1 || repeat > 1000 || !(gap >= 0 && gap <= 60)) {
        fprintf(stderr, "usage: mp_client [--multipath TYPE] [--no-cellular] [--wait] URL\n");
        return 2;
    }
    url_session_configuration_set_multipath_service_type(configuration,
                                                         (UrlMultipathServiceType)type);
    url_session_configuration_set_allows_cellular_access(configuration, !no_cellular);
    url_session_configuration_set_waits_for_connectivity(configuration, wait);
    url_session_configuration_set_timeout_interval_for_request(configuration, request_timeout);
    url_session_configuration_set_timeout_interval_for_resource(configuration, resource_timeout);

    State state = {0};
    UrlSessionDelegate delegate = {
        .data_did_receive_data = on_data,
        .did_finish_collecting_metrics = on_metrics,
        .did_complete = on_complete,
        .task_is_waiting_for_connectivity = on_waiting,
        .task_better_route_discovered = on_better_route,
    };
    UrlSession *session = url_session_new(configuration, &delegate, &state, NULL);
    url_session_configuration_unref(configuration);
    double *times = g_new(double, repeat), elapsed = 0;
    int failures = 0;
    for (int r = 0; r < repeat; r++) {
        if (r > 0 && gap > 0)
            g_usleep((gulong)(gap * G_USEC_PER_SEC));
        if (output) {
            state.out = fopen(output, "wb");
            if (state.out == NULL) {
                perror(output);
                return 2;
            }
        }
        UrlRequest *request = url_request_new(url);
        UrlSessionTask *task = url_session_data_task(session, request);
        url_request_unref(request);
        gint64 start = g_get_monotonic_time();
        url_session_task_resume(task);
        url_session_task_wait(task, resource_timeout + 30);
        times[r] = elapsed = (double)(g_get_monotonic_time() - start) / 1000.0;
        url_session_task_unref(task);
        if (state.out)
            fclose(state.out);
        state.out = NULL;
        failures += state.error_code != 0;
    }
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
    qsort(times, (size_t)repeat, sizeof *times, compare);
    printf("waiting %d\nbetter_route %d\nerror %d\n", state.waiting, state.better_route,
           state.error_code);
    printf("elapsed_ms %.3f\n", elapsed);
    if (repeat > 1) {
        printf("median_ms %.3f\n", times[repeat / 2]);
        /* The nearest-rank 95th percentile. */
        printf("p95_ms %.3f\n", times[(repeat * 95 + 99) / 100 - 1]);
    }
    if (metrics_path && state.metrics) {
        FILE *m = fopen(metrics_path, "w");
        if (m) {
            fprintf(m, "%s\n", state.metrics);
            fclose(m);
        }
    }
    free(state.metrics);
    g_free(times);
    return failures ? 1 : 0;
}
