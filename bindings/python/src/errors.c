/* errors.c — URLError and one subclass per NSURLError-compatible code. */
#include "module.h"

PyObject *url_py_URLError;

/* Class name, code and, for the TLS family, the intermediate base. A code missing here
 * raises plain URLError with that code. */
struct error_class {
    const char *name;
    int code;
    PyObject *type;
};

static struct error_class error_classes[] = {
    {"Cancelled", URL_ERROR_CANCELLED, NULL},
    {"BadURL", URL_ERROR_BAD_URL, NULL},
    {"TimedOut", URL_ERROR_TIMED_OUT, NULL},
    {"UnsupportedURL", URL_ERROR_UNSUPPORTED_URL, NULL},
    {"CannotFindHost", URL_ERROR_CANNOT_FIND_HOST, NULL},
    {"CannotConnectToHost", URL_ERROR_CANNOT_CONNECT_TO_HOST, NULL},
    {"NetworkConnectionLost", URL_ERROR_NETWORK_CONNECTION_LOST, NULL},
    {"DNSLookupFailed", URL_ERROR_DNS_LOOKUP_FAILED, NULL},
    {"TooManyRedirects", URL_ERROR_HTTP_TOO_MANY_REDIRECTS, NULL},
    {"ResourceUnavailable", URL_ERROR_RESOURCE_UNAVAILABLE, NULL},
    {"NotConnectedToInternet", URL_ERROR_NOT_CONNECTED_TO_INTERNET, NULL},
    {"RedirectToNonExistentLocation", URL_ERROR_REDIRECT_TO_NON_EXISTENT_LOCATION, NULL},
    {"BadServerResponse", URL_ERROR_BAD_SERVER_RESPONSE, NULL},
    {"UserCancelledAuthentication", URL_ERROR_USER_CANCELLED_AUTHENTICATION, NULL},
    {"UserAuthenticationRequired", URL_ERROR_USER_AUTHENTICATION_REQUIRED, NULL},
    {"ZeroByteResource", URL_ERROR_ZERO_BYTE_RESOURCE, NULL},
    {"CannotDecodeRawData", URL_ERROR_CANNOT_DECODE_RAW_DATA, NULL},
    {"CannotDecodeContentData", URL_ERROR_CANNOT_DECODE_CONTENT_DATA, NULL},
    {"CannotParseResponse", URL_ERROR_CANNOT_PARSE_RESPONSE, NULL},
    {"DataNotAllowed", URL_ERROR_DATA_NOT_ALLOWED, NULL},
    {"RequestBodyStreamExhausted", URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED, NULL},
    {"AppTransportSecurityRequiresSecureConnection",
     URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION, NULL},
    {"FileDoesNotExist", URL_ERROR_FILE_DOES_NOT_EXIST, NULL},
    {"FileIsDirectory", URL_ERROR_FILE_IS_DIRECTORY, NULL},
    {"NoPermissionsToReadFile", URL_ERROR_NO_PERMISSIONS_TO_READ_FILE, NULL},
    {"DataLengthExceedsMaximum", URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM, NULL},
    /* SecureConnectionFailed must come before the other -120x: it is their base. */
    {"SecureConnectionFailed", URL_ERROR_SECURE_CONNECTION_FAILED, NULL},
    {"ServerCertificateHasBadDate", URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE, NULL},
    {"ServerCertificateUntrusted", URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED, NULL},
    {"ServerCertificateHasUnknownRoot", URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT, NULL},
    {"ServerCertificateNotYetValid", URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID, NULL},
    {"ClientCertificateRejected", URL_ERROR_CLIENT_CERTIFICATE_REJECTED, NULL},
    {"ClientCertificateRequired", URL_ERROR_CLIENT_CERTIFICATE_REQUIRED, NULL},
    {"CannotLoadFromNetwork", URL_ERROR_CANNOT_LOAD_FROM_NETWORK, NULL},
    {"CannotCreateFile", URL_ERROR_CANNOT_CREATE_FILE, NULL},
    {"CannotOpenFile", URL_ERROR_CANNOT_OPEN_FILE, NULL},
    {"CannotCloseFile", URL_ERROR_CANNOT_CLOSE_FILE, NULL},
    {"CannotWriteToFile", URL_ERROR_CANNOT_WRITE_TO_FILE, NULL},
    {"CannotRemoveFile", URL_ERROR_CANNOT_REMOVE_FILE, NULL},
    {"CannotMoveFile", URL_ERROR_CANNOT_MOVE_FILE, NULL},
};

