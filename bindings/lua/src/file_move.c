/* file_move.c — hands a finished download to its destination so that the destination
 * only ever appears complete: a rename when both are on one filesystem, else a copy to
 * a temporary name beside the destination, then a rename. */
#include "lua_urlsession.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool copy_contents(int in, int out)
{
    char buffer[65536];
    for (;;) {
        ssize_t got = read(in, buffer, sizeof buffer);
        if (got == 0)
            return true;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        for (ssize_t done = 0; done < got;) {
            ssize_t put = write(out, buffer + done, (size_t)(got - done));
            if (put < 0) {
                if (errno == EINTR)
                    continue;
                return false;
            }
            done += put;
        }
    }
}

/* Creates a new file beside @to under a name nobody uses; open() applies the umask as for
 * any new file. Returns the descriptor and sets *@name, or -1. */
static int create_beside(const char *to, char **name)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        *name = g_strdup_printf("%s.part-%d-%08x", to, (int)getpid(), g_random_int());
        int fd = open(*name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
        g_free(*name);
    }
    *name = NULL;
    errno = EEXIST;
    return -1;
}

/* Copies @from to a temporary file beside @to, then renames it to @to. */
static bool copy_then_rename(const char *from, const char *to, char **error_message)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        *error_message = g_strdup_printf("cannot open \"%s\": %s", from, g_strerror(errno));
        return false;
    }
    char *temporary = NULL;
    int out = create_beside(to, &temporary);
    if (out < 0) {
        *error_message =
            g_strdup_printf("cannot create a file beside \"%s\": %s", to, g_strerror(errno));
        close(in);
        g_free(temporary);
        return false;
    }
    bool ok = copy_contents(in, out);
    int saved = errno;
    close(in);
    if (close(out) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(temporary, to) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        *error_message = g_strdup_printf("cannot write \"%s\": %s", to, g_strerror(saved));
        unlink(temporary);
    }
    g_free(temporary);
    return ok;
}

bool lus_move_file(const char *from, const char *to, char **error_message)
{
    if (rename(from, to) == 0)
        return true;
    if (errno != EXDEV) {
        *error_message =
            g_strdup_printf("cannot move the download to \"%s\": %s", to, g_strerror(errno));
        return false;
    }
    return copy_then_rename(from, to, error_message);
}
