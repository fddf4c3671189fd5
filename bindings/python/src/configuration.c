/* configuration.c — Configuration: a UrlSessionConfiguration with Python properties.
 *
 * Values are checked here and refused with ValueError or TypeError, so that the C
 * library's "ignoring invalid value" warnings never reach stderr. */
#include "module.h"

#include <math.h>

#define SELF ((ConfigurationObject *)self)
#define CONF (SELF->configuration)

static const char *const multipath_names[] = {"none", "handover", "interactive", "aggregate"};
static const char *const http_version_names[] = {"default", "1.1", "2"};
static const char *const tls_names[] = {"1.0", "1.1", "1.2", "1.3"};
static const char *const cookie_policy_names[] = {"always", "never",
                                                  "only_from_main_document_domain"};
/* Indexed by UrlRequestCachePolicy. */
const char *const url_py_cache_policy_names[4] = {"use_protocol", "reload_ignoring_local_cache",
                                                  "return_cache_data_else_load",
                                                  "return_cache_data_dont_load"};
/* Indexed by UrlInterfaceType. */
static const char *const interface_type_names[] = {"other", "wifi", "cellular", "wired",
                                                   "loopback"};

static PyObject *configuration_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    ConfigurationObject *self = (ConfigurationObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->configuration = url_session_configuration_new_default();
    self->headers = PyDict_New();
    self->interface_types = PyDict_New();
    if (!self->headers || !self->interface_types) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static int configuration_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(SELF->headers);
    Py_VISIT(SELF->interface_types);
    return 0;
}

static int configuration_clear(PyObject *self)
{
    Py_CLEAR(SELF->headers);
    Py_CLEAR(SELF->interface_types);
    return 0;
}

static void configuration_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    configuration_clear(self);
    url_session_configuration_unref(CONF);
    Py_TYPE(self)->tp_free(self);
}

/* ---- helpers for the setters ---- */

static int refuse_delete(PyObject *value)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "configuration properties cannot be deleted");
        return -1;
    }
    return 0;
}

static int get_timeout(PyObject *value, double *seconds)
{
    if (refuse_delete(value) < 0)
        return -1;
    *seconds = PyFloat_AsDouble(value);
    if (*seconds == -1.0 && PyErr_Occurred())
        return -1;
    if (!isfinite(*seconds) || *seconds <= 0) {
        PyErr_Format(PyExc_ValueError, "a timeout must be a finite number of seconds > 0, not %R",
                     value);
        return -1;
    }
    return 0;
}

static int get_bool(PyObject *value, bool *out)
{
    if (refuse_delete(value) < 0)
        return -1;
    int truth = PyObject_IsTrue(value);
    if (truth < 0)
        return -1;
    *out = truth;
    return 0;
}

static int get_choice(PyObject *value, const char *const *names, size_t count, const char *what,
                      size_t *index)
{
    if (refuse_delete(value) < 0)
        return -1;
    if (!PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %.100s", what,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    const char *text = PyUnicode_AsUTF8(value);
    if (!text)
        return -1;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(text, names[i]) == 0) {
            *index = i;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError, "unknown %s %R", what, value);
    return -1;
}

/* A header value or user agent: no control characters but tab (RFC 9110 field value). */
static int check_field_value(const char *text, const char *what)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            PyObject *shown = PyUnicode_FromString(text);
            if (shown) {
                PyErr_Format(PyExc_ValueError, "%s contains a control character: %R", what, shown);
                Py_DECREF(shown);
            }
            return -1;
        }
    }
    return 0;
}

/* A path or None, converted with the filesystem encoding. On success *out is a new bytes
 * object or NULL for None. */
static int get_path(PyObject *value, PyObject **out)
{
    if (refuse_delete(value) < 0)
        return -1;
    *out = NULL;
    if (value == Py_None)
        return 0;
    return PyUnicode_FSConverter(value, out) ? 0 : -1;
}

static PyObject *path_or_none(const char *path)
{
    if (!path)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(path);
}

/* ---- properties ---- */

#define TIMEOUT_PROPERTY(name)                                                                     \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        return PyFloat_FromDouble(url_session_configuration_get_##name(CONF));                     \
    }                                                                                              \
    static int set_##name(PyObject *self, PyObject *value, void *closure)                          \
    {                                                                                              \
        double seconds;                                                                            \
        if (get_timeout(value, &seconds) < 0)                                                      \
            return -1;                                                                             \
        url_session_configuration_set_##name(CONF, seconds);                                       \
        return 0;                                                                                  \
    }

