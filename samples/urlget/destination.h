/* destination.h — putting a finished body at its destination, and only a finished one. */
#ifndef URLGET_DESTINATION_H
#define URLGET_DESTINATION_H

#include <stdbool.h>

/* Reads the process's umask. Call it once before any thread starts: reading the umask
 * means setting it, which would race with threads creating files. */
void destination_init(void);

/* Before any request: can @path become a file? Its directory must exist and be writable,
 * and @path must not be a directory. Returns 0 or an errno value. */
int destination_check(const char *path);

/* Returns: whether @path exists and is neither a regular file nor a directory: a device
 * such as /dev/null, or a FIFO. Such a destination is written as the body arrives; a
 * rename() over it would replace the device node instead of writing to it. */
bool destination_is_special(const char *path);

/* Returns: the directory part of @path ("." for a bare file name), made absolute;
 * free() it. NULL with errno set when it does not exist. */
char *destination_directory(const char *path);

/* Creates an empty temporary file beside @path, "@path.part-XXXXXX", with the mode a new
 * file would get. Returns its descriptor and sets *@temp_path (free() it), or -1 with
 * errno set. */
int destination_create_temporary(const char *path, char **temp_path);

/* Moves the complete file @from to @path, replacing what is there, so that @path appears
 * at once and whole: a rename() when both are on one filesystem, else a copy to a
 * temporary file beside @path and a rename() of that. The file gets the mode a new file
 * would get (0666 less the umask), not the 0600 of a private temporary file.
 * Returns 0 or an errno value. */
int destination_move_into_place(const char *from, const char *path);

#endif
