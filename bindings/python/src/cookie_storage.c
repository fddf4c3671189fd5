/* cookie_storage.c — Cookie and CookieStorage: UrlCookie and UrlCookieStorage, the cookies
 * a session sends and stores (configuration.cookie_storage). */
#include "module.h"

#include <math.h>

#define COOKIE(self)  (((CookieObject *)(self))->cookie)
#define STORAGE(self) (((CookieStorageObject *)(self))->storage)

/* ---- Cookie ---- */

PyObject *url_py_cookie_wrap(UrlCookie *cookie)
{
    CookieObject *self = PyObject_New(CookieObject, &url_py_CookieType);
    if (self)
        self->cookie = url_cookie_ref(cookie);
    return (PyObject *)self;
}

/* Cookie(name, value, domain, path="/", expires=None, secure=False, http_only=False) */
static PyObject *cookie_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"name",    "value",  "domain",    "path",
                               "expires", "secure", "http_only", NULL};
    const char *name, *value, *domain, *path = "/";
    PyObject *expires = Py_None;
    int secure = 0, http_only = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "sss|sOpp:Cookie", keywords, &name, &value,
                                     &domain, &path, &expires, &secure, &http_only))
        return NULL;
    double when = 0;
    if (expires != Py_None) {
        when = PyFloat_AsDouble(expires);
        if (when == -1.0 && PyErr_Occurred())
            return NULL;
        if (!isfinite(when) || when <= 0) {
            PyErr_SetString(PyExc_ValueError,
                            "expires must be a Unix time in seconds, or None for a session cookie");
            return NULL;
        }
    }
    if (!*domain) {
        PyErr_SetString(PyExc_ValueError, "a cookie needs a domain");
        return NULL;
    }
    UrlCookie *cookie = url_cookie_new(name, value, domain, path, when, secure, http_only);
    if (!cookie) {
        PyErr_Format(PyExc_ValueError,
                     "cookie name %R or value %R not allowed (a name is not empty; neither has "
                     "\";\" or control characters, nor the name \"=\")",
                     PyTuple_Size(args) > 0 ? PyTuple_GET_ITEM(args, 0) : Py_None,
                     PyTuple_Size(args) > 1 ? PyTuple_GET_ITEM(args, 1) : Py_None);
        return NULL;
    }
    CookieObject *self = (CookieObject *)type->tp_alloc(type, 0);
    if (!self) {
        url_cookie_unref(cookie);
        return NULL;
    }
    self->cookie = cookie;
    return (PyObject *)self;
}

static void cookie_dealloc(PyObject *self)
{
    url_cookie_unref(COOKIE(self));
    Py_TYPE(self)->tp_free(self);
}

#define COOKIE_TEXT(field)                                                                         \
    static PyObject *get_##field(PyObject *self, void *closure)                                    \
    {                                                                                              \
        return PyUnicode_FromString(url_cookie_get_##field(COOKIE(self)));                         \
    }
#define COOKIE_FLAG(field)                                                                         \
    static PyObject *get_##field(PyObject *self, void *closure)                                    \
    {                                                                                              \
        return PyBool_FromLong(url_cookie_##field(COOKIE(self)));                                  \
    }

COOKIE_TEXT(name)
COOKIE_TEXT(value)
COOKIE_TEXT(domain)
COOKIE_TEXT(path)
COOKIE_FLAG(is_session_only)
COOKIE_FLAG(is_host_only)
COOKIE_FLAG(is_secure)
COOKIE_FLAG(is_http_only)

static PyObject *get_expires(PyObject *self, void *closure)
{
    double when = url_cookie_get_expires_date(COOKIE(self));
    if (when == 0)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(when);
}

static PyObject *get_same_site(PyObject *self, void *closure)
{
    const char *policy = url_cookie_get_same_site_policy(COOKIE(self));
    if (!policy)
        Py_RETURN_NONE;
    return PyUnicode_FromString(policy);
}

static PyObject *cookie_repr(PyObject *self)
{
    return PyUnicode_FromFormat(
        "<Cookie %s=%s domain=%s path=%s>", url_cookie_get_name(COOKIE(self)),
        url_cookie_get_value(COOKIE(self)), url_cookie_get_domain(COOKIE(self)),
        url_cookie_get_path(COOKIE(self)));
}

static PyGetSetDef cookie_getset[] = {
    {"name", get_name, NULL, PyDoc_STR("The name."), NULL},
    {"value", get_value, NULL, PyDoc_STR("The value."), NULL},
    {"domain", get_domain, NULL, PyDoc_STR("The domain, lower case, without a leading dot."), NULL},
    {"path", get_path, NULL, PyDoc_STR("The path prefix it applies to."), NULL},
    {"expires", get_expires, NULL,
     PyDoc_STR("The expiry as a Unix time, or None for a session cookie."), NULL},
    {"session_only", get_is_session_only, NULL,
     PyDoc_STR("Whether it ends with the process (no Expires or Max-Age)."), NULL},
    {"host_only", get_is_host_only, NULL,
     PyDoc_STR("Whether it goes to its host only (no Domain attribute)."), NULL},
    {"secure", get_is_secure, NULL, PyDoc_STR("Whether it goes over https only."), NULL},
    {"http_only", get_is_http_only, NULL, PyDoc_STR("Whether it had HttpOnly."), NULL},
    {"same_site", get_same_site, NULL,
     PyDoc_STR("\"Strict\", \"Lax\" or \"None\" as the server set it, or None."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_CookieType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.Cookie",
    .tp_basicsize = sizeof(CookieObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("Cookie(name, value, domain, path=\"/\", expires=None, secure=False, "
                        "http_only=False)\n--\n\nAn HTTP cookie (read-only). *domain* "
                        "\"example.org\" is that host only; \".example.org\" the domain and its "
                        "subdomains."),
    .tp_new = cookie_new,
    .tp_dealloc = cookie_dealloc,
    .tp_getset = cookie_getset,
    .tp_repr = cookie_repr,
};

/* ---- CookieStorage ---- */

PyObject *url_py_cookie_storage_wrap(UrlCookieStorage *storage)
{
    if (!storage)
        Py_RETURN_NONE;
    CookieStorageObject *self = PyObject_New(CookieStorageObject, &url_py_CookieStorageType);
    if (self)
        self->storage = url_cookie_storage_ref(storage);
    return (PyObject *)self;
}

/* CookieStorage(path=None) */
static PyObject *storage_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"path", NULL};
    PyObject *path = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O&:CookieStorage", keywords,
                                     PyUnicode_FSConverter, &path))
        return NULL;
    UrlError *error = NULL;
    UrlCookieStorage *storage =
        path ? url_cookie_storage_new_with_file(PyBytes_AS_STRING(path), &error)
             : url_cookie_storage_new();
    Py_XDECREF(path);
    if (!storage)
        return url_py_error_raise(error);
    CookieStorageObject *self = (CookieStorageObject *)type->tp_alloc(type, 0);
    if (!self) {
        url_cookie_storage_unref(storage);
        return NULL;
    }
    self->storage = storage;
    return (PyObject *)self;
}

static void storage_dealloc(PyObject *self)
{
    url_cookie_storage_unref(STORAGE(self)); /* the last reference saves a file's cookies */
    Py_TYPE(self)->tp_free(self);
}

static PyObject *storage_shared(PyObject *cls, PyObject *unused)
{
    return url_py_cookie_storage_wrap(url_cookie_storage_shared());
}

static PyObject *storage_cookies(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"url", NULL};
    const char *url = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|z:cookies", keywords, &url))
        return NULL;
    size_t count = 0;
    UrlCookie **cookies = url_cookie_storage_copy_cookies(STORAGE(self), url, &count);
    PyObject *list = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; list && i < count; i++) {
        PyObject *cookie = url_py_cookie_wrap(cookies[i]);
        if (!cookie) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, cookie);
    }
    url_cookie_list_free(cookies, count);
    return list;
}

