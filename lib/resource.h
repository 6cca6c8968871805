/*
 * resource: files shipped inside the binary (the .sql files of sql/ and
 * transform/, templates/, config/, console/static/ and each part's own
 * queries), so an installed dwhbi needs no data directory.  When DWHBI_DATADIR is set, files are read from that
 * directory instead (a person editing models or templates in a checkout).
 * Paths are relative to the project root, e.g. "sql/0001_foundation.sql".
 */
#ifndef DWHBI_RESOURCE_H
#define DWHBI_RESOURCE_H

#include <stddef.h>

/* Returns the file's contents (NUL-terminated, caller frees) and its length
 * in *len (may be NULL), or NULL if there is no such file. */
char *resource_read(const char *path, size_t *len);

/* Lists the files whose path starts with prefix (e.g. "transform/marts/"),
 * sorted by path.  Returns a NULL-terminated array of strings that the caller
 * frees with resource_list_free(), or NULL when none. */
char **resource_list(const char *prefix);
void resource_list_free(char **list);

#endif
