/* version.c — the library's version string, naming the libcurl it runs with. */
#include <urlsession/urlsession.h>

#include <curl/curl.h>
#include <glib.h>

const char *url_version_string(void)
{
    static const char *version;
    /* The libcurl part is the one loaded at run time, which can differ from the headers
     * the library was built with; it cannot change while the process runs. */
    if (g_once_init_enter(&version)) {
        const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
        const char *text = g_strdup_printf("liburlsession/%s libcurl/%s", URL_VERSION_STRING,
                                           curl != NULL ? curl->version : "unknown");
        g_once_init_leave(&version, text);
    }
    return version;
}
