/*
 * script_server: the in-process HTTP server of the client unit tests
 * (test_http, test_oauth).  It answers each request with the next answer of
 * a script, and once the script has run out with the `after` answer; it
 * counts what it served and keeps the body of the last request, so a test
 * can check what the client sent.  One server a test program, script_srv:
 * main sets its path, `after` and every_header, and passes
 * script_server_setup and script_server_teardown to cmocka_run_group_tests;
 * it runs on libmicrohttpd's own thread in between.
 */
#ifndef DWHBI_TEST_SCRIPT_SERVER_H
#define DWHBI_TEST_SCRIPT_SERVER_H

#include <stddef.h>

#include "lib/buf.h"

#define SCRIPT_MAX_ANSWERS 16

struct script_answer {
	int status;
	const char *header;     /* "Name: value", or NULL */
	const char *body;       /* NULL = empty */
};

struct script_server {
	const char *path;               /* the URL's path, without the "/" */
	char url[64];                   /* http://127.0.0.1:PORT/PATH */
	struct script_answer after;     /* once the script has run out */
	const char *every_header;       /* "Name: value" on every answer, or NULL */
	struct script_answer script[SCRIPT_MAX_ANSWERS];
	int nscript, served;
	struct buf last_body;           /* the body of the last request */
	void *daemon;
};

extern struct script_server script_srv;

/* cmocka group setup: starts script_srv on a free loopback port (-1 when
 * it cannot); teardown stops it. */
int script_server_setup(void **state);
int script_server_teardown(void **state);

/* The next requests get a[0..n) in order (n at most SCRIPT_MAX_ANSWERS);
 * served starts again from 0. */
void script_server_set(struct script_server *s, int n, const struct script_answer *a);

#endif
