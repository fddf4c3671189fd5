/* options.c — urlget's command line: parsing, checking the combination, --help. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_text[] =
    "Usage: urlget [OPTION]... URL...\n"
    "Download URLs over HTTP/1.1 or HTTP/2 with liburlsession, all of them in parallel.\n"
    "\n"
    "Where the body goes:\n"
    "  -o, --output FILE      write the body of the next URL to FILE; repeat it once per\n"
    "                         URL, in order (like curl). FILE appears only when complete.\n"
    "                         '-o -' means stdout.\n"
    "  -O, --remote-name      save each URL without an -o under the server's suggested\n"
    "                         file name (Content-Disposition, else the URL's last path\n"
    "                         segment) in the current directory.\n"
    "                         Without -o or -O the body goes to stdout; several such URLs\n"
    "                         are written one after the other, in command-line order.\n"
    "  -C, --continue-at -    resume: when FILE exists, ask only for the bytes after its\n"
    "                         end (Range: bytes=SIZE-) and append them; needs -o FILE for\n"
    "                         every URL\n"
    "\n"
    "Connection:\n"
    "      --cacert FILE      trust the CA certificates in PEM FILE instead of the system's\n"
    "      --http2            HTTP/2 only: ALPN h2 on https, prior knowledge (h2c) on http\n"
    "      --http1.1          HTTP/1.1 only\n"
    "      --dns-servers LIST ask these DNS servers instead of /etc/resolv.conf's: comma-\n"
    "                         separated addresses, each with an optional port\n"
    "                         (\"[fd00::53]:53,192.0.2.53\")\n"
    "      --doh URL          resolve names with DNS over HTTPS (RFC 8484) at the https\n"
    "                         URL instead of DNS servers; --cacert applies to it too\n"
    "  -4, --ipv4             connect over IPv4 only\n"
    "  -6, --ipv6             connect over IPv6 only (NAT64-synthesized addresses included)\n"
    "      --multipath TYPE   Multipath TCP: none (default), handover (Wi-Fi / wired carries\n"
    "                         the data, cellular takes over when it fails), interactive\n"
    "                         (the lowest-latency path carries it) or aggregate (all paths)\n"
    "      --interface-type IF=TYPE\n"
    "                         treat interface IF as TYPE: wifi, cellular, wired, loopback\n"
    "                         or other (repeatable; sysfs decides otherwise)\n"
    "      --no-cellular      never use a cellular interface\n"
    "      --wifi-assist[=S]  when a connection over Wi-Fi is not ready after S seconds\n"
    "                         (default 1), race one over cellular; the first ready wins\n"
    "\n"
    "Output:\n"
    "      --metrics[=FILE]   after each URL, write one JSON line with its URL, file,\n"
    "                         outcome and the library's task metrics (connect attempts\n"
    "                         with their addresses and start times, the address used,\n"
    "                         NAT64 synthesis and prefix, timings); to stderr, or\n"
    "                         appended to FILE\n"
    "  -q, --quiet            no progress (error messages still go to stderr)\n"
    "  -h, --help             show this help and exit\n"
    "      --version          show the versions of urlget and liburlsession and exit\n"
    "\n"
    "A status of 400 or more fails that URL, and its file is not kept.\n"
    "\n"
    "Exit status (when several URLs fail differently, the first that applies wins:\n"
    "130, 143, 3, 2, 4):\n"
    "    0  every URL was downloaded\n"
    "    1  usage error (bad option, bad URL, unreadable --cacert, impossible combination)\n"
    "    2  a download failed: DNS, connect, TLS, timeout, connection lost, bad response\n"
    "    3  output could not be written (destination, disk full, stdout closed)\n"
    "    4  a server answered with an HTTP status of 400 or more\n"
    "  130  interrupted by SIGINT (Ctrl-C): transfers cancelled, temporary files removed\n"
    "  143  terminated by SIGTERM, cleaned up as for SIGINT\n"
    "\n"
    "Examples:\n"
    "  urlget -O https://example.org/a.iso https://example.org/b.iso\n"
    "  urlget -C - -o big.bin https://example.org/big.bin\n"
    "  urlget --metrics=metrics.jsonl -o /dev/null https://example.org/\n";

enum {
    OPTION_CACERT = 256,
    OPTION_HTTP2,
    OPTION_HTTP1_1,
    OPTION_METRICS,
    OPTION_VERSION,
    OPTION_DNS_SERVERS,
    OPTION_MULTIPATH,
    OPTION_INTERFACE_TYPE,
    OPTION_NO_CELLULAR,
    OPTION_DOH,
    OPTION_WIFI_ASSIST,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"remote-name", no_argument, NULL, 'O'},
    {"continue-at", required_argument, NULL, 'C'},
    {"cacert", required_argument, NULL, OPTION_CACERT},
    {"http2", no_argument, NULL, OPTION_HTTP2},
    {"http1.1", no_argument, NULL, OPTION_HTTP1_1},
    {"metrics", optional_argument, NULL, OPTION_METRICS},
    {"dns-servers", required_argument, NULL, OPTION_DNS_SERVERS},
    {"multipath", required_argument, NULL, OPTION_MULTIPATH},
    {"interface-type", required_argument, NULL, OPTION_INTERFACE_TYPE},
    {"no-cellular", no_argument, NULL, OPTION_NO_CELLULAR},
    {"doh", required_argument, NULL, OPTION_DOH},
    {"wifi-assist", optional_argument, NULL, OPTION_WIFI_ASSIST},
    {"ipv4", no_argument, NULL, '4'},
    {"ipv6", no_argument, NULL, '6'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPTION_VERSION},
    {NULL, 0, NULL, 0},
};

__attribute__((format(printf, 1, 2))) static OptionsResult usage_error(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("urlget: ", stderr);
    vfprintf(stderr, format, arguments);
    fputs("\nTry 'urlget --help' for more information.\n", stderr);
    va_end(arguments);
    return OPTIONS_EXIT_USAGE;
}

/* A URL the library refuses fails here, before anything is downloaded: it is a typing
 * mistake, not a network problem. */