#define BOOL_PROPERTY(name)                                                                        \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        return PyBool_FromLong(url_session_configuration_get_##name(CONF));                        \
    }                                                                                              \
    static int set_##name(PyObject *self, PyObject *value, void *closure)                          \
    {                                                                                              \
        bool flag;                                                                                 \
        if (get_bool(value, &flag) < 0)                                                            \
            return -1;                                                                             \
        url_session_configuration_set_##name(CONF, flag);                                          \
        return 0;                                                                                  \
    }

#define PATH_PROPERTY(name)                                                                        \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        return path_or_none(url_session_configuration_get_##name(CONF));                           \
    }                                                                                              \
    static int set_##name(PyObject *self, PyObject *value, void *closure)                          \
    {                                                                                              \
        PyObject *path;                                                                            \
        if (get_path(value, &path) < 0)                                                            \
            return -1;                                                                             \
        url_session_configuration_set_##name(CONF, path ? PyBytes_AS_STRING(path) : NULL);         \
        Py_XDECREF(path);                                                                          \
        return 0;                                                                                  \
    }

TIMEOUT_PROPERTY(timeout_interval_for_request)
TIMEOUT_PROPERTY(timeout_interval_for_resource)
BOOL_PROPERTY(waits_for_connectivity)
BOOL_PROPERTY(allows_cellular_access)
BOOL_PROPERTY(allows_expensive_network_access)
BOOL_PROPERTY(allows_constrained_network_access)
PATH_PROPERTY(ca_file)
PATH_PROPERTY(ca_path)
PATH_PROPERTY(download_directory)

static PyObject *get_max_connections_per_host(PyObject *self, void *closure)
{
    return PyLong_FromLong(url_session_configuration_get_max_connections_per_host(CONF));
}

static int set_max_connections_per_host(PyObject *self, PyObject *value, void *closure)
{
    if (refuse_delete(value) < 0)
        return -1;
    long count = PyLong_AsLong(value);
    if (count == -1 && PyErr_Occurred())
        return -1;
    if (count < 1 || count > 65535) {
        PyErr_Format(PyExc_ValueError, "max_connections_per_host must be 1 to 65535, not %ld",
                     count);
        return -1;
    }
    url_session_configuration_set_max_connections_per_host(CONF, (int)count);
    return 0;
}

static PyObject *get_max_buffered_bytes(PyObject *self, void *closure)
{
    return PyLong_FromSize_t(url_session_configuration_get_max_buffered_bytes(CONF));
}

static int set_max_buffered_bytes(PyObject *self, PyObject *value, void *closure)
{
    if (refuse_delete(value) < 0)
        return -1;
    Py_ssize_t bytes = PyNumber_AsSsize_t(value, PyExc_OverflowError);
    if (bytes == -1 && PyErr_Occurred())
        return -1;
    if (bytes < 16384) {
        PyErr_Format(PyExc_ValueError, "max_buffered_bytes must be at least 16384, not %zd", bytes);
        return -1;
    }
    url_session_configuration_set_max_buffered_bytes(CONF, (size_t)bytes);
    return 0;
}

static PyObject *get_user_agent(PyObject *self, void *closure)
{
    return PyUnicode_FromString(url_session_configuration_get_user_agent(CONF));
}

static int set_user_agent(PyObject *self, PyObject *value, void *closure)
{
    if (refuse_delete(value) < 0)
        return -1;
    if (value == Py_None) {
        url_session_configuration_set_user_agent(CONF, NULL);
        return 0;
    }
    if (!PyUnicode_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "user_agent must be a str or None");
        return -1;
    }
    const char *text = PyUnicode_AsUTF8(value);
    if (!text || check_field_value(text, "user_agent") < 0)
        return -1;
    url_session_configuration_set_user_agent(CONF, text);
    return 0;
}

