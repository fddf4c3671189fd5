/* options.h — urlget's command line. */
#ifndef URLGET_OPTIONS_H
#define URLGET_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <urlsession/urlsession.h>

typedef struct UrlgetOptions {
    const char **urls; /* borrowed from argv, in command-line order */
    size_t url_count;
    const char **outputs; /* -o values, in order; the n-th pairs with the n-th URL */
    size_t output_count;
    bool remote_name;    /* -O: URLs without -o are saved under the suggested name */
    bool resume;         /* -C -: continue partial files with a byte range */
    const char *ca_file; /* --cacert, or NULL for the system store */
    UrlHttpVersion http_version;
    bool metrics;                      /* --metrics[=FILE] */
    const char *metrics_path;          /* NULL: stderr */
    bool quiet;                        /* -q: no progress */
    const char *dns_servers;           /* --dns-servers LIST, or NULL for resolv.conf */
    UrlAddressFamily address_family;   /* -4 / -6 */
    UrlMultipathServiceType multipath; /* --multipath TYPE */
    bool no_cellular;                  /* --no-cellular */
    /* --interface-type IF=TYPE, in order (borrowed from argv, split at '='). */
    const char *interface_names[8];
    UrlInterfaceType interface_types[8];
    size_t interface_count;
    const char *doh_url;           /* --doh URL, or NULL for DNS servers */
    bool wifi_assist;              /* --wifi-assist[=S] */
    double wifi_assist_head_start; /* S, or -1 for the library's default */
} UrlgetOptions;

typedef enum {
    OPTIONS_RUN,        /* options are valid: download */
    OPTIONS_EXIT_OK,    /* --help or --version was printed */
    OPTIONS_EXIT_USAGE, /* a usage error was printed to stderr */
} OptionsResult;

/* Parses argv into @options (which borrows argv's strings) and checks the combination of
 * options; free the arrays with options_clear(). */
OptionsResult options_parse(int argc, char **argv, UrlgetOptions *options);
void options_clear(UrlgetOptions *options);

#endif
