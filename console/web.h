/*
 * web: one HTTP request as the console's handlers see it, the response they
 * fill in, and the helpers that read the one and fill the other.  This is
 * the layer under the handlers: the pages (page_*.c) and the JSON API
 * (api.c) include it, server.c (the daemon and the routing) includes it
 * too, and it includes neither a page nor the server, so nothing here
 * depends on who handles a request.  Escaping and formatting of HTML text
 * are in html.h, parsing and validating of request values in form.h.
 */
#ifndef DWHBI_CONSOLE_WEB_H
#define DWHBI_CONSOLE_WEB_H

#include "console/auth.h"
#include "lib/buf.h"

#define CONSOLE_MAX_BODY 16384      /* bytes of a request body we accept */

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

/* An empty 200 response (no file); resp_release frees what it holds. */
void resp_init(struct response *rs);
void resp_release(struct response *rs);
void resp_html(struct response *rs, unsigned status);
void resp_json(struct response *rs, unsigned status, const struct cJSON *json);
/* {"error": msg} with status. */
void resp_json_error(struct response *rs, unsigned status, const char *msg);
/* 303 See Other to a local path. */
void resp_redirect(struct response *rs, const char *path);

#endif
