/* request.c — _Request: a UrlRequest built from the Python Request's fields. */
#include "module.h"

#include <math.h>

#define SELF ((RequestObject *)self)

static void request_dealloc(PyObject *self)
{
    url_request_unref(SELF->request);
    Py_TYPE(self)->tp_free(self);
}

/* Raises the ValueError or URLError that @error describes, and releases it. */
static int raise_request_error(UrlError *error)
{
    UrlErrorCode code = url_error_get_code(error);
    if (code == URL_ERROR_BAD_URL || code == URL_ERROR_UNSUPPORTED_URL) {
        url_py_error_raise(error);
    } else {
        PyErr_SetString(PyExc_ValueError, url_error_get_message(error));
        url_error_unref(error);
    }
    return -1;
}

static int add_headers(UrlRequest *request, PyObject *headers)
{
    PyObject *seq = PySequence_Fast(headers, "headers must be a sequence of (name, value) pairs");
    if (!seq)
        return -1;
    int status = 0;
    for (Py_ssize_t i = 0; status == 0 && i < PySequence_Fast_GET_SIZE(seq); i++) {
        const char *name, *value;
        UrlError *error = NULL;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "ss;a header is a (str, str) pair",
                              &name, &value))
            status = -1;
        else if (!url_request_add_header(request, name, value, &error))
            status = raise_request_error(error);
    }
    Py_DECREF(seq);
    return status;
}

/* The UrlRequestCachePolicy named @name, or -1 with ValueError set. */
static int cache_policy_for(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, url_py_cache_policy_names[i]) == 0)
            return i;
    PyErr_Format(PyExc_ValueError, "unknown cache_policy '%s'", name);
    return -1;
}

/* _Request(url, method="GET", headers=(), body=None, body_file=None, timeout=0.0,
 *          cache_policy="use_protocol") */
static PyObject *request_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"url",       "method",  "headers",      "body",
                               "body_file", "timeout", "cache_policy", NULL};
    const char *url, *method = "GET", *cache_policy = "use_protocol";
    PyObject *headers = NULL, *body_file = NULL;
    Py_buffer body = {0};
    double timeout = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s|sOz*O&ds:_Request", keywords, &url, &method,
                                     &headers, &body, PyUnicode_FSConverter, &body_file, &timeout,
                                     &cache_policy))
        return NULL;
    RequestObject *self = NULL;
    UrlError *error = NULL;
    int policy = cache_policy_for(cache_policy);
    UrlRequest *request = policy < 0 ? NULL : url_request_new_checked(url, &error);
    if (policy < 0)
        goto out;
    if (!request) {
        url_py_error_raise(error);
        goto out;
    }
    url_request_set_cache_policy(request, (UrlRequestCachePolicy)policy);
    if (!url_request_set_method(request, method, &error) ||
        (headers && headers != Py_None && add_headers(request, headers) < 0)) {
        if (error)
            raise_request_error(error);
        goto out;
    }
    if (body.buf)
        url_request_set_body_data(request, body.buf, (size_t)body.len);
    if (body_file && !url_request_set_body_file(request, PyBytes_AS_STRING(body_file), &error)) {
        url_py_error_raise(error);
        goto out;
    }
    if (timeout != 0) {
        if (!isfinite(timeout) || timeout < 0) {
            PyErr_SetString(PyExc_ValueError, "timeout must be a finite number of seconds > 0");
            goto out;
        }
        url_request_set_timeout_interval(request, timeout);
    }
    self = (RequestObject *)type->tp_alloc(type, 0);
    if (self) {
        self->request = request;
        request = NULL;
    }
out:
    url_request_unref(request);
    if (body.buf)
        PyBuffer_Release(&body);
    Py_XDECREF(body_file);
    return (PyObject *)self;
}

PyObject *url_py_request_wrap(const UrlRequest *request)
{
    RequestObject *self = PyObject_New(RequestObject, &url_py_RequestType);
    if (self)
        self->request = url_request_copy(request);
    return (PyObject *)self;
}

static PyObject *get_url(PyObject *self, void *closure)
{
    return PyUnicode_FromString(url_request_get_url(SELF->request));
}

static PyObject *get_method(PyObject *self, void *closure)
{
    return PyUnicode_FromString(url_request_get_method(SELF->request));
}

static PyObject *get_headers(PyObject *self, void *closure)
{
    size_t count = url_request_get_header_count(SELF->request);
    PyObject *list = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; list && i < count; i++) {
        const char *name, *value;
        url_request_get_header_at(SELF->request, i, &name, &value);
        PyObject *pair = Py_BuildValue("(ss)", name, value);
        if (!pair) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, pair);
    }
    return list;
}

static PyObject *get_body(PyObject *self, void *closure)
{
    size_t length = 0;
    const void *data = url_request_get_body_data(SELF->request, &length);
    if (url_request_get_body_kind(SELF->request) != URL_REQUEST_BODY_DATA)
        Py_RETURN_NONE;
    return PyBytes_FromStringAndSize(data, (Py_ssize_t)length);
}

static PyObject *get_body_file(PyObject *self, void *closure)
{
    const char *path = url_request_get_body_file(SELF->request);
    if (!path)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(path);
}

static PyObject *get_timeout(PyObject *self, void *closure)
{
    return PyFloat_FromDouble(url_request_get_timeout_interval(SELF->request));
}

static PyObject *get_cache_policy(PyObject *self, void *closure)
{
    return PyUnicode_FromString(
        url_py_cache_policy_names[url_request_get_cache_policy(SELF->request)]);
}

static PyGetSetDef request_getset[] = {
    {"url", get_url, NULL, PyDoc_STR("The URL, as normalised by the URL parser."), NULL},
    {"method", get_method, NULL, PyDoc_STR("The method."), NULL},
    {"headers", get_headers, NULL, PyDoc_STR("The headers, a list of (name, value)."), NULL},
    {"body", get_body, NULL, PyDoc_STR("The body bytes, or None."), NULL},
    {"body_file", get_body_file, NULL, PyDoc_STR("The body's file, or None."), NULL},
    {"timeout", get_timeout, NULL, PyDoc_STR("The idle timeout, 0 for the session's."), NULL},
    {"cache_policy", get_cache_policy, NULL,
     PyDoc_STR("How the request uses the session's cache (\"use_protocol\"...)."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_RequestType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession._urlsession._Request",
    .tp_basicsize = sizeof(RequestObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("_Request(url, method='GET', headers=(), body=None, body_file=None, "
                        "timeout=0.0, cache_policy='use_protocol')\n--\n\n"
                        "A checked C request; urlsession.Request builds one for each task."),
    .tp_new = request_new,
    .tp_dealloc = request_dealloc,
    .tp_getset = request_getset,
};
