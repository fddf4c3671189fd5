/* task.c — Task: a UrlSessionTask, its control, its counters and its blocking waits. */
#include "module.h"

#include <math.h>

#define SELF ((TaskObject *)self)

static PyObject *task_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    return type->tp_alloc(type, 0);
}

static int task_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(SELF->session);
    Py_VISIT(SELF->delegate_exception);
    return 0;
}

static int task_clear(PyObject *self)
{
    Py_CLEAR(SELF->session);
    Py_CLEAR(SELF->delegate_exception);
    return 0;
}

static void task_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    if (SELF->weakreflist)
        PyObject_ClearWeakRefs(self);
    task_clear(self);
    url_session_task_unref(SELF->task); /* the library keeps running tasks alive itself */
    Py_TYPE(self)->tp_free(self);
}

void url_py_task_fail_with_current_exception(TaskObject *task)
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    if (!type)
        return;
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value && traceback)
        PyException_SetTraceback(value, traceback);
    if (!task->delegate_exception && value)
        task->delegate_exception = Py_NewRef(value);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    if (task->task)
        url_session_task_cancel(task->task);
}

void url_py_task_mark_completed(TaskObject *task)
{
    atomic_store(&task->completed, true);
    atomic_fetch_add(&task->events, 1);
    SessionObject *session = task->session;
    if (session && session->tasks) {
        PyObject *key = PyLong_FromUnsignedLongLong(task->identifier);
        if (!key || PyDict_DelItem(session->tasks, key) < 0)
            PyErr_Clear();
        Py_XDECREF(key);
    }
}

static int check_task(PyObject *self)
{
    if (!SELF->task || !SELF->session) {
        PyErr_SetString(PyExc_RuntimeError,
                        "this Task was not made by a Session (use Session.data_task() and "
                        "friends)");
        return -1;
    }
    return 0;
}

static PyObject *task_resume(PyObject *self, PyObject *unused)
{
    if (check_task(self) < 0)
        return NULL;
    url_session_task_resume(SELF->task);
    Py_RETURN_NONE;
}

static PyObject *task_suspend(PyObject *self, PyObject *unused)
{
    if (check_task(self) < 0)
        return NULL;
    url_session_task_suspend(SELF->task);
    Py_RETURN_NONE;
}

static PyObject *task_cancel(PyObject *self, PyObject *unused)
{
    if (check_task(self) < 0)
        return NULL;
    url_session_task_cancel(SELF->task);
    Py_RETURN_NONE;
}

static bool task_is_completed(void *arg)
{
    return atomic_load(&((TaskObject *)arg)->completed);
}

struct event_wait {
    TaskObject *task;
    unsigned since;
};

static bool task_has_event(void *arg)
{
    struct event_wait *w = arg;
    return atomic_load(&w->task->completed) || atomic_load(&w->task->events) != w->since;
}

static double parse_timeout(PyObject *value, bool *ok)
{
    *ok = true;
    if (value == Py_None)
        return -1;
    double timeout = PyFloat_AsDouble(value);
    if (timeout == -1.0 && PyErr_Occurred())
        *ok = false;
    else if (timeout < 0)
        timeout = 0;
    return timeout;
}

/* _wait(timeout=None) -> bool */
static PyObject *task_wait(PyObject *self, PyObject *args)
{
    PyObject *value = Py_None;
    bool ok;
    if (check_task(self) < 0 || !PyArg_ParseTuple(args, "|O:_wait", &value))
        return NULL;
    double timeout = parse_timeout(value, &ok);
    if (!ok)
        return NULL;
    Py_INCREF(self); /* the task must outlive the callbacks run below */
    int status = url_py_core_drive(SELF->session->core, timeout, task_is_completed, self);
    Py_DECREF(self);
    if (status < 0)
        return NULL;
    return PyBool_FromLong(status);
}

/* _wait_event(since, timeout=None) -> bool: until a callback of the task ran after the
 * event count was @since, or the task completed. */
static PyObject *task_wait_event(PyObject *self, PyObject *args)
{
    PyObject *value = Py_None;
    unsigned int since;
    bool ok;
    if (check_task(self) < 0 || !PyArg_ParseTuple(args, "I|O:_wait_event", &since, &value))
        return NULL;
    double timeout = parse_timeout(value, &ok);
    if (!ok)
        return NULL;
    struct event_wait w = {SELF, since};
    Py_INCREF(self);
    int status = url_py_core_drive(SELF->session->core, timeout, task_has_event, &w);
    Py_DECREF(self);
    if (status < 0)
        return NULL;
    return PyBool_FromLong(status);
}

#define INT64_GETTER(name, function)                                                               \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        if (check_task(self) < 0)                                                                  \
            return NULL;                                                                           \
        return PyLong_FromLongLong(function(SELF->task));                                          \
    }

INT64_GETTER(count_of_bytes_received, url_session_task_get_count_of_bytes_received)
INT64_GETTER(count_of_bytes_sent, url_session_task_get_count_of_bytes_sent)
INT64_GETTER(count_of_bytes_expected_to_receive,
             url_session_task_get_count_of_bytes_expected_to_receive)
