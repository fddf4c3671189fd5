/* input_stream.c — _InputStream: a UrlInputStream pipe that a feeder thread of the Python
 * package writes a request body into while the task sends it (urlsession/tasks.py). */
#include "module.h"

#include <math.h>

#define SELF ((InputStreamObject *)self)

static PyObject *input_stream_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"capacity", NULL};
    Py_ssize_t capacity = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|n:_InputStream", keywords, &capacity))
        return NULL;
    if (capacity < 0) {
        PyErr_SetString(PyExc_ValueError, "capacity must be >= 0 (0: 64 KiB)");
        return NULL;
    }
    InputStreamObject *self = (InputStreamObject *)type->tp_alloc(type, 0);
    if (self)
        self->stream = url_input_stream_new_pipe((size_t)capacity);
    return (PyObject *)self;
}

static void input_stream_dealloc(PyObject *self)
{
    url_input_stream_unref(SELF->stream);
    Py_TYPE(self)->tp_free(self);
}

/* write(data, timeout=-1.0) -> bytes taken (fewer on timeout), or -1 once the stream is
 * closed or its task ended. Blocks with the GIL released. */
static PyObject *input_stream_write(PyObject *self, PyObject *args)
{
    Py_buffer data;
    double timeout = -1;
    if (!PyArg_ParseTuple(args, "y*|d:write", &data, &timeout))
        return NULL;
    if (isnan(timeout)) {
        PyBuffer_Release(&data);
        PyErr_SetString(PyExc_ValueError, "timeout must be a number of seconds");
        return NULL;
    }
    long taken;
    Py_BEGIN_ALLOW_THREADS taken =
        url_input_stream_write(SELF->stream, data.buf, (size_t)data.len, timeout);
    Py_END_ALLOW_THREADS PyBuffer_Release(&data);
    return PyLong_FromLong(taken);
}

static PyObject *input_stream_close_write(PyObject *self, PyObject *unused)
{
    url_input_stream_close_write(SELF->stream);
    Py_RETURN_NONE;
}

static PyMethodDef input_stream_methods[] = {
    {"write", input_stream_write, METH_VARARGS,
     PyDoc_STR("write(data, timeout=-1.0)\n--\n\nAppends bytes, waiting up to @timeout "
               "seconds (< 0: for ever) for room; returns how many were taken, or -1 once the "
               "stream is closed or its task ended. Never call it from a callback of the "
               "session that sends the stream.")},
    {"close_write", input_stream_close_write, METH_NOARGS,
     PyDoc_STR("close_write()\n--\n\nMarks the end of the body.")},
    {NULL, NULL, 0, NULL},
};

PyTypeObject url_py_InputStreamType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession._urlsession._InputStream",
    .tp_basicsize = sizeof(InputStreamObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("_InputStream(capacity=0)\n--\n\nA bound pipe: what write() appends, "
                        "an upload task made with it sends (url_input_stream_new_pipe)."),
    .tp_new = input_stream_new,
    .tp_dealloc = input_stream_dealloc,
    .tp_methods = input_stream_methods,
};