/* A str naming a value of a C enum whose values index @names. */
#define CHOICE_PROPERTY(name, names, CType)                                                        \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        return PyUnicode_FromString(names[url_session_configuration_get_##name(CONF)]);            \
    }                                                                                              \
    static int set_##name(PyObject *self, PyObject *value, void *closure)                          \
    {                                                                                              \
        size_t index;                                                                              \
        if (get_choice(value, names, sizeof names / sizeof names[0], #name, &index) < 0)           \
            return -1;                                                                             \
        url_session_configuration_set_##name(CONF, (CType)index);                                  \
        return 0;                                                                                  \
    }

CHOICE_PROPERTY(multipath_service_type, multipath_names, UrlMultipathServiceType)
CHOICE_PROPERTY(http_version, http_version_names, UrlHttpVersion)
CHOICE_PROPERTY(http_cookie_accept_policy, cookie_policy_names, UrlCookieAcceptPolicy)
CHOICE_PROPERTY(request_cache_policy, url_py_cache_policy_names, UrlRequestCachePolicy)

static PyObject *get_tls_minimum_version(PyObject *self, void *closure)
{
    int version = (int)url_session_configuration_get_tls_minimum_version(CONF);
    return PyUnicode_FromString(tls_names[version - URL_TLS_VERSION_1_0]);
}

static int set_tls_minimum_version(PyObject *self, PyObject *value, void *closure)
{
    size_t index;
    if (get_choice(value, tls_names, 4, "tls_minimum_version", &index) < 0)
        return -1;
    url_session_configuration_set_tls_minimum_version(CONF,
                                                      (UrlTlsVersion)(URL_TLS_VERSION_1_0 + index));
    return 0;
}

/* The (key, value) list of a mapping given to a dict property; None means empty. */
static PyObject *get_items(PyObject *value)
{
    if (refuse_delete(value) < 0)
        return NULL;
    return value == Py_None ? PyList_New(0) : PyMapping_Items(value);
}

static PyObject *get_additional_headers(PyObject *self, void *closure)
{
    return PyDict_Copy(SELF->headers);
}

/* Replaces every additional header with the items of @value (a mapping str -> str). */
static int set_additional_headers(PyObject *self, PyObject *value, void *closure)
{
    PyObject *items = get_items(value);
    if (!items)
        return -1;
    /* Check everything first so that a refused header leaves the configuration as it was. */
    UrlSessionConfiguration *trial = url_session_configuration_copy(CONF);
    PyObject *fresh = PyDict_New();
    int status = fresh ? 0 : -1;
    Py_ssize_t pos = 0;
    PyObject *name, *old_value;
    while (status == 0 && PyDict_Next(SELF->headers, &pos, &name, &old_value))
        url_session_configuration_set_additional_header(trial, PyUnicode_AsUTF8(name), NULL, NULL);
    for (Py_ssize_t i = 0; status == 0 && i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        PyObject *key = PyTuple_GET_ITEM(item, 0), *val = PyTuple_GET_ITEM(item, 1);
        if (!PyUnicode_Check(key) || !PyUnicode_Check(val)) {
            PyErr_SetString(PyExc_TypeError, "additional_headers must map str to str");
            status = -1;
            break;
        }
        const char *k = PyUnicode_AsUTF8(key), *v = PyUnicode_AsUTF8(val);
        UrlError *error = NULL;
        if (!k || !v) {
            status = -1;
        } else if (!url_session_configuration_set_additional_header(trial, k, v, &error)) {
            PyErr_SetString(PyExc_ValueError, url_error_get_message(error));
            url_error_unref(error);
            status = -1;
        } else if (PyDict_SetItem(fresh, key, val) < 0) {
            status = -1;
        }
    }
    Py_DECREF(items);
    if (status == 0) {
        url_session_configuration_unref(CONF);
        CONF = trial;
        Py_SETREF(SELF->headers, fresh);
    } else {
        url_session_configuration_unref(trial);
        Py_XDECREF(fresh);
    }
    return status;
}

BOOL_PROPERTY(uses_environment_proxies)
BOOL_PROPERTY(allows_https_to_http_redirects)
BOOL_PROPERTY(http_should_set_cookies)
BOOL_PROPERTY(tcp_fast_open)
BOOL_PROPERTY(manages_mptcp_endpoints)

/* A str or None for a setter that may refuse the value: *text is NULL for None. */
static int get_optional_text(PyObject *value, const char *what, const char **text)
{
    if (refuse_delete(value) < 0)
        return -1;
    *text = NULL;
    if (value == Py_None)
        return 0;
    if (!PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str or None, not %.100s", what,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    *text = PyUnicode_AsUTF8(value);
    return *text ? 0 : -1;
}

static PyObject *text_or_none(const char *text)
{
    if (!text)
        Py_RETURN_NONE;
    return PyUnicode_FromString(text);
}

/* A setter that may refuse a value and say why. */
typedef bool (*ProxySetter)(UrlSessionConfiguration *, const char *, UrlError **);

static int set_proxy(PyObject *self, PyObject *value, const char *what, ProxySetter set)
{
    const char *text;
    if (get_optional_text(value, what, &text) < 0)
        return -1;
    UrlError *error = NULL;
    if (!set(CONF, text, &error)) {
        PyErr_Format(PyExc_ValueError, "%s: %s", what, url_error_get_message(error));
        url_error_unref(error);
        return -1;
    }
    return 0;
}

#define PROXY_PROPERTY(name)                                                                       \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        return text_or_none(url_session_configuration_get_##name(CONF));                           \
    }                                                                                              \
    static int set_##name(PyObject *self, PyObject *value, void *closure)                          \
    {                                                                                              \
        return set_proxy(self, value, #name, url_session_configuration_set_##name);                \
    }

PROXY_PROPERTY(http_proxy)
PROXY_PROPERTY(https_proxy)
PROXY_PROPERTY(socks_proxy)
PROXY_PROPERTY(dns_over_https_url)

static PyObject *get_no_proxy(PyObject *self, void *closure)
{
    return text_or_none(url_session_configuration_get_no_proxy(CONF));
}

static int set_no_proxy(PyObject *self, PyObject *value, void *closure)
{
    const char *text;
    if (get_optional_text(value, "no_proxy", &text) < 0)
        return -1;
    url_session_configuration_set_no_proxy(CONF, text);
    return 0;
}

/* A str or None the C setter may refuse (returning false); @refusal says what is wanted. */
#define CHECKED_TEXT_PROPERTY(name, refusal)                                                       \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        return text_or_none(url_session_configuration_get_##name(CONF));                           \
    }                                                                                              \
    static int set_##name(PyObject *self, PyObject *value, void *closure)                          \
    {                                                                                              \
        const char *text;                                                                          \
        if (get_optional_text(value, #name, &text) < 0)                                            \
            return -1;                                                                             \
        if (!url_session_configuration_set_##name(CONF, text)) {                                   \
            PyErr_Format(PyExc_ValueError, #name " must be " refusal ", not %R", value);           \
            return -1;                                                                             \
        }                                                                                          \
        return 0;                                                                                  \
    }

CHECKED_TEXT_PROPERTY(dns_servers, "comma-separated IP addresses, each with an optional port")
CHECKED_TEXT_PROPERTY(nat64_prefix,
                      "an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (\"64:ff9b::/96\")")

static PyObject *get_connection_attempt_delay(PyObject *self, void *closure)
{
    return PyFloat_FromDouble(url_session_configuration_get_connection_attempt_delay(CONF));
}

static int set_connection_attempt_delay(PyObject *self, PyObject *value, void *closure)
{
    if (refuse_delete(value) < 0)
        return -1;
    double seconds = PyFloat_AsDouble(value);
    if (seconds == -1.0 && PyErr_Occurred())
        return -1;
    if (!(seconds >= 0.01 && seconds <= 2)) {
        PyErr_Format(PyExc_ValueError,
                     "connection_attempt_delay must be 0.01 to 2 seconds (RFC 8305), not %R",
                     value);
        return -1;
    }
    url_session_configuration_set_connection_attempt_delay(CONF, seconds);
    return 0;
}

static PyObject *get_max_decoded_body_size(PyObject *self, void *closure)
{
    return PyLong_FromLongLong(url_session_configuration_get_max_decoded_body_size(CONF));
}

static int set_max_decoded_body_size(PyObject *self, PyObject *value, void *closure)
{
    if (refuse_delete(value) < 0)
        return -1;
    if (!PyIndex_Check(value)) {
        PyErr_Format(PyExc_TypeError, "max_decoded_body_size must be an int, not %.100s",
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    PyObject *number = PyNumber_Index(value);
    if (!number)
        return -1;
    int overflow = 0;
    long long bytes = PyLong_AsLongLongAndOverflow(number, &overflow);
    Py_DECREF(number);
    if (bytes == -1 && PyErr_Occurred())
        return -1;
    if (overflow != 0 || bytes < 0) {
        PyErr_Format(PyExc_ValueError,
                     "max_decoded_body_size must be 0 (no limit) to 2**63 - 1 bytes, not %R",
                     value);
        return -1;
    }
    url_session_configuration_set_max_decoded_body_size(CONF, (int64_t)bytes);
    return 0;
}

BOOL_PROPERTY(wifi_assist)

static PyObject *get_wifi_assist_head_start(PyObject *self, void *closure)
{
    return PyFloat_FromDouble(url_session_configuration_get_wifi_assist_head_start(CONF));
}

static int set_wifi_assist_head_start(PyObject *self, PyObject *value, void *closure)
{
    if (refuse_delete(value) < 0)
        return -1;
    if (!PyFloat_Check(value) && !PyIndex_Check(value)) {
        PyErr_Format(PyExc_TypeError,
                     "wifi_assist_head_start must be a number of seconds, not %.100s",
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    double seconds = PyFloat_AsDouble(value);
    if (seconds == -1.0 && PyErr_Occurred())
        return -1;
    if (!(seconds >= 0 && seconds <= 60)) {
        PyErr_Format(PyExc_ValueError, "wifi_assist_head_start must be 0 to 60 seconds, not %R",
                     value);
        return -1;
    }
    url_session_configuration_set_wifi_assist_head_start(CONF, seconds);
    return 0;
}

static PyObject *get_address_family(PyObject *self, void *closure)
{
    switch (url_session_configuration_get_address_family(CONF)) {
    case URL_ADDRESS_FAMILY_IPV4_ONLY:
        return PyUnicode_FromString("ipv4");
    case URL_ADDRESS_FAMILY_IPV6_ONLY:
        return PyUnicode_FromString("ipv6");
    default:
        return PyUnicode_FromString("any");
    }
}

static int set_address_family(PyObject *self, PyObject *value, void *closure)
{
    static const char *const names[] = {"any", "ipv4", "ipv6"};
    static const UrlAddressFamily families[] = {
        URL_ADDRESS_FAMILY_ANY, URL_ADDRESS_FAMILY_IPV4_ONLY, URL_ADDRESS_FAMILY_IPV6_ONLY};
    size_t index;
    if (get_choice(value, names, 3, "address_family", &index) < 0)
        return -1;
    url_session_configuration_set_address_family(CONF, families[index]);
    return 0;
}

/* A storage object of the configuration (cookies, credentials), or None. */
#define STORAGE_PROPERTY(name, Wrapper, type)                                                      \
    static PyObject *get_##name(PyObject *self, void *closure)                                     \
    {                                                                                              \
        return url_py_##name##_wrap(url_session_configuration_get_##name(CONF));                   \
    }                                                                                              \
    static int set_##name(PyObject *self, PyObject *value, void *closure)                          \
    {                                                                                              \
        if (refuse_delete(value) < 0)                                                              \
            return -1;                                                                             \
        if (value != Py_None && !PyObject_TypeCheck(value, &type)) {                               \
            PyErr_Format(PyExc_TypeError, #name " must be a %s or None, not %.100s", type.tp_name, \
                         Py_TYPE(value)->tp_name);                                                 \
            return -1;                                                                             \
        }                                                                                          \
        url_session_configuration_set_##name(                                                      \
            CONF, value == Py_None ? NULL : ((Wrapper *)value)->storage);                          \
        return 0;                                                                                  \
    }

STORAGE_PROPERTY(cookie_storage, CookieStorageObject, url_py_CookieStorageType)
STORAGE_PROPERTY(credential_storage, CredentialStorageObject, url_py_CredentialStorageType)

static PyObject *get_url_cache(PyObject *self, void *closure)
{
    return url_py_cache_wrap(url_session_configuration_get_url_cache(CONF));
}

static int set_url_cache(PyObject *self, PyObject *value, void *closure)
{
    if (refuse_delete(value) < 0)
        return -1;
    if (value != Py_None && !PyObject_TypeCheck(value, &url_py_CacheType)) {
        PyErr_Format(PyExc_TypeError, "url_cache must be a Cache or None, not %.100s",
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    url_session_configuration_set_url_cache(CONF, value == Py_None ? NULL
                                                                   : ((CacheObject *)value)->cache);
    return 0;
}

static PyObject *get_interface_types(PyObject *self, void *closure)
{
    return PyDict_Copy(SELF->interface_types);
}

/* Replaces every override with the items of @value (a mapping str -> type name). */
static int set_interface_types(PyObject *self, PyObject *value, void *closure)
{
    PyObject *items = get_items(value);
    if (!items)
        return -1;
    PyObject *fresh = PyDict_New();
    int status = fresh ? 0 : -1;
    for (Py_ssize_t i = 0; status == 0 && i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        PyObject *name = PyTuple_GET_ITEM(item, 0), *type = PyTuple_GET_ITEM(item, 1);
        size_t index;
        Py_ssize_t length;
        if (!PyUnicode_Check(name) || !PyUnicode_AsUTF8AndSize(name, &length) || length == 0 ||
            length >= 16) {
            PyErr_Clear();
            PyErr_Format(PyExc_ValueError,
                         "interface_types keys must be interface names of 1 to 15 bytes, not %R",
                         name);
            status = -1;
        } else if (get_choice(type, interface_type_names, 5, "interface type", &index) < 0 ||
                   PyDict_SetItem(fresh, name, type) < 0) {
            status = -1;
        }
    }
    Py_DECREF(items);
    if (status == 0)
        Py_SETREF(SELF->interface_types, fresh);
    else
        Py_XDECREF(fresh);
    return status;
}

UrlSessionConfiguration *url_py_configuration_for_session(ConfigurationObject *conf)
{
    UrlSessionConfiguration *made = url_session_configuration_copy(conf->configuration);
    Py_ssize_t pos = 0;
    PyObject *name, *type;
    while (PyDict_Next(conf->interface_types, &pos, &name, &type)) {
        const char *type_name = PyUnicode_AsUTF8(type);
        for (size_t i = 0; type_name && i < 5; i++)
            if (strcmp(type_name, interface_type_names[i]) == 0)
                url_session_configuration_set_interface_type(made, PyUnicode_AsUTF8(name),
                                                             (UrlInterfaceType)i);
    }
    return made;
}

static PyObject *get_is_ephemeral(PyObject *self, void *closure)
{
    return PyBool_FromLong(url_session_configuration_is_ephemeral(CONF));
}

#define PROPERTY(name, doc)                                                                        \
    {                                                                                              \
#name, get_##name, set_##name, PyDoc_STR(doc), NULL                                        \
    }

static PyGetSetDef configuration_getset[] = {
    PROPERTY(timeout_interval_for_request,
             "Idle timeout in seconds (default 60): a task fails with TimedOut when nothing "
             "moved for this long."),
    PROPERTY(timeout_interval_for_resource,
             "The longest a whole task may take, in seconds (default 7 days)."),
    PROPERTY(additional_headers,
             "Headers sent with every request, a dict str -> str (a copy: assign a new dict "
             "to change them). A header the request sets itself wins."),
    PROPERTY(max_connections_per_host, "Connections per host, 1 or more (default 6)."),
    PROPERTY(user_agent, "The User-Agent sent unless a request sets one; None restores the "
                         "default \"liburlsession/VERSION libcurl/VERSION\"."),
    PROPERTY(ca_file, "A PEM bundle of trusted CAs, or None for the system's store."),
    PROPERTY(ca_path, "A directory of hashed CA certificates, or None."),
    PROPERTY(tls_minimum_version, "The lowest TLS version accepted: \"1.0\", \"1.1\", "
                                  "\"1.2\" (default) or \"1.3\"."),
    PROPERTY(http_version, "\"default\" (h2 over TLS by ALPN, HTTP/1.1 in cleartext), "
                           "\"1.1\" or \"2\" (h2c with prior knowledge in cleartext)."),
    PROPERTY(download_directory, "Where download tasks write their temporary files; None "
                                 "means $TMPDIR or /tmp."),
    PROPERTY(max_buffered_bytes, "Received bytes a task may hold undelivered before its "
                                 "transfer pauses (default 1 MiB, at least 16384)."),
    PROPERTY(waits_for_connectivity,
             "Whether a task with no usable network path waits for one instead of failing."),
    PROPERTY(multipath_service_type, "Multipath TCP use: \"none\" (default), \"handover\", "
                                     "\"interactive\" or \"aggregate\"."),
    PROPERTY(allows_cellular_access, "Whether cellular interfaces may be used (default True)."),
    PROPERTY(allows_expensive_network_access,
             "Whether expensive interfaces may be used (default True)."),
    PROPERTY(allows_constrained_network_access,
             "Whether constrained (low data mode) interfaces may be used (default True)."),
    PROPERTY(allows_https_to_http_redirects,
             "Whether a redirect from https:// to http:// is followed (default False: the task "
             "fails with AppTransportSecurityRequiresSecureConnection)."),
    PROPERTY(http_proxy, "The proxy for http:// URLs (\"host:port\" or "
                         "\"scheme://[user:password@]host[:port]\", scheme http, https, socks5 "
                         "or socks5h), or None. A malformed value raises ValueError."),
    PROPERTY(https_proxy, "The proxy for https:// URLs (a tunnel: CONNECT or SOCKS), same forms "
                          "as http_proxy, or None."),
    PROPERTY(socks_proxy, "A SOCKS5 proxy for every URL without a proxy of its scheme "
                          "(\"host:port\" means socks5h://), or None."),
    PROPERTY(no_proxy, "Hosts reached directly: comma-separated names (with their subdomains), "
                       "addresses, address/length ranges, or \"*\"; None (default) uses the "
                       "environment's no_proxy when environment proxies are used."),
    PROPERTY(uses_environment_proxies,
             "Whether http_proxy / https_proxy / all_proxy from the environment apply to "
             "requests no configured proxy covers (default True)."),
    PROPERTY(http_should_set_cookies,
             "Whether requests carry stored cookies and Set-Cookie fields are stored "
             "(default True)."),
    PROPERTY(cookie_storage,
             "The CookieStorage the session's cookies live in: the shared one for a default "
             "configuration, one of its own for an ephemeral one; None sends and stores no "
             "cookies."),
    PROPERTY(credential_storage,
             "The CredentialStorage that authentication challenges are answered from (the "
             "shared one for a default configuration, its own for an ephemeral one), or None."),
    PROPERTY(url_cache, "The HTTP Cache of the session's data and download tasks: Cache.shared() "
                        "for a default configuration, a memory-only one of its own for an "
                        "ephemeral one; None caches nothing."),
    PROPERTY(request_cache_policy,
             "The cache policy of requests that keep \"use_protocol\": \"use_protocol\" "
             "(default, RFC 9111), \"reload_ignoring_local_cache\", "
             "\"return_cache_data_else_load\" or \"return_cache_data_dont_load\"."),
    PROPERTY(http_cookie_accept_policy,
             "Which Set-Cookie fields are stored: \"always\", \"never\" or "
             "\"only_from_main_document_domain\" (default)."),
    PROPERTY(dns_servers, "The resolver's servers, comma-separated addresses with optional "
                          "ports (\"192.0.2.53:5353,[fd00::53]:53\"), or None (default) for "
                          "/etc/resolv.conf's."),
    PROPERTY(dns_over_https_url,
             "A DNS over HTTPS (RFC 8484) server's https:// URL that the session's lookups go "
             "to instead of the DNS servers, or None (default). Anything but an https URL with "
             "a host raises ValueError."),
    PROPERTY(nat64_prefix, "A NAT64 prefix such as \"64:ff9b::/96\", or None (default) to "
                           "discover it on each network (RFC 7050)."),
    PROPERTY(connection_attempt_delay,
             "Happy Eyeballs: seconds an attempt to one address family runs before the other "
             "family is tried too (default 0.25, 0.01 to 2)."),
    PROPERTY(address_family, "\"any\" (default, IPv6 and IPv4 raced), \"ipv4\" or \"ipv6\" only."),
    PROPERTY(tcp_fast_open, "TCP Fast Open for idempotent requests (GET, HEAD, PUT, DELETE...; "
                            "default False)."),
    PROPERTY(interface_types,
             "Interface type overrides, a dict name -> \"wifi\", \"cellular\", \"wired\", "
             "\"loopback\" or \"other\" (a copy: assign a new dict to change them); they win "
             "over sysfs and URLSESSION_INTERFACE_TYPES. Cellular is expensive."),
    PROPERTY(manages_mptcp_endpoints,
             "Whether multipath connections may set the network namespace's MPTCP endpoints "
             "with the kernel path manager (needs CAP_NET_ADMIN; default False)."),
    PROPERTY(max_decoded_body_size,
             "The most bytes a content-coded (gzip, deflate, br, zstd) response body may "
             "decode to (default 1 GiB, 0: no limit); past it the task fails with "
             "DataLengthExceedsMaximum. Bodies without a content coding are not limited."),
    PROPERTY(wifi_assist,
             "Wi-Fi Assist (multipath \"none\" only; default False): when a Wi-Fi connection is "
             "not ready after wifi_assist_head_start, a cellular attempt races it, if cellular "
             "access is allowed and a cellular interface is usable (never for a request whose "
             "body is a stream)."),
    PROPERTY(wifi_assist_head_start,
             "Seconds a Wi-Fi connection may take before Wi-Fi Assist races a cellular attempt "
             "(default 1.0, 0 to 60)."),
    {"is_ephemeral", get_is_ephemeral, NULL,
     PyDoc_STR("Whether the configuration was made ephemeral (read-only)."), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* Configuration(*, ephemeral=False, **properties) */
static int configuration_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError, "Configuration() takes keyword arguments only");
        return -1;
    }
    if (!kwds)
        return 0;
    PyObject *ephemeral = PyDict_GetItemString(kwds, "ephemeral");
    if (ephemeral) {
        int truth = PyObject_IsTrue(ephemeral);
        if (truth < 0)
            return -1;
        if (truth != url_session_configuration_is_ephemeral(CONF)) {
            url_session_configuration_unref(CONF);
            CONF = truth ? url_session_configuration_new_ephemeral()
                         : url_session_configuration_new_default();
            PyDict_Clear(SELF->headers);
            PyDict_Clear(SELF->interface_types);
        }
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(kwds, &pos, &key, &value)) {
        if (PyUnicode_CompareWithASCIIString(key, "ephemeral") == 0)
            continue;
        bool known = false;
        for (PyGetSetDef *p = configuration_getset; p->name; p++)
            if (p->set && PyUnicode_CompareWithASCIIString(key, p->name) == 0)
                known = true;
        if (!known) {
            PyErr_Format(PyExc_TypeError, "Configuration() got an unexpected keyword argument %R",
                         key);
            return -1;
        }
        if (PyObject_SetAttr(self, key, value) < 0)
            return -1;
    }
    return 0;
}

static PyObject *configuration_make(PyObject *cls, PyObject *args, PyObject *kwds, bool ephemeral)
{
    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError, "takes keyword arguments only");
        return NULL;
    }
    PyObject *options = kwds ? PyDict_Copy(kwds) : PyDict_New();
    if (!options)
        return NULL;
    PyObject *result = NULL;
    if (PyDict_SetItemString(options, "ephemeral", ephemeral ? Py_True : Py_False) == 0)
        result = PyObject_Call(cls, args, options);
    Py_DECREF(options);
    return result;
}

static PyObject *configuration_default(PyObject *cls, PyObject *args, PyObject *kwds)
{
    return configuration_make(cls, args, kwds, false);
}

static PyObject *configuration_ephemeral(PyObject *cls, PyObject *args, PyObject *kwds)
{
    return configuration_make(cls, args, kwds, true);
}

static PyObject *configuration_copy(PyObject *self, PyObject *unused)
{
    PyTypeObject *type = Py_TYPE(self);
    ConfigurationObject *copy = (ConfigurationObject *)type->tp_new(type, NULL, NULL);
    if (!copy)
        return NULL;
    url_session_configuration_unref(copy->configuration);
    copy->configuration = url_session_configuration_copy(CONF);
    PyObject *headers = PyDict_Copy(SELF->headers);
    if (!headers) {
        Py_DECREF(copy);
        return NULL;
    }
    Py_SETREF(copy->headers, headers);
    PyObject *types = PyDict_Copy(SELF->interface_types);
    if (!types) {
        Py_DECREF(copy);
        return NULL;
    }
    Py_SETREF(copy->interface_types, types);
    return (PyObject *)copy;
}

static PyObject *configuration_repr(PyObject *self)
{
    return PyUnicode_FromFormat(
        "<%s%s multipath=%s http=%s>", Py_TYPE(self)->tp_name,
        url_session_configuration_is_ephemeral(CONF) ? " ephemeral" : "",
        multipath_names[url_session_configuration_get_multipath_service_type(CONF)],
        http_version_names[url_session_configuration_get_http_version(CONF)]);
}

static PyMethodDef configuration_methods[] = {
    {"default", (PyCFunction)(void (*)(void))configuration_default,
     METH_CLASS | METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("default(**properties)\n--\n\nURLSession's default configuration, with the "
               "given properties set.")},
    {"ephemeral", (PyCFunction)(void (*)(void))configuration_ephemeral,
     METH_CLASS | METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("ephemeral(**properties)\n--\n\nA configuration whose session keeps nothing "
               "(cookies, cache, credentials) past its life.")},
    {"copy", configuration_copy, METH_NOARGS,
     PyDoc_STR("copy()\n--\n\nAn independent copy of this configuration.")},
    {NULL, NULL, 0, NULL},
};

PyTypeObject url_py_ConfigurationType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession.Configuration",
    .tp_basicsize = sizeof(ConfigurationObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = PyDoc_STR("Configuration(*, ephemeral=False, **properties)\n--\n\n"
                        "The settings a Session is created with. Every property can be given "
                        "as a keyword argument; the session copies the configuration, so "
                        "later changes do not affect sessions already made."),
    .tp_new = configuration_new,
    .tp_init = configuration_init,
    .tp_dealloc = configuration_dealloc,
    .tp_traverse = configuration_traverse,
    .tp_clear = configuration_clear,
    .tp_getset = configuration_getset,
    .tp_methods = configuration_methods,
    .tp_repr = configuration_repr,
};
