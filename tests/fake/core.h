/*
 * fake core: the shared part of every fake API server (fake-toggl,
 * fake-google, fake-github, the console tests).  A fake is a small main()
 * that declares a route table and calls fake_main(); the core does the rest:
 *
 *   - a libmicrohttpd server on --port N (0 = any free port), bound to
 *     127.0.0.1, which prints `port=N` as the first line on stdout (flushed)
 *     and runs until SIGTERM/SIGINT;
 *   - routing: a route is a method and a path pattern in which a `*`
 *     segment matches any one segment (captured into req->args, decoded);
 *   - a request log: with --log FILE every request becomes one JSON line
 *       {"seq","time","method","path","query":{..},"headers":{..},"body",
 *        "status","fault"}
 *     (a body of another Content-Type than text/... or application/json is
 *     logged as "" with "body_bytes": its length)
 *     with Authorization, Cookie and other secret headers, secret query
 *     parameters and secret form fields replaced by "***".  Control requests
 *     (/__control/...) are not logged.  Each line is flushed as written.
 *   - scriptable faults: a queue filled by --fault JSON (repeatable),
 *     --faults FILE (one JSON object per line, or an array) or
 *     POST /__control/fault (an object or an array).  A fault is
 *       {"kind": "status"|"drop"|"truncate"|"malformed"|"delay"|<fake's own>,
 *        "method": "GET", "path": "/api/v9/me" (prefix; absent = any),
 *        "skip": 0 (matching requests to let through first),
 *        "count": 1 (times it fires; -1 = forever),
 *        "status": 503, "headers": {"Retry-After": "1"}, "body": "text",
 *        "delay_ms": 0}
 *     status: answer status/headers/body instead of the handler;
 *     drop: close the connection without any response;
 *     truncate: the handler's response, cut at half with the full
 *       Content-Length, then the connection is closed;
 *     malformed: the handler's response with its body cut at half (a
 *       consistent Content-Length), so JSON does not parse;
 *     delay: wait delay_ms, then answer normally;
 *     other kinds go to the fake's fault hook (struct fake_app.fault).
 *   - control endpoints: POST /__control/fault, POST /__control/reset
 *     (clears the fault queue), POST /__control/clock {"now": RFC 3339} or
 *     {"advance": seconds}, GET /__control/faults (what is still queued);
 *     any other /__control/... path goes to the fake's own routes.
 *   - the fake's clock: real time unless --now RFC3339 or /__control/clock
 *     set it; fake_now() returns it in microseconds.
 *
 * Handlers run on one thread (libmicrohttpd's internal polling thread), so
 * a fake's data needs no locking.
 */
#ifndef DWHBI_FAKE_CORE_H
#define DWHBI_FAKE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct cJSON;

#define FAKE_MAX_ARGS 4
#define FAKE_MAX_KV 64
#define FAKE_MAX_BODY ((size_t)4 << 20)

struct fake_kv {
	const char *name;
	const char *value;
};

/* A request as a handler sees it.  Strings live until the handler returns. */
struct fake_request {
	int64_t seq;                    /* 1, 2, ... over the server's life */
	const char *method;
	const char *path;               /* URL-decoded, no query */
	const char *args[FAKE_MAX_ARGS];/* the segments matched by `*` */
	int nargs;
	struct fake_kv query[FAKE_MAX_KV];
	int nquery;
	struct fake_kv headers[FAKE_MAX_KV];
	int nheaders;
	const char *body;               /* NUL-terminated ("" when none) */
	size_t body_len;
};

/* First value of a query parameter, NULL when absent. */
const char *fake_query(const struct fake_request *r, const char *name);
/* How many times a query parameter occurs. */
int fake_query_count(const struct fake_request *r, const char *name);
/* Case-insensitive header lookup, NULL when absent. */
const char *fake_header(const struct fake_request *r, const char *name);
/* Parses the body as JSON; the caller frees it.  NULL when it does not
 * parse. */
struct cJSON *fake_body_json(const struct fake_request *r);