#define ERROR_CLASS_COUNT (sizeof error_classes / sizeof error_classes[0])

static PyObject *class_for_code(int code)
{
    for (size_t i = 0; i < ERROR_CLASS_COUNT; i++)
        if (error_classes[i].code == code)
            return error_classes[i].type;
    return url_py_URLError;
}

/* URLError(message=None, code=None, url=None): code defaults to the class's code and the
 * message to the code's fixed description. */
static int urlerror_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"message", "code", "url", NULL};
    PyObject *message = Py_None, *code = Py_None, *url = Py_None;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OOO:URLError", keywords, &message, &code, &url))
        return -1;
    if (code == Py_None) {
        code = PyObject_GetAttrString((PyObject *)Py_TYPE(self), "code");
        if (!code)
            return -1;
    } else {
        Py_INCREF(code);
    }
    if (message == Py_None) {
        long value = PyLong_AsLong(code);
        if (value == -1 && PyErr_Occurred()) {
            Py_DECREF(code);
            return -1;
        }
        message = PyUnicode_FromString(url_error_code_describe((UrlErrorCode)value));
    } else {
        Py_INCREF(message);
    }
    int status = -1;
    PyObject *base_args = message ? PyTuple_Pack(1, message) : NULL;
    if (base_args && ((PyTypeObject *)PyExc_Exception)->tp_init(self, base_args, NULL) == 0 &&
        PyObject_SetAttrString(self, "code", code) == 0 &&
        PyObject_SetAttrString(self, "message", message) == 0 &&
        PyObject_SetAttrString(self, "url", url) == 0)
        status = 0;
    Py_XDECREF(base_args);
    Py_XDECREF(message);
    Py_DECREF(code);
    return status;
}

static PyTypeObject URLErrorType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.URLError",
    .tp_basicsize = sizeof(PyBaseExceptionObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = PyDoc_STR(
        "URLError(message=None, code=None, url=None)\n--\n\n"
        "A failed request. ``code`` is the NSURLError-compatible code (``TimedOut.code`` is\n"
        "-1001), ``url`` the failing URL or None, ``message`` what went wrong. When a Python\n"
        "delegate callback raised, the task fails with this error and ``exception`` (also\n"
        "``__cause__``) is what the callback raised. ``addresses_tried`` is a tuple of the\n"
        "numeric addresses a connection was attempted to (CannotConnectToHost, TimedOut\n"
        "before a response), in the order the attempts started; empty otherwise."),
    .tp_init = urlerror_init,
    .tp_dictoffset = offsetof(PyBaseExceptionObject, dict),
};

/* Sets @type.code. The base class is a static type, immutable from Python: write its
 * dict directly and tell the type cache. */
static int set_class_attributes(PyObject *type, int code)
{
    PyObject *value = PyLong_FromLong(code);
    if (!value)
        return -1;
    int status = PyDict_SetItemString(((PyTypeObject *)type)->tp_dict, "code", value);
    Py_DECREF(value);
    PyType_Modified((PyTypeObject *)type);
    return status;
}