static int check_cookie(PyObject *cookie, const char *method)
{
    if (PyObject_TypeCheck(cookie, &url_py_CookieType))
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes a Cookie, not %.100s", method,
                 Py_TYPE(cookie)->tp_name);
    return -1;
}

static PyObject *storage_set_cookie(PyObject *self, PyObject *cookie)
{
    if (check_cookie(cookie, "set_cookie") < 0)
        return NULL;
    url_cookie_storage_set_cookie(STORAGE(self), COOKIE(cookie));
    Py_RETURN_NONE;
}

static PyObject *storage_delete_cookie(PyObject *self, PyObject *cookie)
{
    if (check_cookie(cookie, "delete_cookie") < 0)
        return NULL;
    return PyBool_FromLong(url_cookie_storage_delete_cookie(STORAGE(self), COOKIE(cookie)));
}

static PyObject *storage_save(PyObject *self, PyObject *unused)
{
    UrlError *error = NULL;
    if (!url_cookie_storage_save(STORAGE(self), &error))
        return url_py_error_raise(error);
    Py_RETURN_NONE;
}

static PyMethodDef storage_methods[] = {
    {"shared", storage_shared, METH_CLASS | METH_NOARGS,
     PyDoc_STR("shared()\n--\n\nThe process-wide storage that default configurations share.")},
    {"cookies", (PyCFunction)(void (*)(void))storage_cookies, METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("cookies(url=None)\n--\n\nThe cookies a request to *url* would send, in the "
               "order it would send them; without *url* every live cookie.")},
    {"set_cookie", storage_set_cookie, METH_O,
     PyDoc_STR("set_cookie(cookie)\n--\n\nStores *cookie*, replacing the one of the same name, "
               "domain and path; an expired one only removes that.")},
    {"delete_cookie", storage_delete_cookie, METH_O,
     PyDoc_STR("delete_cookie(cookie)\n--\n\nRemoves the cookie of *cookie*'s name, domain and "
               "path; returns whether there was one.")},
    {"save", storage_save, METH_NOARGS,
     PyDoc_STR("save()\n--\n\nWrites the persistent cookies of a file-backed storage to its "
               "file (also done when the last reference goes); raises CannotWriteToFile.")},
    {NULL, NULL, 0, NULL},
};

PyTypeObject url_py_CookieStorageType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.CookieStorage",
    .tp_basicsize = sizeof(CookieStorageObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("CookieStorage(path=None)\n--\n\nWhere a session's cookies live: in "
                        "memory, or starting with the cookies of the file *path* (written back "
                        "by save() and when the storage goes). Assign it to "
                        "Configuration.cookie_storage; sessions may share one."),
    .tp_new = storage_new,
    .tp_dealloc = storage_dealloc,
    .tp_methods = storage_methods,
    .tp_richcompare = url_py_wrapper_richcompare,
    .tp_hash = url_py_wrapper_hash,
};
