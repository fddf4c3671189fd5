/* cache.c — Cache and CachedResponse: UrlCache (the HTTP cache) and UrlCachedResponse. */
#include "module.h"

#define CACHE(self)  (((CacheObject *)(self))->cache)
#define CACHED(self) (((CachedResponseObject *)(self))->cached)

/* Indexed by UrlCacheStoragePolicy. */
static const char *const storage_policy_names[] = {"allowed", "allowed_in_memory_only",
                                                   "not_allowed"};

/* A urlsession.Response around a new _Response for @response. */
static PyObject *public_response(const UrlResponse *response)
{
    PyObject *c = url_py_response_wrap(response);
    if (!c)
        return NULL;
    PyObject *module = PyImport_ImportModule("urlsession.request");
    PyObject *result = module ? PyObject_CallMethod(module, "Response", "(O)", c) : NULL;
    Py_XDECREF(module);
    Py_DECREF(c);
    return result;
}

/* ---- CachedResponse ---- */

PyObject *url_py_cached_response_wrap(UrlCachedResponse *cached)
{
    CachedResponseObject *self = PyObject_New(CachedResponseObject, &url_py_CachedResponseType);
    if (self)
        self->cached = url_cached_response_ref(cached);
    return (PyObject *)self;
}

/* CachedResponse(response, data, storage_policy="allowed") */
static PyObject *cached_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"response", "data", "storage_policy", NULL};
    PyObject *response;
    Py_buffer data = {0};
    const char *policy = "allowed";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Oy*|s:CachedResponse", keywords, &response, &data,
                                     &policy))
        return NULL;
    PyObject *c = PyObject_TypeCheck(response, &url_py_ResponseType)
                      ? Py_NewRef(response)
                      : PyObject_GetAttrString(response, "_c");
    CachedResponseObject *self = NULL;
    size_t index = 0;
    while (index < 3 && strcmp(policy, storage_policy_names[index]) != 0)
        index++;
    if (!c || !PyObject_TypeCheck(c, &url_py_ResponseType)) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "response must be a Response, not %.100s",
                     Py_TYPE(response)->tp_name);
    } else if (index == 3) {
        PyErr_Format(PyExc_ValueError, "unknown storage_policy '%s'", policy);
    } else {
        self = (CachedResponseObject *)type->tp_alloc(type, 0);
        if (self)
            self->cached = url_cached_response_new(((ResponseObject *)c)->response, data.buf,
                                                   (size_t)data.len, (UrlCacheStoragePolicy)index);
    }
    Py_XDECREF(c);
    PyBuffer_Release(&data);
    return (PyObject *)self;
}

static void cached_dealloc(PyObject *self)
{
    url_cached_response_unref(CACHED(self));
    Py_TYPE(self)->tp_free(self);
}

static PyObject *cached_get_data(PyObject *self, void *closure)
{
    size_t length = 0;
    const void *data = url_cached_response_get_data(CACHED(self), &length);
    return PyBytes_FromStringAndSize(data, (Py_ssize_t)length);
}

static PyObject *cached_get_response(PyObject *self, void *closure)
{
    return public_response(url_cached_response_get_response(CACHED(self)));
}

static PyObject *cached_get_storage_policy(PyObject *self, void *closure)
{
    return PyUnicode_FromString(
        storage_policy_names[url_cached_response_get_storage_policy(CACHED(self))]);
}

static PyObject *cached_repr(PyObject *self)
{
    const UrlResponse *response = url_cached_response_get_response(CACHED(self));
    size_t length = 0;
    url_cached_response_get_data(CACHED(self), &length);
    const char *url = url_response_get_url(response);
    return PyUnicode_FromFormat("<CachedResponse %d %s, %zu bytes>",
                                url_response_get_status_code(response), url ? url : "?", length);
}