struct fake_response {
	int status;                     /* default 200 */
	struct buf body;
	const char *content_type;       /* default "application/json" */
	struct fake_kv headers[16];     /* names/values copied (see fake_set_header) */
	int nheaders;
	int drop;                       /* close the connection, send nothing */
};

/* Adds a response header (copies name and value). */
void fake_set_header(struct fake_response *r, const char *name, const char *value);
/* Sets the status and the body to the printed (unformatted) JSON; takes
 * ownership of json (frees it). */
void fake_reply_json(struct fake_response *r, int status, struct cJSON *json);
/* Sets the status, a text/plain body. */
void fake_reply_text(struct fake_response *r, int status, const char *text);

struct fake_fault {
	char kind[32];
	char method[16];                /* "" = any */
	char path[256];                 /* prefix, "" = any */
	int skip;
	int count;                      /* -1 = forever */
	int status;
	char *body;                     /* may be NULL */
	struct cJSON *headers;          /* object of name: value, may be NULL */
	struct cJSON *spec;             /* the whole fault object (fake-specific
	                                   fields) */
	int delay_ms;
};

struct fake_server;

typedef void (*fake_handler)(struct fake_server *s, const struct fake_request *req,
			     struct fake_response *resp, void *app);

struct fake_route {
	const char *method;             /* "GET", "POST", ... */
	const char *pattern;            /* e.g. "/api/v9/workspaces/" "*" "/projects" */
	fake_handler fn;
};

/* A fake server application. */
struct fake_app {
	const char *name;               /* "toggl": used in messages */
	const struct fake_route *routes;/* terminated by { NULL } */
	void *data;                     /* passed to handlers as app */
	/* Optional: parses one fake-specific command-line option (argv[*i] is
	 * the option; consume its value by advancing *i).  Returns 1 when used,
	 * 0 when unknown, -1 on a bad value (with a message on stderr). */
	int (*option)(void *data, int argc, char **argv, int *i);
	/* Optional: runs after the options are parsed, before serving.
	 * Returns -1 (with a message on stderr) to stop. */
	int (*setup)(struct fake_server *s, void *data);
	/* Optional: a fault of a kind the core does not know fired for req.
	 * Fill resp; return 1 when handled, 0 to answer normally. */
	int (*fault)(struct fake_server *s, const struct fake_fault *f,
		     const struct fake_request *req, struct fake_response *resp,
		     void *data);
	const char *usage;              /* extra option lines for --help */
};

/* Parses the common options (--port N, --log FILE, --fault JSON,
 * --faults FILE, --now RFC3339, --help) and the app's own, starts the server,
 * prints port=N and serves until SIGTERM/SIGINT.  Returns the exit status for
 * main(). */
int fake_main(const struct fake_app *app, int argc, char **argv);

/* The same without the process around it: parses argv like fake_main (no
 * --help), starts serving on a background thread and returns the server with
 * its port in *port, or NULL with a reason in err.  For tests and benchmarks
 * that run a fake in-process.  fake_stop() stops and frees it. */
struct fake_server *fake_start(const struct fake_app *app, int argc, char **argv,
			       int *port, char *err, size_t errlen);
void fake_stop(struct fake_server *s);

/* The fake's clock in microseconds since the epoch. */
int64_t fake_now(const struct fake_server *s);
void fake_set_now(struct fake_server *s, int64_t usec);

/* Adds faults from a JSON object or array; returns how many, or -1 with a
 * message in err. */
int fake_add_faults(struct fake_server *s, const struct cJSON *spec,
		    char *err, size_t errlen);
/* Queued faults (tests of the core). */
int fake_fault_count(const struct fake_server *s);

/* Basic auth helper: decodes an "Authorization: Basic ..." header into
 * user/password (NUL-terminated, bounded).  Returns 0, or -1 when absent or
 * malformed. */
int fake_basic_auth(const struct fake_request *r, char *user, size_t userlen,
		    char *password, size_t passlen);

/* Whether a header/query/form name is secret (redacted in the log). */
int fake_is_secret_name(const char *name);

#endif
