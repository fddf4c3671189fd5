/* main.c — a program built against an installed liburlsession, the way an application
 * is: only <urlsession/...> headers and what pkg-config or find_package(urlsession) say.
 * It needs no network: it checks that headers and library agree and that objects work. */
#include <urlsession/glib.h>
#include <urlsession/urlsession.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    const char *version = url_version_string();
    const char *expected = "liburlsession/" URL_VERSION_STRING " ";
    if (version == NULL || strncmp(version, expected, strlen(expected)) != 0) {
        fprintf(stderr, "version string \"%s\" does not start with \"%s\"\n",
                version ? version : "(null)", expected);
        return 1;
    }

    UrlSessionConfiguration *configuration = url_session_configuration_new_default();
    if (configuration == NULL) {
        fprintf(stderr, "url_session_configuration_new_default() returned NULL\n");
        return 1;
    }
    url_session_configuration_unref(configuration);

    UrlRequest *request = url_request_new("http://127.0.0.1/consumer");
    if (request == NULL || strcmp(url_request_get_method(request), "GET") != 0) {
        fprintf(stderr, "url_request_new() did not make a GET request\n");
        return 1;
    }
    url_request_unref(request);

    /* Linked, not called: urlsession/glib.h must be usable with the flags we were given. */
    UrlQueue *(*volatile new_glib_queue)(GMainContext *) = url_queue_new_glib;
    (void)new_glib_queue;

    printf("%s\n", version);
    return 0;
}
