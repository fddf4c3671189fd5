/* credential_storage.c — ProtectionSpace, Credential and CredentialStorage:
 * UrlProtectionSpace, UrlCredential and UrlCredentialStorage, the user credentials a
 * session answers authentication challenges with (configuration.credential_storage). */
#include "module.h"

#define SPACE(self)      (((ProtectionSpaceObject *)(self))->space)
#define CREDENTIAL(self) (((CredentialObject *)(self))->credential)
#define STORAGE(self)    (((CredentialStorageObject *)(self))->storage)

/* Indexed by UrlAuthenticationMethod. */
static const char *const method_names[] = {"", "basic", "digest", "server_trust"};
/* Indexed by UrlCredentialPersistence. */
static const char *const persistence_names[] = {"none", "for_session", "permanent"};

/* The index of @text in @names, or -1 with ValueError naming @what. */
static int choice(const char *text, const char *const *names, int count, const char *what)
{
    for (int i = 0; i < count; i++)
        if (names[i][0] && strcmp(text, names[i]) == 0)
            return i;
    PyErr_Format(PyExc_ValueError, "unknown %s \"%s\"", what, text);
    return -1;
}

/* ---- ProtectionSpace ---- */

/* ProtectionSpace(host, port, protocol="https", realm=None, method="basic", proxy=False) */
static PyObject *space_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"host", "port", "protocol", "realm", "method", "proxy", NULL};
    const char *host, *protocol = "https", *realm = NULL, *method = "basic";
    int port, proxy = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "si|szsp:ProtectionSpace", keywords, &host, &port,
                                     &protocol, &realm, &method, &proxy))
        return NULL;
    if (port < 1 || port > 65535 || !*host) {
        PyErr_SetString(PyExc_ValueError, "a protection space needs a host and a port 1-65535");
        return NULL;
    }
    if (strcmp(protocol, "http") != 0 && strcmp(protocol, "https") != 0) {
        PyErr_Format(PyExc_ValueError, "protocol must be \"http\" or \"https\", not \"%s\"",
                     protocol);
        return NULL;
    }
    int m = choice(method, method_names, 3, "authentication method (basic or digest)");
    if (m < 0)
        return NULL;
    ProtectionSpaceObject *self = (ProtectionSpaceObject *)type->tp_alloc(type, 0);
    if (self)
        self->space = url_protection_space_new(host, port, protocol, realm,
                                               (UrlAuthenticationMethod)m, proxy);
    return (PyObject *)self;
}

static void space_dealloc(PyObject *self)
{
    url_protection_space_unref(SPACE(self));
    Py_TYPE(self)->tp_free(self);
}

static PyObject *space_get_host(PyObject *self, void *closure)
{
    return PyUnicode_FromString(url_protection_space_get_host(SPACE(self)));
}

static PyObject *space_get_port(PyObject *self, void *closure)
{
    return PyLong_FromLong(url_protection_space_get_port(SPACE(self)));
}

static PyObject *space_get_protocol(PyObject *self, void *closure)
{
    return PyUnicode_FromString(url_protection_space_get_protocol(SPACE(self)));
}

static PyObject *space_get_realm(PyObject *self, void *closure)
{
    const char *realm = url_protection_space_get_realm(SPACE(self));
    if (!realm)
        Py_RETURN_NONE;
    return PyUnicode_FromString(realm);
}

static PyObject *space_get_method(PyObject *self, void *closure)
{
    return PyUnicode_FromString(
        method_names[url_protection_space_get_authentication_method(SPACE(self))]);
}

static PyObject *space_get_proxy(PyObject *self, void *closure)
{
    return PyBool_FromLong(url_protection_space_is_proxy(SPACE(self)));
}

static PyGetSetDef space_getset[] = {
    {"host", space_get_host, NULL, PyDoc_STR("The host, as in the URL."), NULL},
    {"port", space_get_port, NULL, PyDoc_STR("The port."), NULL},
    {"protocol", space_get_protocol, NULL, PyDoc_STR("\"http\" or \"https\"."), NULL},
    {"realm", space_get_realm, NULL, PyDoc_STR("The realm the server names, or None."), NULL},
    {"method", space_get_method, NULL, PyDoc_STR("\"basic\" or \"digest\"."), NULL},
    {"proxy", space_get_proxy, NULL, PyDoc_STR("Whether it is a proxy's."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_ProtectionSpaceType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.ProtectionSpace",
    .tp_basicsize = sizeof(ProtectionSpaceObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("ProtectionSpace(host, port, protocol=\"https\", realm=None, "
                        "method=\"basic\", proxy=False)\n--\n\nWhere a credential applies "
                        "(RFC 9110 11.5): a server's (or a proxy's) host, port, scheme, realm "
                        "and authentication method."),
    .tp_new = space_new,
    .tp_dealloc = space_dealloc,
    .tp_getset = space_getset,
};

/* ---- Credential ---- */

/* Credential(user, password, persistence="for_session") */
static PyObject *credential_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"user", "password", "persistence", NULL};
    const char *user, *password, *persistence = "for_session";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "ss|s:Credential", keywords, &user, &password,
                                     &persistence))
        return NULL;
    int p =
        choice(persistence, persistence_names, 3, "persistence (none, for_session or permanent)");
    if (p < 0)
        return NULL;
    CredentialObject *self = (CredentialObject *)type->tp_alloc(type, 0);
    if (self)
        self->credential =
            url_credential_new_with_user(user, password, (UrlCredentialPersistence)p);
    return (PyObject *)self;
}

