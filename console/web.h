/*
 * web: what the console's request handlers share — the server state, one
 * request as the handlers see it, and the response they fill in.  server.c
 * owns libmicrohttpd; pages.c (HTML) and api.c (JSON) only read requests and
 * fill responses through the helpers here, so they never touch the socket
 * layer and a response is always sent with the same security headers.
 */
#ifndef DWHBI_CONSOLE_WEB_H
#define DWHBI_CONSOLE_WEB_H

#include <libpq-fe.h>
#include <stdint.h>

#include "console/auth.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "console/guard.h"
#include "console/jobs.h"

#define CONSOLE_MAX_BODY 16384      /* bytes of a request body we accept */

struct console {
	const struct config *cfg;
	PGconn *db;
	const char *zone;              /* DWHBI_TIMEZONE, for display */
	char reports_dir[1024];
	int stale_hours;               /* a source older than this is stale */
	int loopback;                  /* listening on a loopback address only */
	uint16_t port;
	struct auth auth;
	struct jobs jobs;
	struct guard guard;            /* slow-client limits (guard.h) */
};

struct MHD_Connection;
struct cJSON;

struct request {
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	struct buf body;
	int body_too_big;
	struct session *session;       /* valid session cookie, or NULL */
	int bearer;                    /* authorized by Authorization: Bearer */
};

struct response {
	unsigned status;
	const char *content_type;      /* static string */
	struct buf body;
	char location[600];            /* Location header when set */
	char cookie[300];              /* Set-Cookie header when set */
	const char *allow;             /* Allow header for 405 */
	int file_fd;                   /* >= 0: send this file instead of body */
	long long file_size;
	char filename[160];            /* Content-Disposition filename */
};

/* Query-string argument or request header (NULL when absent); the strings
 * belong to the connection. */
const char *req_arg(const struct request *rq, const char *name);
const char *req_header(const struct request *rq, const char *name);
/* A form field of a urlencoded POST body, or of the query string when the
 * body lacks it (caller frees), or NULL. */
char *req_form(const struct request *rq, const char *name);
/* 1 when the request may change state: a valid Bearer token, or a session
 * cookie plus the session's CSRF token (form field "csrf" or header
 * X-CSRF-Token). */
int req_can_write(const struct request *rq);
/* 1 when the request may read pages and data. */
int req_can_read(const struct console *c, const struct request *rq);

void resp_html(struct response *rs, unsigned status);
void resp_json(struct response *rs, unsigned status, const struct cJSON *json);
/* {"error": msg} with status. */
void resp_json_error(struct response *rs, unsigned status, const char *msg);
/* 303 See Other to a local path. */
void resp_redirect(struct response *rs, const char *path);

/* Dispatchers: return 1 when they handled the path, 0 for "not mine". */
int pages_handle(struct console *c, struct request *rq, struct response *rs);
int api_handle(struct console *c, struct request *rq, struct response *rs);
/* The HTML answers of the server's own checks: 401 with the login form,
 * and 404. */
void pages_unauthorized(struct console *c, struct request *rq, struct response *rs);
void pages_not_found(struct console *c, struct request *rq, struct response *rs);

#endif
