/* progress.c — what urlget shows on stderr while it downloads.
 *
 * On a terminal, the running transfers form a block of lines at the bottom, one bar each,
 * redrawn in place (cursor up, rewrite, clear to end of line) at most ten times a second.
 * A finished transfer at the top of the block is drawn one last time and left behind as
 * ordinary scrollback, so the block stays as small as what is still running. Messages
 * are printed above the block. Elsewhere (a log file, CI), a plain line per transfer
 * each second and a final line per file. */
#include "progress.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "human_units.h"
#include "monotonic_clock.h"

#define BAR_REDRAW_INTERVAL  0.1
#define LINE_REPORT_INTERVAL 1.0
#define RATE_WINDOW          3.0
#define BAR_MIN_WIDTH        10
#define BAR_MAX_WIDTH        50
#define LABEL_MIN_WIDTH      10
/* What follows the bar: "100%  4.5 MiB / 10.0 MiB    2.0 MiB/s  ETA 0:03    ", and
 * the same without the total. */
#define NUMBERS_WIDTH         48
#define COMPACT_NUMBERS_WIDTH 37

struct Progress {
    ProgressStyle style;
    Transfer *transfers;
    size_t count;
    double last_draw;
    size_t lines_on_screen; /* lines of the live block drawn last time */
    size_t committed;       /* transfers [0, committed) are drawn for good above the block */
    size_t label_width;     /* of the last frame */
};

/* A growing string, so that a whole frame reaches the terminal in one write and does not
 * flicker. */
typedef struct Text {
    char *data;
    size_t length;
    size_t capacity;
} Text;

__attribute__((format(printf, 2, 3))) static void text_printf(Text *text, const char *format, ...)
{
    va_list arguments;
    for (;;) {
        size_t room = text->capacity - text->length;
        va_start(arguments, format);
        int needed = vsnprintf(text->data != NULL ? text->data + text->length : NULL, room, format,
                               arguments);
        va_end(arguments);
        if (needed < 0) {
            return;
        }
        if ((size_t)needed < room) {
            text->length += (size_t)needed;
            return;
        }
        size_t capacity = text->capacity * 2 + (size_t)needed + 256;
        char *data = realloc(text->data, capacity);
        if (data == NULL) {
            return;
        }
        text->data = data;
        text->capacity = capacity;
    }
}

static void text_flush(Text *text)
{
    if (text->length > 0) {
        fwrite(text->data, 1, text->length, stderr);
        fflush(stderr);
    }
    free(text->data);
    *text = (Text){0};
}

Progress *progress_new(ProgressStyle style, Transfer *transfers, size_t count)
{
    Progress *progress = calloc(1, sizeof *progress);
    if (progress != NULL) {
        progress->style = style;
        progress->transfers = transfers;
        progress->count = count;
    }
    return progress;
}

void progress_free(Progress *progress)
{
    free(progress);
}

static bool any_running(const Progress *progress)
{
    for (size_t i = 0; i < progress->count; i++) {
        if (progress->transfers[i].state == TRANSFER_RUNNING) {
            return true;
        }
    }
    return false;
}

int progress_poll_timeout(const Progress *progress, double now)
{
    if (progress->style == PROGRESS_NONE || !any_running(progress)) {
        return -1;
    }
    if (progress->style == PROGRESS_LINES) {
        return 250; /* each transfer's own second is checked at this granularity */
    }
    double wait = progress->last_draw + BAR_REDRAW_INTERVAL - now;
    return wait <= 0 ? 0 : (int)(wait * 1000) + 1;
}

/* Body bytes received in this run, without the part a resume started from. */
static int64_t received_this_run(const Transfer *transfer)
{
    return transfer->bytes_done > transfer->resume_offset
               ? transfer->bytes_done - transfer->resume_offset
               : 0;
}

static double elapsed(const Transfer *transfer, double now)
{
    if (transfer->started_at <= 0) {
        return 0;
    }
    double end = transfer->state == TRANSFER_FINISHED ? transfer->finished_at : now;
    return end - transfer->started_at;
}

/* The speed to show: recent while running, the average once finished. */
static double shown_rate(const Transfer *transfer, double now)
{
    if (transfer_failed(transfer)) {
        return -1;
    }
    if (transfer->state == TRANSFER_FINISHED) {
        double seconds = elapsed(transfer, now);
        return seconds > 0 ? (double)received_this_run(transfer) / seconds : -1;
    }
    return rate_meter_rate(&transfer->rate, now, RATE_WINDOW);
}

/* Seconds left at @bytes_per_second, or -1 when unknown. */
static double eta_seconds(const Transfer *transfer, double bytes_per_second)
{
    if (transfer->bytes_total <= 0 || bytes_per_second <= 0) {
        return -1;
    }
    return (double)(transfer->bytes_total - transfer->bytes_done) / bytes_per_second;
}

