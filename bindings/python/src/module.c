/* module.c — the _urlsession module: its types, exceptions and constants. */
#include "module.h"

static PyObject *module_version(PyObject *module, PyObject *unused)
{
    return PyUnicode_FromString(url_version_string());
}

typedef struct {
    PyObject_HEAD void *object;
} WrapperObject;

PyObject *url_py_wrapper_richcompare(PyObject *self, PyObject *other, int op)
{
    if (Py_TYPE(other) != Py_TYPE(self) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    bool same = ((WrapperObject *)self)->object == ((WrapperObject *)other)->object;
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}

Py_hash_t url_py_wrapper_hash(PyObject *self)
{
    return _Py_HashPointer(((WrapperObject *)self)->object);
}

static PyMethodDef module_methods[] = {
    {"version", module_version, METH_NOARGS,
     PyDoc_STR("version()\n--\n\n\"liburlsession/X.Y.Z libcurl/A.B.C\".")},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "urlsession._urlsession",
    .m_doc = PyDoc_STR("The C layer of the urlsession package (liburlsession). Use the "
                       "urlsession package, not this module."),
    .m_size = -1,
    .m_methods = module_methods,
};

static int add_type(PyObject *module, const char *name, PyTypeObject *type)
{
    if (PyType_Ready(type) < 0)
        return -1;
    Py_INCREF(type);
    if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

static int add_constants(PyObject *module)
{
    static const struct {
        const char *name;
        long value;
    } constants[] = {
        {"TASK_STATE_RUNNING", URL_TASK_STATE_RUNNING},
        {"TASK_STATE_SUSPENDED", URL_TASK_STATE_SUSPENDED},
        {"TASK_STATE_CANCELING", URL_TASK_STATE_CANCELING},
        {"TASK_STATE_COMPLETED", URL_TASK_STATE_COMPLETED},
        {"RESPONSE_CANCEL", URL_RESPONSE_CANCEL},
        {"RESPONSE_ALLOW", URL_RESPONSE_ALLOW},
    };
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (PyModule_AddIntConstant(module, constants[i].name, constants[i].value) < 0)
            return -1;
    return 0;
}

PyMODINIT_FUNC PyInit__urlsession(void);

PyMODINIT_FUNC PyInit__urlsession(void)
{
    PyObject *module = PyModule_Create(&module_def);
    if (!module)
        return NULL;
    if (url_py_errors_init(module) < 0 ||
        add_type(module, "Configuration", &url_py_ConfigurationType) < 0 ||
        add_type(module, "_Request", &url_py_RequestType) < 0 ||
        add_type(module, "_Response", &url_py_ResponseType) < 0 ||
        add_type(module, "_InputStream", &url_py_InputStreamType) < 0 ||
        add_type(module, "Cookie", &url_py_CookieType) < 0 ||
        add_type(module, "CookieStorage", &url_py_CookieStorageType) < 0 ||
        add_type(module, "ProtectionSpace", &url_py_ProtectionSpaceType) < 0 ||
        add_type(module, "Credential", &url_py_CredentialType) < 0 ||
        add_type(module, "CredentialStorage", &url_py_CredentialStorageType) < 0 ||
        add_type(module, "Cache", &url_py_CacheType) < 0 ||
        add_type(module, "CachedResponse", &url_py_CachedResponseType) < 0 ||
        add_type(module, "Session", &url_py_SessionType) < 0 ||
        add_type(module, "Task", &url_py_TaskType) < 0 || add_constants(module) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
