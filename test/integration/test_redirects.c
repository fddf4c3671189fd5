/* test_redirects.c — 301 302 303 307 308 with GET, POST and HEAD: the method and body the
 * next request carries, what will_perform_redirection can decide, chains and loops. */
#include "fixture.h"

#include <string.h>

static const int codes[] = {301, 302, 303, 307, 308};
static const char *const methods[] = {"GET", "POST", "HEAD"};
#define POST_BODY "payload=1&x=%20"

typedef struct {
    ItProto proto;
    int code;
    const char *method;
} Case;

/* RFC 9110 §15.4 as URLSession applies it: 301 and 302 turn POST into GET, 303 turns
 * everything but HEAD into GET, 307 and 308 keep method and body. */
static const char *method_after(int code, const char *method)
{
    if (strcmp(method, "HEAD") == 0) {
        return "HEAD";
    }
    if (code == 307 || code == 308) {
        return method;
    }
    return "GET";
}

static UrlRequest *request_for(ItProto proto, const char *path, const char *method)
{
    g_autofree char *url = it_url(proto, path);
    UrlRequest *request = url_request_new(url);
    g_assert_nonnull(request);
    g_assert_true(url_request_set_method(request, method, NULL));
    if (strcmp(method, "POST") == 0) {
        url_request_set_body_data(request, POST_BODY, strlen(POST_BODY));
        g_assert_true(url_request_set_header(request, "Content-Type",
                                             "application/x-www-form-urlencoded", NULL));
    }
    return request;
}

static void test_code_method(gconstpointer data)
{
    const Case *c = data;
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(c->proto, rec);
    g_autofree char *path = g_strdup_printf("/redirect/%d?to=/echo", c->code);
    UrlRequest *request = request_for(c->proto, path, c->method);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);

    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_REDIRECT], ==, 1);
    g_assert_cmpint(log->redirect_status, ==, c->code);
    const char *want_method = method_after(c->code, c->method);
    g_assert_cmpstr(log->redirect_proposed_method, ==, want_method);
    g_autofree char *echo_url = it_url(c->proto, "/echo");
    g_assert_cmpstr(log->redirect_proposed_url, ==, echo_url);

    /* What reached /echo. */
    g_assert_nonnull(log->response);
    g_assert_cmpint(url_response_get_status_code(log->response), ==, 200);
    g_assert_cmpstr(url_response_get_url(log->response), ==, echo_url);
    g_assert_cmpstr(url_response_get_header(log->response, "X-Method"), ==, want_method);
    gboolean body_kept = strcmp(want_method, "POST") == 0;
    if (body_kept) {
        g_assert_cmpstr(it_task_log_body_string(log), ==, POST_BODY);
        g_assert_cmpstr(url_response_get_header(log->response, "X-Content-Length"), ==, "15");
    } else {
        g_assert_cmpuint(log->body_length, ==, 0);
        /* nginx sends an empty X-Content-Length header or none when there was no body. */
        const char *length = url_response_get_header(log->response, "X-Content-Length");
        g_assert_true(length == NULL || length[0] == '\0' || strcmp(length, "0") == 0);
    }
    g_assert_cmpuint(log->metrics_redirect_count, ==, 1);

    UrlRequest *current = url_session_task_get_current_request(task);
    g_assert_cmpstr(url_request_get_url(current), ==, echo_url);
    g_assert_cmpstr(url_request_get_method(current), ==, want_method);
    url_request_unref(current);
    UrlRequest *original = url_session_task_get_original_request(task);
    g_assert_cmpstr(url_request_get_method(original), ==, c->method);
    url_request_unref(original);

    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_modified_request(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    rec->redirect_mode = IT_REDIRECT_MODIFY;
    rec->redirect_url = it_url(proto, "/files/small.txt");
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = request_for(proto, "/redirect/302?to=/method", "GET");
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_REDIRECT], ==, 1);
    g_assert_cmpstr(it_task_log_body_string(log), ==, "hello world\n");
    g_assert_cmpstr(url_response_get_url(log->response), ==, rec->redirect_url);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_refused(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    rec->redirect_mode = IT_REDIRECT_REFUSE;
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = request_for(proto, "/redirect/302?to=/method", "GET");
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    /* The task completes with the redirect response and its body. */
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_REDIRECT], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 1);
    g_assert_cmpint(url_response_get_status_code(log->response), ==, 302);
    g_assert_cmpstr(url_response_get_header(log->response, "Location"), ==, "/method");
    g_assert_nonnull(strstr(it_task_log_body_string(log), "302 Found"));
    g_autofree char *url = it_url(proto, "/redirect/302?to=/method");
    g_assert_cmpstr(url_response_get_url(log->response), ==, url);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_chain(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = request_for(proto, "/redirect/chain", "GET");
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_REDIRECT], ==, 4);
    g_assert_cmpuint(log->metrics_redirect_count, ==, 4);
    g_assert_cmpstr(it_task_log_body_string(log), ==, "hello world\n");
    g_autofree char *final_url = it_url(proto, "/files/small.txt");
    g_assert_cmpstr(url_response_get_url(log->response), ==, final_url);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_loop(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = request_for(proto, "/redirect/loop", "GET");
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 60);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_HTTP_TOO_MANY_REDIRECTS);
    /* 20 redirects are followed; the 21st response ends the task. */
    g_assert_cmpuint(log->counts[IT_EV_REDIRECT], ==, 20);
    g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* Authorization goes along to the same origin but not to another one (here another port
 * and scheme). */