static bool was_interrupted(const Transfer *transfer)
{
    return transfer->failure_domain == FAILURE_URL && transfer->failure_code == URL_ERROR_CANCELLED;
}

/* "85 ms" under a second, "1.2 s" under a minute, "1:05" above. */
static void format_elapsed(double seconds, char out[HUMAN_UNITS_MAX])
{
    if (seconds < 0.9995) {
        snprintf(out, HUMAN_UNITS_MAX, "%.0f ms", seconds < 0 ? 0 : seconds * 1000);
    } else if (seconds < 59.95) {
        snprintf(out, HUMAN_UNITS_MAX, "%.1f s", seconds < 0 ? 0 : seconds);
    } else {
        human_duration(seconds, out);
    }
}

/* Columns a UTF-8 string takes, counting one per character (file names are rarely
 * double-width; a wrong guess only shortens a line). */
static size_t display_width(const char *text)
{
    size_t width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if ((*p & 0xC0) != 0x80) {
            width++;
        }
    }
    return width;
}

/* @label in exactly @width columns: padded, or its end kept behind an ellipsis (the end
 * of a URL or a path is the part that tells files apart). */
static void append_label(Text *text, const char *label, size_t width)
{
    size_t label_width = display_width(label);
    if (label_width <= width) {
        text_printf(text, "%s%*s", label, (int)(width - label_width), "");
        return;
    }
    const char *tail = label + strlen(label);
    for (size_t kept = 0; kept + 1 < width && tail > label;) {
        tail--;
        if (((unsigned char)*tail & 0xC0) != 0x80) {
            kept++;
        }
    }
    text_printf(text, "\u2026%s", tail);
}

static int percent_done(const Transfer *transfer)
{
    if (transfer->state == TRANSFER_FINISHED && !transfer_failed(transfer)) {
        return 100;
    }
    /* The bytes of an error page are not a part of the file. */
    if (transfer->bytes_total <= 0 || transfer->failure_domain == FAILURE_HTTP) {
        return -1;
    }
    int64_t percent = transfer->bytes_done * 100 / transfer->bytes_total;
    return percent > 100 ? 100 : (int)percent;
}

static void append_bar(Text *text, const Transfer *transfer, int width, double now)
{
    int percent = percent_done(transfer);
    text_printf(text, "[");
    if (percent >= 0) {
        int filled = percent * width / 100;
        for (int i = 0; i < width; i++) {
            text_printf(text, "%c", i < filled ? '=' : (i == filled ? '>' : ' '));
        }
    } else {
        /* Unknown size: a marker that moves to and fro shows that bytes flow. */
        int span = width > 3 ? width - 3 : 1;
        int step = (int)(now * 10) % (2 * span);
        int position = step < span ? step : 2 * span - step;
        for (int i = 0; i < width; i++) {
            bool marker = transfer->state == TRANSFER_RUNNING && i >= position && i < position + 3;
            text_printf(text, "%c", marker ? "<=>"[i - position] : ' ');
        }
    }
    text_printf(text, "] ");
}

/* Everything right of the bar: "45%  4.5 MiB / 10.0 MiB  12.3 MiB/s  ETA 0:01"; @compact
 * leaves out the total, which the percentage implies, to keep a bar on narrow screens. */
static void format_numbers(const Transfer *transfer, double now, bool compact, char *out,
                           size_t size)
{
    char percent[16], done[HUMAN_UNITS_MAX], total[HUMAN_UNITS_MAX], rate[HUMAN_UNITS_MAX];
    char when[HUMAN_UNITS_MAX + 16];
    int percent_value = percent_done(transfer);
    if (percent_value >= 0) {
        snprintf(percent, sizeof percent, "%d%%", percent_value);
    } else {
        snprintf(percent, sizeof percent, "--");
    }
    human_bytes(transfer->bytes_done, done);
    if (transfer->bytes_total >= 0) {
        human_bytes(transfer->bytes_total, total);
    } else {
        snprintf(total, sizeof total, "?");
    }
    double bytes_per_second = shown_rate(transfer, now);
    human_rate(bytes_per_second, rate);

    char duration[HUMAN_UNITS_MAX];
    if (transfer->state != TRANSFER_FINISHED) {
        human_duration(eta_seconds(transfer, bytes_per_second), duration);
        snprintf(when, sizeof when, "ETA %s", duration);
    } else if (transfer->already_complete) {
        snprintf(when, sizeof when, "complete");
    } else if (was_interrupted(transfer)) {
        snprintf(when, sizeof when, "interrupted");
    } else if (transfer->failure_domain == FAILURE_HTTP) {
        snprintf(when, sizeof when, "HTTP %d", transfer->failure_code);
    } else if (transfer->failure_domain == FAILURE_FILE) {
        snprintf(when, sizeof when, "write error");
    } else if (transfer_failed(transfer)) {
        snprintf(when, sizeof when, "failed");
    } else {
        format_elapsed(elapsed(transfer, now), duration);
        snprintf(when, sizeof when, "in %s", duration);
    }
    if (compact) {
        snprintf(out, size, "%4s %8s %10s  %-11s", percent, done, rate, when);
    } else {
        snprintf(out, size, "%4s %8s / %-8s %10s  %-11s", percent, done, total, rate, when);
    }
}