static PyGetSetDef cached_getset[] = {
    {"data", cached_get_data, NULL, PyDoc_STR("The stored body, bytes."), NULL},
    {"response", cached_get_response, NULL, PyDoc_STR("The stored Response."), NULL},
    {"storage_policy", cached_get_storage_policy, NULL,
     PyDoc_STR("Where it may be kept: \"allowed\" (memory and disk), "
               "\"allowed_in_memory_only\" or \"not_allowed\"."),
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_CachedResponseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.CachedResponse",
    .tp_basicsize = sizeof(CachedResponseObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("CachedResponse(response, data, storage_policy=\"allowed\")\n--\n\n"
                        "A response with its body as a cache stores it (NSCachedURLResponse). "
                        "The delegate method will_cache_response gets one and may return "
                        "another, for example with storage_policy=\"allowed_in_memory_only\"."),
    .tp_new = cached_new,
    .tp_dealloc = cached_dealloc,
    .tp_getset = cached_getset,
    .tp_repr = cached_repr,
    .tp_richcompare = url_py_wrapper_richcompare,
    .tp_hash = url_py_wrapper_hash,
};

/* ---- Cache ---- */

PyObject *url_py_cache_wrap(UrlCache *cache)
{
    if (!cache)
        Py_RETURN_NONE;
    CacheObject *self = PyObject_New(CacheObject, &url_py_CacheType);
    if (self)
        self->cache = url_cache_ref(cache);
    return (PyObject *)self;
}

/* Cache(memory_capacity=4194304, disk_capacity=0, directory=None) */
static PyObject *cache_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"memory_capacity", "disk_capacity", "directory", NULL};
    Py_ssize_t memory = 4 * 1024 * 1024, disk = 0;
    PyObject *directory = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|nnO&:Cache", keywords, &memory, &disk,
                                     PyUnicode_FSConverter, &directory))
        return NULL;
    CacheObject *self = NULL;
    if (memory < 0 || disk < 0) {
        PyErr_Format(PyExc_ValueError, "capacities must be >= 0 bytes, not %zd and %zd", memory,
                     disk);
    } else {
        UrlError *error = NULL;
        UrlCache *cache = url_cache_new((size_t)memory, (size_t)disk,
                                        directory ? PyBytes_AS_STRING(directory) : NULL, &error);
        if (!cache) {
            url_py_error_raise(error);
        } else {
            self = (CacheObject *)type->tp_alloc(type, 0);
            if (self)
                self->cache = cache;
            else
                url_cache_unref(cache);
        }
    }
    Py_XDECREF(directory);
    return (PyObject *)self;
}

static void cache_dealloc(PyObject *self)
{
    url_cache_unref(CACHE(self));
    Py_TYPE(self)->tp_free(self);
}

static PyObject *cache_shared(PyObject *cls, PyObject *unused)
{
    return url_py_cache_wrap(url_cache_shared());
}

/* The C request for a URL str, a _Request or anything with _to_c() (urlsession.Request):
 * a new reference, or NULL with an exception set. */
static UrlRequest *request_for(PyObject *request_or_url)
{
    if (PyUnicode_Check(request_or_url)) {
        const char *url = PyUnicode_AsUTF8(request_or_url);
        if (!url)
            return NULL;
        UrlError *error = NULL;
        UrlRequest *request = url_request_new_checked(url, &error);
        if (!request)
            url_py_error_raise(error);
        return request;
    }
    PyObject *c = PyObject_TypeCheck(request_or_url, &url_py_RequestType)
                      ? Py_NewRef(request_or_url)
                      : PyObject_CallMethod(request_or_url, "_to_c", NULL);
    if (!c || !PyObject_TypeCheck(c, &url_py_RequestType)) {
        Py_XDECREF(c);
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "expected a URL str or a Request, not %.100s",
                     Py_TYPE(request_or_url)->tp_name);
        return NULL;
    }
    UrlRequest *request = url_request_copy(((RequestObject *)c)->request);
    Py_DECREF(c);
    return request;
}

static PyObject *cache_cached_response(PyObject *self, PyObject *request_or_url)
{
    UrlRequest *request = request_for(request_or_url);
    if (!request)
        return NULL;
    UrlCachedResponse *cached = url_cache_copy_cached_response(CACHE(self), request);
    url_request_unref(request);
    if (!cached)
        Py_RETURN_NONE;
    size_t length = 0;
    const void *data = url_cached_response_get_data(cached, &length);
    PyObject *body = PyBytes_FromStringAndSize(data, (Py_ssize_t)length);
    PyObject *response = body ? public_response(url_cached_response_get_response(cached)) : NULL;
    PyObject *result = response ? PyTuple_Pack(2, body, response) : NULL;
    Py_XDECREF(body);
    Py_XDECREF(response);
    url_cached_response_unref(cached);
    return result;
}