INT64_GETTER(count_of_bytes_expected_to_send, url_session_task_get_count_of_bytes_expected_to_send)

static PyObject *get_identifier(PyObject *self, void *closure)
{
    return PyLong_FromUnsignedLongLong(SELF->identifier);
}

static PyObject *get_state(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    return PyLong_FromLong(url_session_task_get_state(SELF->task));
}

static PyObject *get_progress(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    return PyFloat_FromDouble(url_session_task_get_progress(SELF->task));
}

static PyObject *get_events(PyObject *self, void *closure)
{
    return PyLong_FromUnsignedLong(atomic_load(&SELF->events));
}

static PyObject *get_completed(PyObject *self, void *closure)
{
    return PyBool_FromLong(atomic_load(&SELF->completed));
}

static PyObject *get_session(PyObject *self, void *closure)
{
    if (!SELF->session)
        Py_RETURN_NONE;
    return Py_NewRef(SELF->session);
}

static PyObject *get_delegate_exception(PyObject *self, void *closure)
{
    if (!SELF->delegate_exception)
        Py_RETURN_NONE;
    return Py_NewRef(SELF->delegate_exception);
}

static PyObject *get_c_error(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    UrlError *error = url_session_task_get_error(SELF->task);
    if (!error)
        Py_RETURN_NONE;
    PyObject *exc = url_py_error_new(error);
    url_error_unref(error);
    return exc;
}

static PyObject *get_c_response(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    UrlResponse *response = url_session_task_get_response(SELF->task);
    PyObject *wrapped = url_py_response_wrap(response);
    url_response_unref(response);
    return wrapped;
}

static PyObject *get_metrics_json(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    UrlTaskMetrics *metrics = url_session_task_get_metrics(SELF->task);
    if (!metrics)
        Py_RETURN_NONE;
    char *json = url_task_metrics_to_json(metrics);
    url_task_metrics_unref(metrics);
    PyObject *text = PyUnicode_FromString(json);
    free(json);
    return text;
}

static PyObject *get_original_request(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    UrlRequest *request = url_session_task_get_original_request(SELF->task);
    PyObject *wrapped = url_py_request_wrap(request);
    url_request_unref(request);
    return wrapped;
}

static PyObject *get_current_request(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    UrlRequest *request = url_session_task_get_current_request(SELF->task);
    PyObject *wrapped = url_py_request_wrap(request);
    url_request_unref(request);
    return wrapped;
}

static PyObject *get_priority(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    return PyFloat_FromDouble(url_session_task_get_priority(SELF->task));
}

static int set_priority(PyObject *self, PyObject *value, void *closure)
{
    if (check_task(self) < 0)
        return -1;
    double priority = value ? PyFloat_AsDouble(value) : -1;
    if (priority == -1.0 && PyErr_Occurred())
        return -1;
    if (!(priority >= 0 && priority <= 1)) {
        PyErr_SetString(PyExc_ValueError, "priority must be between 0.0 and 1.0");
        return -1;
    }
    url_session_task_set_priority(SELF->task, (float)priority);
    return 0;
}

static PyObject *get_earliest_begin_date(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    double when = url_session_task_get_earliest_begin_date(SELF->task);
    if (when == 0)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(when);
}

static int set_earliest_begin_date(PyObject *self, PyObject *value, void *closure)
{
    if (check_task(self) < 0)
        return -1;
    double when = 0;
    if (value && value != Py_None) {
        when = PyFloat_AsDouble(value);
        if (when == -1.0 && PyErr_Occurred())
            return -1;
        if (!isfinite(when) || when <= 0) {
            PyErr_SetString(PyExc_ValueError,
                            "earliest_begin_date must be a Unix time in seconds (time.time() "
                            "+ delay) or None");
            return -1;
        }
    }
    url_session_task_set_earliest_begin_date(SELF->task, when);
    return 0;
}

/* An expected byte count: an int >= 0, or None / -1 for unknown. */
static int get_expected_bytes(PyObject *value, int64_t *bytes)
{
    *bytes = -1;
    if (!value || value == Py_None)
        return 0;
    long long count = PyLong_AsLongLong(value);
    if (count == -1 && PyErr_Occurred())
        return -1;
    if (count < -1) {
        PyErr_SetString(PyExc_ValueError, "an expected byte count is >= 0, or None (unknown)");
        return -1;
    }
    *bytes = count;
    return 0;
}

#define EXPECTED_BYTES_SETTER(direction)                                                           \
    static int set_expects_to_##direction(PyObject *self, PyObject *value, void *closure)          \
    {                                                                                              \
        int64_t bytes;                                                                             \
        if (check_task(self) < 0 || get_expected_bytes(value, &bytes) < 0)                         \
            return -1;                                                                             \
        url_session_task_set_count_of_bytes_client_expects_to_##direction(SELF->task, bytes);      \
        return 0;                                                                                  \
    }

EXPECTED_BYTES_SETTER(send)
EXPECTED_BYTES_SETTER(receive)