static OptionsResult check_urls(const UrlgetOptions *options)
{
    for (size_t i = 0; i < options->url_count; i++) {
        UrlError *error = NULL;
        UrlRequest *request = url_request_new_checked(options->urls[i], &error);
        if (request == NULL) {
            fprintf(stderr, "urlget: %s: %s\n", options->urls[i],
                    error != NULL ? url_error_get_message(error) : "not a valid URL");
            url_error_unref(error);
            return OPTIONS_EXIT_USAGE;
        }
        url_request_unref(request);
    }
    return OPTIONS_RUN;
}

static OptionsResult check_combination(const UrlgetOptions *options)
{
    if (options->url_count == 0) {
        return usage_error("no URL given");
    }
    if (options->output_count > options->url_count) {
        return usage_error("more -o options than URLs");
    }
    for (size_t i = 0; i < options->output_count; i++) {
        if (strcmp(options->outputs[i], "-") == 0) {
            continue;
        }
        for (size_t j = i + 1; j < options->output_count; j++) {
            if (strcmp(options->outputs[i], options->outputs[j]) == 0) {
                return usage_error("-o %s is given for two URLs", options->outputs[i]);
            }
        }
    }
    /* A CA file that cannot be read would otherwise show up later, as a TLS failure of
     * every https URL. */
    if (options->ca_file != NULL && access(options->ca_file, R_OK) != 0) {
        return usage_error("--cacert %s: %s", options->ca_file, strerror(errno));
    }
    if (options->resume) {
        if (options->output_count < options->url_count) {
            return usage_error("-C - needs an -o FILE for every URL (the file to continue)");
        }
        for (size_t i = 0; i < options->output_count; i++) {
            if (strcmp(options->outputs[i], "-") == 0) {
                return usage_error("-C - cannot continue stdout (-o -)");
            }
        }
    }
    return check_urls(options);
}

