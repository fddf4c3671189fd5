/* destination.c — putting a finished body at its destination, and only a finished one. */
#include "destination.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static mode_t process_umask = 022;

void destination_init(void)
{
    process_umask = umask(0);
    umask(process_umask);
}

static mode_t new_file_mode(void)
{
    return 0666 & ~process_umask;
}

static char *directory_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return strdup(".");
    }
    if (slash == path) {
        return strdup("/");
    }
    return strndup(path, (size_t)(slash - path));
}

int destination_check(const char *path)
{
    struct stat status;
    if (stat(path, &status) == 0 && S_ISDIR(status.st_mode)) {
        return EISDIR;
    }
    char *directory = directory_part(path);
    if (directory == NULL) {
        return ENOMEM;
    }
    int result = 0;
    if (stat(directory, &status) != 0) {
        result = errno;
    } else if (!S_ISDIR(status.st_mode)) {
        result = ENOTDIR;
    } else if (access(directory, W_OK | X_OK) != 0) {
        result = errno;
    }
    free(directory);
    return result;
}

bool destination_is_special(const char *path)
{
    struct stat status;
    return stat(path, &status) == 0 && !S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode);
}

char *destination_directory(const char *path)
{
    char *directory = directory_part(path);
    if (directory == NULL) {
        return NULL;
    }
    char *absolute = realpath(directory, NULL);
    int saved_errno = errno;
    free(directory);
    errno = saved_errno;
    return absolute;
}

int destination_create_temporary(const char *path, char **temp_path)
{
    char *name = NULL;
    if (asprintf(&name, "%s.part-XXXXXX", path) < 0) {
        errno = ENOMEM;
        return -1;
    }
    int fd = mkostemp(name, O_CLOEXEC);
    if (fd < 0) {
        int saved_errno = errno;
        free(name);
        errno = saved_errno;
        return -1;
    }
    /* mkstemp makes 0600 files; the result should look like any other new file. */
    if (fchmod(fd, new_file_mode()) != 0) {
        int saved_errno = errno;
        close(fd);
        unlink(name);
        free(name);
        errno = saved_errno;
        return -1;
    }
    *temp_path = name;
    return fd;
}

static int copy_contents(int from_fd, int to_fd)
{
    for (;;) {
        ssize_t copied = copy_file_range(from_fd, NULL, to_fd, NULL, 1 << 30, 0);
        if (copied == 0) {
            return 0;
        }
        if (copied > 0) {
            continue;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) {
            return errno;
        }
        break;
    }
    /* Filesystems copy_file_range() cannot bridge: plain reads and writes. */
    char buffer[1 << 16];
    for (;;) {
        ssize_t got = read(from_fd, buffer, sizeof buffer);
        if (got == 0) {
            return 0;
        }
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        for (ssize_t done = 0; done < got;) {
            ssize_t put = write(to_fd, buffer + done, (size_t)(got - done));
            if (put < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return errno;
            }
            done += put;
        }
    }
}

static int copy_into_place(const char *from, const char *path)
{
    int from_fd = open(from, O_RDONLY | O_CLOEXEC);
    if (from_fd < 0) {
        return errno;
    }
    char *temp_path = NULL;
    int to_fd = destination_create_temporary(path, &temp_path);
    if (to_fd < 0) {
        int saved_errno = errno;
        close(from_fd);
        return saved_errno;
    }
    int result = copy_contents(from_fd, to_fd);
    close(from_fd);
    if (result == 0 && fsync(to_fd) != 0) {
        result = errno;
    }
    if (close(to_fd) != 0 && result == 0) {
        result = errno;
    }
    if (result == 0 && rename(temp_path, path) != 0) {
        result = errno;
    }
    if (result != 0) {
        unlink(temp_path);
    }
    free(temp_path);
    return result;
}

int destination_move_into_place(const char *from, const char *path)
{
    if (chmod(from, new_file_mode()) != 0) {
        return errno;
    }
    if (rename(from, path) == 0) {
        return 0;
    }
    if (errno != EXDEV) {
        return errno;
    }
    return copy_into_place(from, path);
}
