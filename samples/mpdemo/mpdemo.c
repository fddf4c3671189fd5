/* mpdemo.c — watch multipath at work: one download, and once a second how many bytes each
 * network interface carried since it started.
 *
 *   mpdemo [--multipath none|handover|interactive|aggregate] [--interface-type IF=TYPE]...
 *          URL
 *
 * The interfaces are those of the path monitor (UrlPathMonitor), their byte counts the
 * kernel's (/sys/class/net/IF/statistics). Take Wi-Fi down while it runs to see handover
 * happen: with handover the cellular column takes over and the download goes on; with
 * none it fails with connection-lost. The body is discarded; at the end the task's
 * metrics line (interface, multipath, subflows) is printed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <urlsession/urlsession.h>

#define MAX_INTERFACES 8

typedef struct {
    char name[16];
    UrlInterfaceType type;
    int64_t start; /* counter when first seen */
} Interface;

typedef struct {
    GMutex lock;
    Interface interfaces[MAX_INTERFACES];
    int count;
    int64_t body;
    char *metrics;
    int error;
} Demo;

static int64_t counter(const char *name)
{
    int64_t total = 0;
    static const char *const leaves[] = {"rx_bytes", "tx_bytes"};
    for (int i = 0; i < 2; i++) {
        char path[128], *text = NULL;
        snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", name, leaves[i]);
        if (g_file_get_contents(path, &text, NULL, NULL))
            total += g_ascii_strtoll(text, NULL, 10);
        g_free(text);
    }
    return total;
}

/* Interfaces join the table when the path monitor first shows them usable. */
static void on_path(UrlPathMonitor *monitor, const UrlPath *path, void *data)
{
    Demo *demo = data;
    g_mutex_lock(&demo->lock);
    for (size_t i = 0; i < url_path_get_interface_count(path); i++) {
        UrlInterfaceType type;
        const char *name = url_path_get_interface(path, i, &type);
        bool known = false;
        for (int j = 0; j < demo->count; j++)
            known = known || strcmp(demo->interfaces[j].name, name) == 0;
        if (!known && demo->count < MAX_INTERFACES) {
            Interface *added = &demo->interfaces[demo->count++];
            g_strlcpy(added->name, name, sizeof added->name);
            added->type = type;
            added->start = counter(name);
        }
    }
    g_mutex_unlock(&demo->lock);
}

static void on_data(UrlSession *session, UrlSessionTask *task, const void *data, size_t length,
                    void *user)
{
    Demo *demo = user;
    g_mutex_lock(&demo->lock);
    demo->body += (int64_t)length;
    g_mutex_unlock(&demo->lock);
}

static void on_metrics(UrlSession *session, UrlSessionTask *task, const UrlTaskMetrics *metrics,
                       void *user)
{
    Demo *demo = user;
    demo->metrics = url_task_metrics_to_json(metrics);
}

static void on_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                        void *user)
{
    Demo *demo = user;
    demo->error = error ? (int)url_error_get_code(error) : 0;
    if (error)
        fprintf(stderr, "mpdemo: %s\n", url_error_get_message(error));
}

static void print_line(Demo *demo, double seconds)
{
    g_mutex_lock(&demo->lock);
    printf("%5.1f s  body %8.2f MB", seconds, (double)demo->body / 1e6);
    for (int i = 0; i < demo->count; i++)
        printf("  %s (%s) %8.2f MB", demo->interfaces[i].name,
               url_interface_type_to_string(demo->interfaces[i].type),
               (double)(counter(demo->interfaces[i].name) - demo->interfaces[i].start) / 1e6);
    printf("\n");
    fflush(stdout);
    g_mutex_unlock(&demo->lock);
}

int main(int argc, char **argv)
{
    UrlSessionConfiguration *configuration = url_session_configuration_new_ephemeral();
    UrlMultipathServiceType type = URL_MULTIPATH_SERVICE_TYPE_HANDOVER;
    const char *url = NULL;
    static const char *const types[] = {"none", "handover", "interactive", "aggregate"};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--multipath") == 0 && i + 1 < argc) {
            bool found = false;
            for (int t = 0; t < 4; t++) {
                if (strcmp(argv[i + 1], types[t]) == 0) {
                    type = (UrlMultipathServiceType)t;
                    found = true;
                }
            }
            if (!found) {
                fprintf(stderr, "mpdemo: --multipath none|handover|interactive|aggregate\n");
                return 1;
            }
            i++;
        } else if (strcmp(argv[i], "--interface-type") == 0 && i + 1 < argc) {
            char *equals = strchr(argv[++i], '=');
            UrlInterfaceType interface_type;
            if (equals == NULL || !url_interface_type_from_string(equals + 1, &interface_type)) {
                fprintf(stderr, "mpdemo: --interface-type IF=TYPE\n");
                return 1;
            }
            *equals = '\0';
            url_session_configuration_set_interface_type(configuration, argv[i], interface_type);
        } else if (argv[i][0] != '-' && url == NULL) {
            url = argv[i];
        } else {
            fprintf(stderr, "usage: mpdemo [--multipath TYPE] [--interface-type IF=TYPE]... URL\n");
            return 1;
        }
    }
    if (url == NULL) {
        fprintf(stderr, "usage: mpdemo [--multipath TYPE] [--interface-type IF=TYPE]... URL\n");
        return 1;
    }
    url_session_configuration_set_multipath_service_type(configuration, type);

    Demo demo = {.error = 0};
    g_mutex_init(&demo.lock);
    UrlQueue *queue = url_queue_new_serial("mpdemo");
    UrlPathMonitor *monitor = url_path_monitor_new(configuration);
    url_path_monitor_start(monitor, queue, on_path, &demo);
    UrlSessionDelegate delegate = {
        .data_did_receive_data = on_data,
        .did_finish_collecting_metrics = on_metrics,
        .did_complete = on_complete,
    };
    UrlSession *session = url_session_new(configuration, &delegate, &demo, NULL);
    url_session_configuration_unref(configuration);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    url_request_unref(request);
    gint64 start = g_get_monotonic_time();
    url_session_task_resume(task);
    /* A line a second until the task completes. */
    while (!url_session_task_wait(task, 1.0))
        print_line(&demo, (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
    print_line(&demo, (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
    url_session_task_unref(task);
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
    url_path_monitor_cancel(monitor);
    url_path_monitor_unref(monitor);
    url_queue_unref(queue);
    if (demo.metrics)
        printf("metrics %s\n", demo.metrics);
    free(demo.metrics);
    g_mutex_clear(&demo.lock);
    return demo.error ? 2 : 0;
}