OptionsResult options_parse(int argc, char **argv, UrlgetOptions *options)
{
    memset(options, 0, sizeof *options);
    options->http_version = URL_HTTP_VERSION_DEFAULT;
    options->wifi_assist_head_start = -1;
    /* argc bounds both arrays: every -o and every URL is one argument at least. */
    options->urls = calloc((size_t)argc, sizeof *options->urls);
    options->outputs = calloc((size_t)argc, sizeof *options->outputs);
    if (options->urls == NULL || options->outputs == NULL) {
        fputs("urlget: out of memory\n", stderr);
        return OPTIONS_EXIT_USAGE;
    }

    int option;
    while ((option = getopt_long(argc, argv, "o:OC:qh46", long_options, NULL)) != -1) {
        switch (option) {
        case 'o':
            options->outputs[options->output_count++] = optarg;
            break;
        case 'O':
            options->remote_name = true;
            break;
        case 'C':
            if (strcmp(optarg, "-") != 0) {
                return usage_error("-C %s: only '-C -' (continue from the file's size) is "
                                   "supported",
                                   optarg);
            }
            options->resume = true;
            break;
        case OPTION_CACERT:
            options->ca_file = optarg;
            break;
        case OPTION_HTTP2:
            options->http_version = URL_HTTP_VERSION_2;
            break;
        case OPTION_HTTP1_1:
            options->http_version = URL_HTTP_VERSION_1_1;
            break;
        case OPTION_METRICS:
            options->metrics = true;
            options->metrics_path = optarg;
            if (optarg != NULL && optarg[0] == '\0') {
                return usage_error("--metrics= needs a file name");
            }
            break;
        case 'q':
            options->quiet = true;
            break;
        case OPTION_DNS_SERVERS: {
            /* Checked here so that a typo is a usage error, not a failed download. */
            UrlSessionConfiguration *probe = url_session_configuration_new_ephemeral();
            bool valid = url_session_configuration_set_dns_servers(probe, optarg);
            url_session_configuration_unref(probe);
            if (!valid) {
                return usage_error("--dns-servers %s: not a list of IP addresses with optional "
                                   "ports, such as \"[fd00::53]:53,192.0.2.53\"",
                                   optarg);
            }
            options->dns_servers = optarg;
            break;
        }
        case OPTION_DOH: {
            UrlSessionConfiguration *probe = url_session_configuration_new_ephemeral();
            UrlError *error = NULL;
            bool valid = url_session_configuration_set_dns_over_https_url(probe, optarg, &error);
            url_session_configuration_unref(probe);
            if (!valid) {
                OptionsResult result = usage_error("--doh: %s", url_error_get_message(error));
                url_error_unref(error);
                return result;
            }
            options->doh_url = optarg;
            break;
        }
        case OPTION_MULTIPATH: {
            static const char *const types[] = {"none", "handover", "interactive", "aggregate"};
            int type = -1;
            for (int t = 0; t < 4; t++) {
                if (strcmp(optarg, types[t]) == 0) {
                    type = t;
                }
            }
            if (type < 0) {
                return usage_error("--multipath %s: none, handover, interactive or aggregate",
                                   optarg);
            }
            options->multipath = (UrlMultipathServiceType)type;
            break;
        }
        case OPTION_INTERFACE_TYPE: {
            char *equals = strchr(optarg, '=');
            UrlInterfaceType type;
            if (equals == NULL || equals == optarg || equals - optarg >= 16 ||
                !url_interface_type_from_string(equals + 1, &type)) {
                return usage_error("--interface-type %s: IF=TYPE, TYPE one of wifi, cellular, "
                                   "wired, loopback, other",
                                   optarg);
            }
            if (options->interface_count == 8) {
                return usage_error("--interface-type: at most 8");
            }
            *equals = '\0'; /* argv is ours to split */
            options->interface_names[options->interface_count] = optarg;
            options->interface_types[options->interface_count++] = type;
            break;
        }
        case OPTION_NO_CELLULAR:
            options->no_cellular = true;
            break;
        case OPTION_WIFI_ASSIST: {
            options->wifi_assist = true;
            if (optarg == NULL) {
                break;
            }
            char *end = NULL;
            double seconds = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(seconds >= 0 && seconds <= 60)) {
                return usage_error("--wifi-assist=%s: a head start in seconds, 0 to 60", optarg);
            }
            options->wifi_assist_head_start = seconds;
            break;
        }
        case '4':
        case '6':
            if (options->address_family != URL_ADDRESS_FAMILY_ANY) {
                return usage_error("-4 and -6 exclude each other");
            }
            options->address_family =
                option == '4' ? URL_ADDRESS_FAMILY_IPV4_ONLY : URL_ADDRESS_FAMILY_IPV6_ONLY;
            break;
        case 'h':
            fputs(help_text, stdout);
            return OPTIONS_EXIT_OK;
        case OPTION_VERSION:
            printf("urlget %s (%s)\n", URL_VERSION_STRING, url_version_string());
            return OPTIONS_EXIT_OK;
        default:
            /* getopt_long has printed what was wrong. */
            fputs("Try 'urlget --help' for more information.\n", stderr);
            return OPTIONS_EXIT_USAGE;
        }
    }
    for (int i = optind; i < argc; i++) {
        options->urls[options->url_count++] = argv[i];
    }
    return check_combination(options);
}

void options_clear(UrlgetOptions *options)
{
    free(options->urls);
    free(options->outputs);
    memset(options, 0, sizeof *options);
}