static PyObject *cache_remove(PyObject *self, PyObject *request_or_url)
{
    UrlRequest *request = request_for(request_or_url);
    if (!request)
        return NULL;
    url_cache_remove_cached_response(CACHE(self), request);
    url_request_unref(request);
    Py_RETURN_NONE;
}

static PyObject *cache_remove_all(PyObject *self, PyObject *unused)
{
    url_cache_remove_all_cached_responses(CACHE(self));
    Py_RETURN_NONE;
}

static PyObject *cache_get_memory_capacity(PyObject *self, void *closure)
{
    return PyLong_FromSize_t(url_cache_get_memory_capacity(CACHE(self)));
}

static PyObject *cache_get_disk_capacity(PyObject *self, void *closure)
{
    return PyLong_FromSize_t(url_cache_get_disk_capacity(CACHE(self)));
}

static PyObject *cache_get_current_memory_usage(PyObject *self, void *closure)
{
    return PyLong_FromSize_t(url_cache_get_current_memory_usage(CACHE(self)));
}

static PyObject *cache_get_current_disk_usage(PyObject *self, void *closure)
{
    return PyLong_FromSize_t(url_cache_get_current_disk_usage(CACHE(self)));
}

static PyObject *cache_repr(PyObject *self)
{
    return PyUnicode_FromFormat(
        "<Cache memory %zu/%zu disk %zu/%zu>", url_cache_get_current_memory_usage(CACHE(self)),
        url_cache_get_memory_capacity(CACHE(self)), url_cache_get_current_disk_usage(CACHE(self)),
        url_cache_get_disk_capacity(CACHE(self)));
}

static PyGetSetDef cache_getset[] = {
    {"memory_capacity", cache_get_memory_capacity, NULL,
     PyDoc_STR("Bytes of responses kept in memory."), NULL},
    {"disk_capacity", cache_get_disk_capacity, NULL,
     PyDoc_STR("Bytes of responses kept on disk (0 for a memory-only cache)."), NULL},
    {"current_memory_usage", cache_get_current_memory_usage, NULL,
     PyDoc_STR("Bytes the memory tier holds now."), NULL},
    {"current_disk_usage", cache_get_current_disk_usage, NULL,
     PyDoc_STR("Bytes of entry files on disk now."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef cache_methods[] = {
    {"shared", cache_shared, METH_CLASS | METH_NOARGS,
     PyDoc_STR("shared()\n--\n\nThe process-wide cache of default configurations: memory "
               "only, 4 MiB.")},
    {"cached_response", cache_cached_response, METH_O,
     PyDoc_STR("cached_response(request_or_url)\n--\n\nThe stored (body, Response) for a URL or "
               "a GET Request, however old, or None.")},
    {"remove", cache_remove, METH_O,
     PyDoc_STR("remove(request_or_url)\n--\n\nForgets what is stored for the URL (memory and "
               "disk).")},
    {"remove_all", cache_remove_all, METH_NOARGS,
     PyDoc_STR("remove_all()\n--\n\nEmpties both tiers.")},
    {NULL, NULL, 0, NULL},
};

PyTypeObject url_py_CacheType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.Cache",
    .tp_basicsize = sizeof(CacheObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR(
        "Cache(memory_capacity=4194304, disk_capacity=0, directory=None)\n--\n\n"
        "An HTTP cache (RFC 9111, NSURLCache) with least-recently-used eviction in each tier. "
        "With a *directory* (created if missing) entries persist, and a new Cache on the same "
        "directory finds them; without one it is memory only. Raises CannotCreateFile when the "
        "directory cannot be used. Assign it to Configuration.url_cache; sessions may share "
        "one."),
    .tp_new = cache_new,
    .tp_dealloc = cache_dealloc,
    .tp_getset = cache_getset,
    .tp_methods = cache_methods,
    .tp_repr = cache_repr,
    .tp_richcompare = url_py_wrapper_richcompare,
    .tp_hash = url_py_wrapper_hash,
};