int url_py_errors_init(PyObject *module)
{
    URLErrorType.tp_base = (PyTypeObject *)PyExc_Exception;
    if (PyType_Ready(&URLErrorType) < 0)
        return -1;
    url_py_URLError = (PyObject *)&URLErrorType;
    if (set_class_attributes(url_py_URLError, URL_ERROR_UNKNOWN) < 0 ||
        PyDict_SetItemString(URLErrorType.tp_dict, "url", Py_None) < 0 ||
        PyDict_SetItemString(URLErrorType.tp_dict, "exception", Py_None) < 0)
        return -1;
    PyObject *no_addresses = PyTuple_New(0);
    int status = no_addresses
                     ? PyDict_SetItemString(URLErrorType.tp_dict, "addresses_tried", no_addresses)
                     : -1;
    Py_XDECREF(no_addresses);
    if (status < 0)
        return -1;
    Py_INCREF(url_py_URLError);
    if (PyModule_AddObject(module, "URLError", url_py_URLError) < 0) {
        Py_DECREF(url_py_URLError);
        return -1;
    }

    PyObject *tls_base = NULL;
    for (size_t i = 0; i < ERROR_CLASS_COUNT; i++) {
        struct error_class *c = &error_classes[i];
        bool tls = c->code <= URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE &&
                   c->code >= URL_ERROR_CLIENT_CERTIFICATE_REQUIRED;
        char qualified[96], doc[160];
        PyOS_snprintf(qualified, sizeof qualified, "urlsession.%s", c->name);
        PyOS_snprintf(doc, sizeof doc, "URLError with code %d (%s): %s.", c->code,
                      url_error_code_name((UrlErrorCode)c->code),
                      url_error_code_describe((UrlErrorCode)c->code));
        c->type = PyErr_NewExceptionWithDoc(qualified, doc,
                                            tls && tls_base ? tls_base : url_py_URLError, NULL);
        if (!c->type || set_class_attributes(c->type, c->code) < 0)
            return -1;
        if (c->code == URL_ERROR_SECURE_CONNECTION_FAILED)
            tls_base = c->type;
        Py_INCREF(c->type); /* the table keeps one reference for the module's life */
        if (PyModule_AddObject(module, c->name, c->type) < 0) {
            Py_DECREF(c->type);
            return -1;
        }
    }
    return 0;
}

PyObject *url_py_error_from_code(int code, const char *message, const char *failing_url)
{
    PyObject *type = class_for_code(code);
    PyObject *url = failing_url ? PyUnicode_DecodeUTF8(failing_url, strlen(failing_url), "replace")
                                : Py_NewRef(Py_None);
    PyObject *text =
        message ? PyUnicode_DecodeUTF8(message, strlen(message), "replace") : Py_NewRef(Py_None);
    PyObject *exc = NULL;
    if (url && text)
        exc = PyObject_CallFunction(type, "OiO", text, code, url);
    Py_XDECREF(url);
    Py_XDECREF(text);
    return exc;
}

/* The addresses a connection was attempted to, a tuple of str. */
static PyObject *addresses_tried(const UrlError *error)
{
    size_t count = url_error_get_addresses_tried_count(error);
    PyObject *tuple = PyTuple_New((Py_ssize_t)count);
    for (size_t i = 0; tuple && i < count; i++) {
        const char *address = url_error_get_address_tried(error, i);
        PyObject *text = PyUnicode_FromString(address ? address : "");
        if (!text) {
            Py_CLEAR(tuple);
            break;
        }
        PyTuple_SET_ITEM(tuple, (Py_ssize_t)i, text);
    }
    return tuple;
}

PyObject *url_py_error_new(const UrlError *error)
{
    PyObject *exc =
        url_py_error_from_code((int)url_error_get_code(error), url_error_get_message(error),
                               url_error_get_failing_url(error));
    if (exc && url_error_get_addresses_tried_count(error) > 0) {
        PyObject *addresses = addresses_tried(error);
        if (!addresses || PyObject_SetAttrString(exc, "addresses_tried", addresses) < 0)
            Py_CLEAR(exc);
        Py_XDECREF(addresses);
    }
    return exc;
}

PyObject *url_py_error_raise(UrlError *error)
{
    PyObject *exc = url_py_error_new(error);
    url_error_unref(error);
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return NULL;
}
