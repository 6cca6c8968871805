/*
 * xalloc: allocation that does not fail (git's xmalloc habit).  Running out
 * of memory is not a condition a CLI job recovers from, so these print
 * "fatal: out of memory" and abort instead of returning NULL; callers need
 * no NULL checks.  lib/buf grows its buffers the same way.
 */
#ifndef DWHBI_XALLOC_H
#define DWHBI_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
/* realloc of n elements of size bytes (overflow checked). */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/* The first n bytes of s (fewer at a NUL), NUL-terminated. */
char *xstrndup(const char *s, size_t n);

#endif