static PyObject *credential_wrap(UrlCredential *credential)
{
    CredentialObject *self = PyObject_New(CredentialObject, &url_py_CredentialType);
    if (self)
        self->credential = credential; /* takes the reference */
    else
        url_credential_unref(credential);
    return (PyObject *)self;
}

static void credential_dealloc(PyObject *self)
{
    url_credential_unref(CREDENTIAL(self));
    Py_TYPE(self)->tp_free(self);
}

static PyObject *credential_get_user(PyObject *self, void *closure)
{
    return PyUnicode_FromString(url_credential_get_user(CREDENTIAL(self)));
}

static PyObject *credential_get_password(PyObject *self, void *closure)
{
    return PyUnicode_FromString(url_credential_get_password(CREDENTIAL(self)));
}

static PyObject *credential_get_persistence(PyObject *self, void *closure)
{
    return PyUnicode_FromString(
        persistence_names[url_credential_get_persistence(CREDENTIAL(self))]);
}

static PyGetSetDef credential_getset[] = {
    {"user", credential_get_user, NULL, PyDoc_STR("The user name."), NULL},
    {"password", credential_get_password, NULL, PyDoc_STR("The password."), NULL},
    {"persistence", credential_get_persistence, NULL,
     PyDoc_STR("\"none\", \"for_session\" or \"permanent\"."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_CredentialType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.Credential",
    .tp_basicsize = sizeof(CredentialObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("Credential(user, password, persistence=\"for_session\")\n--\n\nA user "
                        "name and password for HTTP Basic or Digest."),
    .tp_new = credential_new,
    .tp_dealloc = credential_dealloc,
    .tp_getset = credential_getset,
};

/* ---- CredentialStorage ---- */

PyObject *url_py_credential_storage_wrap(UrlCredentialStorage *storage)
{
    if (!storage)
        Py_RETURN_NONE;
    CredentialStorageObject *self =
        PyObject_New(CredentialStorageObject, &url_py_CredentialStorageType);
    if (self)
        self->storage = url_credential_storage_ref(storage);
    return (PyObject *)self;
}

static PyObject *storage_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (!_PyArg_NoPositional("CredentialStorage", args) ||
        !_PyArg_NoKeywords("CredentialStorage", kwds))
        return NULL;
    CredentialStorageObject *self = (CredentialStorageObject *)type->tp_alloc(type, 0);
    if (self)
        self->storage = url_credential_storage_new();
    return (PyObject *)self;
}

static void storage_dealloc(PyObject *self)
{
    url_credential_storage_unref(STORAGE(self));
    Py_TYPE(self)->tp_free(self);
}

static PyObject *storage_shared(PyObject *cls, PyObject *unused)
{
    return url_py_credential_storage_wrap(url_credential_storage_shared());
}

static int check_space(PyObject *space)
{
    if (PyObject_TypeCheck(space, &url_py_ProtectionSpaceType))
        return 0;
    PyErr_Format(PyExc_TypeError, "expected a ProtectionSpace, not %.100s",
                 Py_TYPE(space)->tp_name);
    return -1;
}

static PyObject *storage_set_credential(PyObject *self, PyObject *args)
{
    PyObject *credential, *space;
    if (!PyArg_ParseTuple(args, "O!O:set_credential", &url_py_CredentialType, &credential,
                          &space) ||
        check_space(space) < 0)
        return NULL;
    url_credential_storage_set_credential(STORAGE(self), CREDENTIAL(credential), SPACE(space));
    Py_RETURN_NONE;
}

static PyObject *storage_credential(PyObject *self, PyObject *space)
{
    if (check_space(space) < 0)
        return NULL;
    UrlCredential *credential = url_credential_storage_copy_credential(STORAGE(self), SPACE(space));
    if (!credential)
        Py_RETURN_NONE;
    return credential_wrap(credential);
}

static PyObject *storage_remove_credential(PyObject *self, PyObject *space)
{
    if (check_space(space) < 0)
        return NULL;
    return PyBool_FromLong(url_credential_storage_remove_credential(STORAGE(self), SPACE(space)));
}

static Py_ssize_t storage_length(PyObject *self)
{
    return (Py_ssize_t)url_credential_storage_get_count(STORAGE(self));
}

static PyMethodDef storage_methods[] = {
    {"shared", storage_shared, METH_CLASS | METH_NOARGS,
     PyDoc_STR("shared()\n--\n\nThe process-wide storage that default configurations share.")},
    {"set_credential", storage_set_credential, METH_VARARGS,
     PyDoc_STR("set_credential(credential, space)\n--\n\nStores *credential* for *space*, "
               "replacing any other: challenges from that space are answered with it.")},
    {"credential", storage_credential, METH_O,
     PyDoc_STR("credential(space)\n--\n\nThe Credential stored for *space*, or None.")},
    {"remove_credential", storage_remove_credential, METH_O,
     PyDoc_STR("remove_credential(space)\n--\n\nRemoves the credential of *space*; returns "
               "whether there was one.")},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods storage_sequence = {.sq_length = storage_length};

PyTypeObject url_py_CredentialStorageType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.CredentialStorage",
    .tp_basicsize = sizeof(CredentialStorageObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("CredentialStorage()\n--\n\nUser credentials by protection space, in "
                        "memory. Assign it to Configuration.credential_storage; len() is how "
                        "many it holds."),
    .tp_new = storage_new,
    .tp_dealloc = storage_dealloc,
    .tp_methods = storage_methods,
    .tp_as_sequence = &storage_sequence,
    .tp_richcompare = url_py_wrapper_richcompare,
    .tp_hash = url_py_wrapper_hash,
};