/* The columns of a frame, the same for every line so that bars and numbers line up. */
typedef struct Layout {
    size_t room; /* columns a line may use */
    size_t label_width;
    size_t bar_width; /* 0: no room for a bar */
    bool compact;     /* numbers without the total */
} Layout;

static void append_bar_line(Text *text, const Transfer *transfer, double now, const Layout *layout)
{
    char numbers[192];
    format_numbers(transfer, now, layout->compact, numbers, sizeof numbers);
    append_label(text, transfer_label(transfer), layout->label_width);
    text_printf(text, " ");
    size_t used = layout->label_width + 1;
    if (layout->bar_width > 0) {
        append_bar(text, transfer, (int)layout->bar_width, now);
        used += layout->bar_width + 3;
    }
    /* A line must never wrap, or the next redraw would go up too few lines. */
    size_t numbers_room = layout->room > used ? layout->room - used : 0;
    size_t numbers_width = strlen(numbers);
    text_printf(text, "%.*s\033[K\n",
                (int)(numbers_room < numbers_width ? numbers_room : numbers_width), numbers);
}

static void terminal_size(size_t *columns, size_t *rows)
{
    struct winsize size;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 && size.ws_row > 0) {
        *columns = size.ws_col;
        *rows = size.ws_row;
    } else {
        *columns = 80;
        *rows = 24;
    }
}

/* As wide as the widest label, within a quarter of the screen and leaving room for a bar;
 * never narrower than in the previous frame, so that columns stay put. */
static size_t label_column_width(Progress *progress, size_t columns)
{
    size_t widest = LABEL_MIN_WIDTH;
    for (size_t i = 0; i < progress->count; i++) {
        size_t width = display_width(transfer_label(&progress->transfers[i]));
        widest = width > widest ? width : widest;
    }
    size_t limit = columns / 4;
    size_t room_beside_bar = columns > COMPACT_NUMBERS_WIDTH + BAR_MIN_WIDTH + 5
                                 ? columns - COMPACT_NUMBERS_WIDTH - BAR_MIN_WIDTH - 5
                                 : 0;
    limit = limit < room_beside_bar ? limit : room_beside_bar;
    limit = limit > LABEL_MIN_WIDTH ? limit : LABEL_MIN_WIDTH;
    size_t width = widest < limit ? widest : limit;
    if (width < progress->label_width && progress->label_width <= limit) {
        width = progress->label_width;
    }
    progress->label_width = width;
    return width;
}

static void draw_bars(Progress *progress, double now, const char *message)
{
    size_t columns, rows;
    terminal_size(&columns, &rows);
    Text frame = {0};
    if (progress->lines_on_screen > 0) {
        text_printf(&frame, "\033[%zuA", progress->lines_on_screen);
    }
    text_printf(&frame, "\r");
    if (message != NULL) {
        text_printf(&frame, "%s\033[K\n", message);
    }
    /* The last column stays empty: writing into it makes some terminals wrap early. */
    Layout layout = {.room = columns > 1 ? columns - 1 : 1};
    layout.label_width = label_column_width(progress, columns);
    size_t used = layout.label_width + 1 + 3; /* a space after the label, "[", "] " */
    size_t bar_room = layout.room > used + NUMBERS_WIDTH ? layout.room - used - NUMBERS_WIDTH : 0;
    if (bar_room < BAR_MIN_WIDTH) {
        layout.compact = true;
        bar_room = layout.room > used + COMPACT_NUMBERS_WIDTH
                       ? layout.room - used - COMPACT_NUMBERS_WIDTH
                       : 0;
    }
    if (bar_room >= BAR_MIN_WIDTH) {
        layout.bar_width = bar_room > BAR_MAX_WIDTH ? BAR_MAX_WIDTH : bar_room;
    }
    while (progress->committed < progress->count &&
           progress->transfers[progress->committed].state == TRANSFER_FINISHED) {
        append_bar_line(&frame, &progress->transfers[progress->committed], now, &layout);
        progress->committed++;
    }
    /* A block taller than the screen cannot be redrawn in place (the cursor cannot go up
     * into scrollback): show what fits and count the rest. */
    size_t max_lines = rows > 3 ? rows - 2 : 1;
    size_t drawn = 0, hidden = 0;
    for (size_t i = progress->committed; i < progress->count; i++) {
        const Transfer *transfer = &progress->transfers[i];
        if (transfer->state == TRANSFER_WAITING) {
            continue;
        }
        if (drawn < max_lines) {
            append_bar_line(&frame, transfer, now, &layout);
            drawn++;
        } else {
            hidden++;
        }
    }
    if (hidden > 0) {
        text_printf(&frame, "  ... and %zu more\033[K\n", hidden);
        drawn++;
    }
    text_printf(&frame, "\033[J");
    progress->lines_on_screen = drawn;
    progress->last_draw = now;
    text_flush(&frame);
}

