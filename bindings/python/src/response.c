/* response.c — _Response: read-only access to a UrlResponse. */
#include "module.h"

#define RESPONSE (((ResponseObject *)self)->response)

static void response_dealloc(PyObject *self)
{
    url_response_unref(RESPONSE);
    Py_TYPE(self)->tp_free(self);
}

PyObject *url_py_response_wrap(const UrlResponse *response)
{
    if (!response)
        Py_RETURN_NONE;
    ResponseObject *self = PyObject_New(ResponseObject, &url_py_ResponseType);
    if (self)
        self->response = url_response_ref(response);
    return (PyObject *)self;
}

static PyObject *string_or_none(const char *text)
{
    if (!text)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
}

static PyObject *get_status(PyObject *self, void *closure)
{
    return PyLong_FromLong(url_response_get_status_code(RESPONSE));
}

static PyObject *get_url(PyObject *self, void *closure)
{
    return string_or_none(url_response_get_url(RESPONSE));
}

static PyObject *get_mime_type(PyObject *self, void *closure)
{
    return string_or_none(url_response_get_mime_type(RESPONSE));
}

static PyObject *get_text_encoding(PyObject *self, void *closure)
{
    return string_or_none(url_response_get_text_encoding_name(RESPONSE));
}

static PyObject *get_expected_content_length(PyObject *self, void *closure)
{
    return PyLong_FromLongLong(url_response_get_expected_content_length(RESPONSE));
}

static PyObject *get_suggested_filename(PyObject *self, void *closure)
{
    return string_or_none(url_response_get_suggested_filename(RESPONSE));
}

static PyObject *get_http_version(PyObject *self, void *closure)
{
    return string_or_none(url_response_get_http_version(RESPONSE));
}

/* Header values are bytes on the wire: decode them as Latin-1 so nothing is lost. */
static PyObject *get_header_items(PyObject *self, void *closure)
{
    size_t count = url_response_get_header_count(RESPONSE);
    PyObject *list = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; list && i < count; i++) {
        const char *name, *value;
        url_response_get_header_at(RESPONSE, i, &name, &value);
        PyObject *n = PyUnicode_DecodeLatin1(name, (Py_ssize_t)strlen(name), NULL);
        PyObject *v = PyUnicode_DecodeLatin1(value, (Py_ssize_t)strlen(value), NULL);
        PyObject *pair = n && v ? PyTuple_Pack(2, n, v) : NULL;
        Py_XDECREF(n);
        Py_XDECREF(v);
        if (!pair) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, pair);
    }
    return list;
}

static PyGetSetDef response_getset[] = {
    {"status", get_status, NULL, PyDoc_STR("The HTTP status code."), NULL},
    {"url", get_url, NULL, PyDoc_STR("The URL this response answered, after redirects."), NULL},
    {"mime_type", get_mime_type, NULL, PyDoc_STR("Content-Type's media type, or None."), NULL},
    {"text_encoding", get_text_encoding, NULL, PyDoc_STR("Content-Type's charset, or None."), NULL},
    {"expected_content_length", get_expected_content_length, NULL,
     PyDoc_STR("Content-Length, or -1 when unknown."), NULL},
    {"suggested_filename", get_suggested_filename, NULL, PyDoc_STR("A safe file name."), NULL},
    {"http_version", get_http_version, NULL, PyDoc_STR("\"http/1.0\", \"http/1.1\" or \"h2\"."),
     NULL},
    {"header_items", get_header_items, NULL,
     PyDoc_STR("Every header field in order, a list of (name, value)."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_ResponseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession._urlsession._Response",
    .tp_basicsize = sizeof(ResponseObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("A C response; urlsession.Response wraps it."),
    .tp_dealloc = response_dealloc,
    .tp_getset = response_getset,
};
