/* metrics_output.c — --metrics: one JSON line per finished URL.
 *
 * The library's metrics already are JSON (url_task_metrics_to_json()); urlget wraps them
 * with what only it knows, the destination and the outcome, instead of repeating any
 * field the metrics hold. */
#include "metrics_output.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct MetricsOutput {
    int fd; /* -1: stderr, through the progress display */
    Progress *progress;
    bool failed;
};

MetricsOutput *metrics_output_open(const char *path, Progress *progress)
{
    MetricsOutput *output = calloc(1, sizeof *output);
    if (output == NULL) {
        return NULL;
    }
    output->fd = -1;
    output->progress = progress;
    if (path != NULL) {
        output->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (output->fd < 0) {
            int saved_errno = errno;
            free(output);
            errno = saved_errno;
            return NULL;
        }
    }
    return output;
}

/* Appends @text as a JSON string (RFC 8259 escapes; bytes >= 0x80 pass through, the
 * library's strings are UTF-8). */
static void json_string(FILE *out, const char *text)
{
    if (text == NULL) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20) {
                fprintf(out, "\\u%04x", *p);
            } else {
                fputc(*p, out);
            }
        }
    }
    fputc('"', out);
}

static const char *errno_name(int code)
{
    const char *name = strerrorname_np(code);
    return name != NULL ? name : "";
}

static void json_error(FILE *out, const Transfer *transfer)
{
    static const char *const domains[] = {
        [FAILURE_URL] = "url",
        [FAILURE_HTTP] = "http",
        [FAILURE_FILE] = "file",
    };
    if (!transfer_failed(transfer)) {
        fputs("null", out);
        return;
    }
    fprintf(out, "{\"domain\":\"%s\",\"code\":%d,", domains[transfer->failure_domain],
            transfer->failure_code);
    if (transfer->failure_domain == FAILURE_URL) {
        fputs("\"name\":", out);
        json_string(out, url_error_code_name((UrlErrorCode)transfer->failure_code));
        fputc(',', out);
    } else if (transfer->failure_domain == FAILURE_FILE) {
        fputs("\"name\":", out);
        json_string(out, errno_name(transfer->failure_code));
        fputc(',', out);
    }
    fputs("\"message\":", out);
    json_string(out, transfer->failure_message != NULL ? transfer->failure_message : "");
    fputc('}', out);
}

void metrics_output_write(MetricsOutput *output, const Transfer *transfer)
{
    char *line = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&line, &length);
    if (out == NULL) {
        output->failed = true;
        return;
    }
    fputs("{\"url\":", out);
    json_string(out, transfer->url);
    fputs(",\"file\":", out);
    json_string(out,
                transfer->destination_kind == DESTINATION_STDOUT ? "-" : transfer->destination);
    if (transfer->resume_offset > 0) {
        fprintf(out, ",\"resumed_from\":%" PRId64, transfer->resume_offset);
    }
    fputs(",\"error\":", out);
    json_error(out, transfer);
    fprintf(out, ",\"metrics\":%s}",
            transfer->metrics_json != NULL ? transfer->metrics_json : "null");
    if (fclose(out) != 0 || line == NULL) {
        free(line);
        output->failed = true;
        return;
    }
    if (output->fd < 0) {
        progress_print(output->progress, line);
    } else {
        /* One write per line: with O_APPEND, lines of concurrent urlget runs never mix. */
        char *terminated = realloc(line, length + 2);
        if (terminated == NULL) {
            output->failed = true;
        } else {
            line = terminated;
            line[length] = '\n';
            if (write(output->fd, line, length + 1) != (ssize_t)(length + 1)) {
                output->failed = true;
            }
        }
    }
    free(line);
}

bool metrics_output_close(MetricsOutput *output)
{
    if (output == NULL) {
        return true;
    }
    bool ok = !output->failed;
    if (output->fd >= 0 && close(output->fd) != 0) {
        ok = false;
    }
    free(output);
    return ok;
}