static void print_progress_line(Transfer *transfer, double now)
{
    char done[HUMAN_UNITS_MAX], total[HUMAN_UNITS_MAX], rate[HUMAN_UNITS_MAX];
    double bytes_per_second = shown_rate(transfer, now);
    human_bytes(transfer->bytes_done, done);
    human_rate(bytes_per_second, rate);
    if (transfer->bytes_total > 0) {
        char eta[HUMAN_UNITS_MAX];
        human_bytes(transfer->bytes_total, total);
        human_duration(eta_seconds(transfer, bytes_per_second), eta);
        fprintf(stderr, "%s: %s of %s (%d%%), %s, ETA %s\n", transfer_label(transfer), done, total,
                percent_done(transfer), rate, eta);
    } else {
        fprintf(stderr, "%s: %s, %s\n", transfer_label(transfer), done, rate);
    }
}

static void print_final_line(const Transfer *transfer, double now)
{
    char size[HUMAN_UNITS_MAX], took[HUMAN_UNITS_MAX], rate[HUMAN_UNITS_MAX];
    human_bytes(transfer->bytes_done, size);
    const char *label = transfer_label(transfer);
    if (transfer->already_complete) {
        fprintf(stderr, "%s: already complete (%s)\n", label, size);
    } else if (was_interrupted(transfer)) {
        fprintf(stderr, "%s: interrupted after %s\n", label, size);
    } else if (transfer_failed(transfer) && transfer->failure_domain != FAILURE_HTTP &&
               transfer->bytes_done > transfer->resume_offset) {
        fprintf(stderr, "%s: failed after %s\n", label, size);
    } else if (transfer_failed(transfer)) {
        fprintf(stderr, "%s: failed\n", label);
    } else {
        format_elapsed(elapsed(transfer, now), took);
        human_rate(shown_rate(transfer, now), rate);
        if (transfer->resume_offset > 0) {
            char offset[HUMAN_UNITS_MAX];
            human_bytes(transfer->resume_offset, offset);
            fprintf(stderr, "%s: done, %s in %s (%s), resumed at %s\n", label, size, took, rate,
                    offset);
        } else {
            fprintf(stderr, "%s: done, %s in %s (%s)\n", label, size, took, rate);
        }
    }
}

void progress_update(Progress *progress, double now)
{
    if (progress->style == PROGRESS_NONE) {
        return;
    }
    for (size_t i = 0; i < progress->count; i++) {
        Transfer *transfer = &progress->transfers[i];
        if (transfer->state == TRANSFER_RUNNING) {
            rate_meter_sample(&transfer->rate, now, received_this_run(transfer));
        }
    }
    if (progress->style == PROGRESS_BARS) {
        if (now - progress->last_draw >= BAR_REDRAW_INTERVAL) {
            draw_bars(progress, now, NULL);
        }
        return;
    }
    for (size_t i = 0; i < progress->count; i++) {
        Transfer *transfer = &progress->transfers[i];
        if (transfer->state != TRANSFER_RUNNING) {
            continue;
        }
        /* Not in the first second: a quick download gets its final line only. */
        if (now - transfer->started_at >= LINE_REPORT_INTERVAL &&
            now - transfer->last_report_at >= LINE_REPORT_INTERVAL) {
            print_progress_line(transfer, now);
            transfer->last_report_at = now;
        }
    }
}

void progress_transfer_finished(Progress *progress, Transfer *transfer, double now)
{
    if (progress->style == PROGRESS_LINES) {
        print_final_line(transfer, now);
    }
    /* Bars show it at the next redraw, at most a tenth of a second away. */
}

void progress_print(Progress *progress, const char *line)
{
    if (progress->style == PROGRESS_BARS) {
        draw_bars(progress, monotonic_now(), line);
        return;
    }
    fprintf(stderr, "%s\n", line);
}

void progress_finish(Progress *progress, double now)
{
    if (progress->style == PROGRESS_BARS) {
        draw_bars(progress, now, NULL);
    }
}