static void test_authorization_across_origins(void)
{
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    g_autofree char *cross_target = it_url(IT_HTTPS, "/headers");
    g_autofree char *cross_path = g_strdup_printf("/redirect/307?to=%s", cross_target);
    const char *paths[] = {"/redirect/307?to=/headers", cross_path};
    const char *want[] = {"authorization: Bearer secret\n", "authorization: \n"};
    for (int i = 0; i < 2; i++) {
        UrlRequest *request = request_for(IT_HTTP, paths[i], "GET");
        g_assert_true(url_request_set_header(request, "Authorization", "Bearer secret", NULL));
        UrlSessionTask *task = url_session_data_task(session, request);
        it_run_task(task, 30);
        ItTaskLog *log = it_recorder_get(rec, task);
        it_assert_no_error(log->error);
        g_assert_cmpuint(log->counts[IT_EV_REDIRECT], ==, 1);
        g_assert_cmpint(url_response_get_status_code(log->response), ==, 200);
        g_assert_nonnull(strstr(it_task_log_body_string(log), want[i]));
        url_session_task_unref(task);
        url_request_unref(request);
    }
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    GPtrArray *cases = g_ptr_array_new_with_free_func(g_free);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        for (size_t c = 0; c < G_N_ELEMENTS(codes); c++) {
            for (size_t m = 0; m < G_N_ELEMENTS(methods); m++) {
                Case *k = g_new(Case, 1);
                *k = (Case){.proto = p, .code = codes[c], .method = methods[m]};
                g_ptr_array_add(cases, k);
                g_autofree char *path =
                    g_strdup_printf("/redirects/%d/%s/%s", codes[c], methods[m], it_proto_name(p));
                it_add_data(path, k, test_code_method);
            }
        }
        static const struct {
            const char *name;
            void (*fn)(gconstpointer);
        } others[] = {
            {"modified-request", test_modified_request},
            {"refused", test_refused},
            {"chain", test_chain},
            {"loop", test_loop},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
            g_autofree char *path =
                g_strdup_printf("/redirects/%s/%s", others[i].name, it_proto_name(p));
            it_add_data(path, GINT_TO_POINTER(p), others[i].fn);
        }
    }
    it_add("/redirects/authorization-across-origins", test_authorization_across_origins);
    int status = it_run();
    g_ptr_array_unref(cases);
    return status;
}
