/*
 * resource: the files embedded by scripts/embed (build/embedded.c), or the
 * same paths under DWHBI_DATADIR when that is set.
 */
#include "lib/resource.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

struct embedded_file { const char *path; const char *data; size_t len; };
extern const struct embedded_file embedded_files[];

static const char *datadir(void)
{
	const char *d = getenv("DWHBI_DATADIR");
	return d && *d ? d : NULL;
}

static char *read_file(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path, 0) < 0) {
		buf_release(&b);
		return NULL;
	}
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

char *resource_read(const char *path, size_t *len)
{
	const char *dir = datadir();

	if (dir) {
		struct buf p = BUF_INIT;
		char *s;
		buf_printf(&p, "%s/%s", dir, path);
		s = read_file(p.data, len);
		buf_release(&p);
		return s;
	}
	for (const struct embedded_file *e = embedded_files; e->path; e++) {
		if (!strcmp(e->path, path)) {
			char *s = malloc(e->len + 1);
			if (!s)
				return NULL;
			memcpy(s, e->data, e->len);
			s[e->len] = '\0';
			if (len)
				*len = e->len;
			return s;
		}
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* nftw has no user pointer: the walk below is not reentrant. */
static char **walk_list;
static size_t walk_n, walk_cap;
static size_t walk_strip;

static void list_add(const char *path)
{
	if (walk_n + 2 > walk_cap) {
		walk_cap = walk_cap ? walk_cap * 2 : 16;
		walk_list = xreallocarray(walk_list, walk_cap, sizeof(*walk_list));
	}
	walk_list[walk_n] = xstrdup(path);
	walk_n++;
	walk_list[walk_n] = NULL;
}

static int walk_cb(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F)
		list_add(path + walk_strip);
	return 0;
}

char **resource_list(const char *prefix)
{
	const char *dir = datadir();

	walk_list = NULL;
	walk_n = walk_cap = 0;
	if (dir) {
		struct buf p = BUF_INIT;
		buf_printf(&p, "%s/%s", dir, prefix);
		/* Walk the directory part of the prefix, then filter by prefix. */
		char *slash = strrchr(p.data, '/');
		if (slash && slash[1])
			*slash = '\0';
		walk_strip = strlen(dir) + 1;
		nftw(p.data, walk_cb, 16, FTW_PHYS);
		buf_release(&p);
		size_t keep = 0;
		for (size_t i = 0; i < walk_n; i++) {
			if (!strncmp(walk_list[i], prefix, strlen(prefix)))
				walk_list[keep++] = walk_list[i];
			else
				free(walk_list[i]);
		}
		walk_n = keep;
		if (walk_list)
			walk_list[walk_n] = NULL;
	} else {
		for (const struct embedded_file *e = embedded_files; e->path; e++)
			if (!strncmp(e->path, prefix, strlen(prefix)))
				list_add(e->path);
	}
	if (!walk_n) {
		free(walk_list);
		walk_list = NULL;
		return NULL;
	}
	qsort(walk_list, walk_n, sizeof(char *), cmp_str);
	return walk_list;
}

void resource_list_free(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}