static PyObject *get_description(PyObject *self, void *closure)
{
    if (check_task(self) < 0)
        return NULL;
    char *text = url_session_task_get_description(SELF->task);
    if (!text)
        Py_RETURN_NONE;
    PyObject *result = PyUnicode_FromString(text);
    free(text);
    return result;
}

static int set_description(PyObject *self, PyObject *value, void *closure)
{
    if (check_task(self) < 0)
        return -1;
    const char *text = NULL;
    if (value && value != Py_None && !(text = PyUnicode_AsUTF8(value)))
        return -1;
    url_session_task_set_description(SELF->task, text);
    return 0;
}

static PyMethodDef task_methods[] = {
    {"resume", task_resume, METH_NOARGS,
     PyDoc_STR("resume()\n--\n\nStarts the task (tasks start suspended) or resumes it after "
               "suspend().")},
    {"suspend", task_suspend, METH_NOARGS,
     PyDoc_STR("suspend()\n--\n\nPauses the transfer until as many resume() calls.")},
    {"cancel", task_cancel, METH_NOARGS,
     PyDoc_STR("cancel()\n--\n\nEnds the task: it completes with Cancelled unless it already "
               "completed.")},
    {"_wait", task_wait, METH_VARARGS,
     PyDoc_STR("_wait(timeout=None)\n--\n\nRuns the session's callbacks until this task "
               "completed; False on timeout.")},
    {"_wait_event", task_wait_event, METH_VARARGS,
     PyDoc_STR("_wait_event(since, timeout=None)\n--\n\nRuns the session's callbacks until one "
               "of this task's ran after _events was @since.")},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef task_getset[] = {
    {"identifier", get_identifier, NULL, PyDoc_STR("Unique within the session, from 1."), NULL},
    {"_state", get_state, NULL, PyDoc_STR("The C state number."), NULL},
    {"progress", get_progress, NULL,
     PyDoc_STR("Fraction done, 0.0 to 1.0, or -1.0 while no total is known."), NULL},
    {"count_of_bytes_received", get_count_of_bytes_received, NULL,
     PyDoc_STR("Response body bytes received so far."), NULL},
    {"count_of_bytes_sent", get_count_of_bytes_sent, NULL,
     PyDoc_STR("Request body bytes sent so far."), NULL},
    {"count_of_bytes_expected_to_receive", get_count_of_bytes_expected_to_receive, NULL,
     PyDoc_STR("Expected response body size, -1 when unknown."), NULL},
    {"count_of_bytes_expected_to_send", get_count_of_bytes_expected_to_send, NULL,
     PyDoc_STR("Expected request body size, -1 when unknown."), NULL},
    {"count_of_bytes_client_expects_to_send", get_count_of_bytes_expected_to_send,
     set_expects_to_send,
     PyDoc_STR("A hint: the request body size the app expects (None or -1: unknown), the "
               "upload progress total until the body's own length is known. Reads back "
               "count_of_bytes_expected_to_send."),
     NULL},
    {"count_of_bytes_client_expects_to_receive", get_count_of_bytes_expected_to_receive,
     set_expects_to_receive,
     PyDoc_STR("A hint: the response body size the app expects (None or -1: unknown), the "
               "download progress total until a Content-Length arrives. Reads back "
               "count_of_bytes_expected_to_receive."),
     NULL},
    {"earliest_begin_date", get_earliest_begin_date, set_earliest_begin_date,
     PyDoc_STR("A Unix time before which the task does not start even when resumed, or None "
               "(default). Set it before the first resume()."),
     NULL},
    {"_events", get_events, NULL, PyDoc_STR("How many callbacks of this task have run."), NULL},
    {"completed", get_completed, NULL, PyDoc_STR("Whether the task's completion callback has run."),
     NULL},
    {"session", get_session, NULL, PyDoc_STR("The task's session."), NULL},
    {"delegate_exception", get_delegate_exception, NULL,
     PyDoc_STR("What a Python callback of this task raised, or None."), NULL},
    {"_c_error", get_c_error, NULL, PyDoc_STR("The library's error, or None."), NULL},
    {"_c_response", get_c_response, NULL, PyDoc_STR("The library's response, or None."), NULL},
    {"_metrics_json", get_metrics_json, NULL, PyDoc_STR("Metrics as JSON, once completed."), NULL},
    {"_original_request", get_original_request, NULL, PyDoc_STR("The request, as made."), NULL},
    {"_current_request", get_current_request, NULL, PyDoc_STR("The request after redirects."),
     NULL},
    {"priority", get_priority, set_priority, PyDoc_STR("0.0 to 1.0; default 0.5."), NULL},
    {"description", get_description, set_description, PyDoc_STR("A label for the app."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_TaskType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession._urlsession.Task",
    .tp_basicsize = sizeof(TaskObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = PyDoc_STR("The C half of urlsession's tasks; made by Session._create_task()."),
    .tp_new = task_new,
    .tp_dealloc = task_dealloc,
    .tp_traverse = task_traverse,
    .tp_clear = task_clear,
    .tp_methods = task_methods,
    .tp_getset = task_getset,
    .tp_weaklistoffset = offsetof(TaskObject, weakreflist),
};
