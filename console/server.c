/*
 * server: the console's HTTP server on libmicrohttpd (see console.h).  One
 * thread: an external select loop drives libmicrohttpd, so request handlers
 * share one database connection and the job table without locks, and the
 * loop also collects finished background jobs.  This file owns the request
 * lifecycle — body limits, Host/Origin checks, authentication, the security
 * headers on every response — and routes each request to the JSON API
 * (api.h) or to one page (pages.h).  Reading requests and filling
 * responses is web.c's.
 */
#include "console/console.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "console/api.h"
#include "console/data.h"
#include "console/form.h"
#include "console/html.h"
#include "console/pages.h"
#include "console/state.h"
#include "lib/log.h"
#include "lib/resource.h"
#include "lib/timeutil.h"
#include "console/web.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* 1 when the request may read pages and data. */
static int req_can_read(const struct console *c, const struct request *rq)
{
	return c->loopback || rq->session || rq->bearer;
}

static enum MHD_Result count_host(void *cls, enum MHD_ValueKind kind,
				   const char *key, const char *value)
{
	(void)kind;
	(void)value;
	if (key && strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		(*(int *)cls)++;
	return MHD_YES;
}

/* The number of Host headers of the request (RFC 9112: exactly one). */
static int host_count(const struct request *rq)
{
	int n = 0;
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, count_host, &n);
	return n;
}

/* The Host header must name this server on loopback, so a page on another
 * site cannot reach the console through DNS rebinding. */
static int host_ok(const struct console *c, const struct request *rq)
{
	const char *host = req_header(rq, MHD_HTTP_HEADER_HOST);
	char want[64];
	static const char *names[] = { "127.0.0.1", "localhost", "[::1]" };

	if (!c->loopback)
		return 1;
	if (!host)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "%s:%u", names[i], c->port);
		if (strcasecmp(host, want) == 0)
			return 1;
	}
	return 0;
}

/* A browser's POST from another origin is refused even with a cookie
 * (SameSite=Strict already keeps it away; this also covers older ones).
 * https is accepted too, for a console behind a TLS-terminating proxy. */
static int origin_ok(const struct request *rq)
{
	const char *origin = req_header(rq, "Origin");
	const char *host = req_header(rq, MHD_HTTP_HEADER_HOST);

	if (!origin)
		return 1;
	if (!host)
		return 0;
	if (strncmp(origin, "http://", 7) == 0)
		origin += 7;
	else if (strncmp(origin, "https://", 8) == 0)
		origin += 8;
	else
		return 0;
	return strcmp(origin, host) == 0;
}

static void serve_static(const char *path, struct response *rs)
{
	static const struct { const char *url, *file, *type; } files[] = {
		{ "/static/console.css", "console/static/console.css", "text/css; charset=utf-8" },
		{ "/static/console.js", "console/static/console.js", "text/javascript; charset=utf-8" },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (strcmp(path, files[i].url) == 0) {
			size_t len;
			char *data = resource_read(files[i].file, &len);
			if (!data)
				break;
			buf_append(&rs->body, data, len);
			free(data);
			rs->status = MHD_HTTP_OK;
			rs->content_type = files[i].type;
			return;
		}
	}
	rs->status = MHD_HTTP_NOT_FOUND;
	rs->content_type = "text/plain; charset=utf-8";
	buf_puts(&rs->body, "not found\n");
}

static void plain_error(struct response *rs, unsigned status, const char *msg,
			int api)
{
	buf_reset(&rs->body);
	if (api) {
		resp_json_error(rs, status, msg);
	} else {
		rs->status = status;
		rs->content_type = "text/plain; charset=utf-8";
		buf_puts(&rs->body, msg);
		buf_putc(&rs->body, '\n');
	}
}

/* The id of "/proposals/{id}/..." in *id and the rest ("/confirm",
 * "/accept", ...) in *rest; -1 when the path is not of that form. */
static int proposal_path(const char *url, int64_t *id, const char **rest)
{
	char id_s[32];
	const char *slash;

	if (strncmp(url, "/proposals/", 11) != 0)
		return -1;
	slash = strchr(url + 11, '/');
	if (!slash || (size_t)(slash - url - 11) >= sizeof(id_s))
		return -1;
	snprintf(id_s, sizeof(id_s), "%.*s", (int)(slash - url - 11), url + 11);
	if (form_parse_id(id_s, id) < 0)
		return -1;
	*rest = slash;
	return 0;
}

/* The HTML pages and their form posts (pages.h); 0 when no page has the
 * path. */
static int route_page(struct console *c, struct request *rq, struct response *rs,
		      int post)
{
	const char *url = rq->url, *rest;
	int64_t id;

	if (post) {
		if (strcmp(url, "/login") == 0)
			page_login_post(c, rq, rs);
		else if (strcmp(url, "/logout") == 0)
			page_logout_post(c, rq, rs);
		else if (strncmp(url, "/sync/", 6) == 0)
			page_sync_post(c, rq, rs, url + 6);
		else if (proposal_path(url, &id, &rest) == 0 &&
			 (strcmp(rest, "/accept") == 0 || strcmp(rest, "/reject") == 0 ||
			  strcmp(rest, "/undo") == 0))
			page_proposal_post(c, rq, rs, id, rest + 1);
		else if (strcmp(url, "/reports/render") == 0)
			page_report_render_post(c, rq, rs);
		else
			return 0;
		return 1;
	}
	if (strcmp(url, "/") == 0)
		page_overview(c, rq, rs);
	else if (strcmp(url, "/runs") == 0)
		page_runs(c, rq, rs);
	else if (strncmp(url, "/runs/", 6) == 0)
		page_run(c, rq, rs, url + 6);
	else if (strcmp(url, "/goals") == 0)
		page_goals(c, rq, rs);
	else if (strcmp(url, "/reports") == 0)
		page_reports(c, rq, rs);
	else if (strncmp(url, "/reports/files/", 15) == 0)
		page_report_file(c, rq, rs, url + 15);
	else if (proposal_path(url, &id, &rest) == 0 && strcmp(rest, "/confirm") == 0)
		page_proposal_confirm(c, rq, rs, id, req_arg(rq, "action"));
	else if (strcmp(url, "/login") == 0)
		page_login(c, rq, rs, req_arg(rq, "next"));
	else
		return 0;
	return 1;
}

/* Decides what a request may do, then hands it to the API or the pages. */
static void route(struct console *c, struct request *rq, struct response *rs)
{
	const char *url = rq->url;
	int api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0;
	int get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
	int post = strcmp(rq->method, "POST") == 0;
	int64_t now = time_now_usec();
	char cookie[80];

	if (host_count(rq) > 1)
		return plain_error(rs, MHD_HTTP_BAD_REQUEST,
				   "more than one Host header: send exactly one", api);
	if (!host_ok(c, rq))
		return plain_error(rs, MHD_HTTP_MISDIRECTED_REQUEST,
				   "unexpected Host header: open the console at its loopback address", api);
	if (rq->body_too_big)
		return plain_error(rs, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large", api);
	if (!get && !post) {
		rs->allow = "GET, HEAD, POST";
		return plain_error(rs, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", api);
	}
	if (form_cookie(req_header(rq, MHD_HTTP_HEADER_COOKIE), AUTH_COOKIE, cookie,
			sizeof(cookie)))
		rq->session = auth_lookup(&c->auth, cookie, now);
	rq->bearer = auth_bearer_ok(&c->auth, req_header(rq, MHD_HTTP_HEADER_AUTHORIZATION));

	if (strncmp(url, "/static/", 8) == 0 && get)
		return serve_static(url, rs);
	if (post && !origin_ok(rq))
		return plain_error(rs, MHD_HTTP_FORBIDDEN, "cross-origin request refused", api);

	if (strcmp(url, "/login") != 0) {
		if (get && !req_can_read(c, rq)) {
			if (api)
				return plain_error(rs, MHD_HTTP_UNAUTHORIZED,
						   "log in first: send Authorization: Bearer <DWHBI_CONSOLE_TOKEN>", 1);
			struct buf next = BUF_INIT;
			buf_puts(&next, "/login?next=");
			html_urlencode(&next, url);
			resp_redirect(rs, next.data);
			buf_release(&next);
			return;
		}
		if (post && !req_can_write(rq)) {
			if (!api && rq->session) {
				auth_flash(rq->session, 1, "That form was stale; please try again.");
				return resp_redirect(rs, "/");
			}
			if (api)
				return plain_error(rs, MHD_HTTP_UNAUTHORIZED,
						   "this action needs the console token: send Authorization: Bearer <DWHBI_CONSOLE_TOKEN> (or log in and send X-CSRF-Token)", 1);
			return page_unauthorized(c, rq, rs);
		}
	}

	/* The connection may have dropped since the last request. */
	if (PQstatus(c->db) != CONNECTION_OK)
		PQreset(c->db);
	/* Every read of one page (or one GET of the API) shares one
	 * snapshot (data.h). */
	if (get) {
		char serr[256];
		int handled;
		int snap = data_snapshot_begin(c, serr, sizeof(serr)) == 0;
		if (!snap)
			log_warn("console: %s %s reads without a snapshot: %s", rq->method, url, serr);
		handled = api ? api_handle(c, rq, rs) : route_page(c, rq, rs, 0);
		if (snap)
			data_snapshot_end(c);
		if (handled)
			return;
	} else if (api ? api_handle(c, rq, rs) : route_page(c, rq, rs, 1)) {
		return;
	}
	if (api)
		return plain_error(rs, MHD_HTTP_NOT_FOUND, "no such API endpoint", 1);
	page_not_found(c, rq, rs);
}

static struct MHD_Response *make_response(struct response *rs)
{
	struct MHD_Response *r;

	if (rs->file_fd >= 0) {
		r = MHD_create_response_from_fd((uint64_t)rs->file_size, rs->file_fd);
		if (!r)
			close(rs->file_fd);
		rs->file_fd = -1;
	} else {
		size_t len = rs->body.len;
		char *data = buf_detach(&rs->body);
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(data);
	}
	if (!r)
		return NULL;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				rs->content_type ? rs->content_type : "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; "
				"img-src 'self' data:; connect-src 'self'; form-action 'self'; "
				"frame-ancestors 'none'; base-uri 'none'");
	if (rs->location[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, rs->location);
	if (rs->cookie[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, rs->cookie);
	if (rs->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->status == MHD_HTTP_UNAUTHORIZED && rs->content_type &&
	    strncmp(rs->content_type, "application/json", 16) == 0)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"dwhbi\"");
	if (rs->filename[0]) {
		char disp[200];
		snprintf(disp, sizeof(disp), "inline; filename=\"%s\"", rs->filename);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
	}
	return r;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct response *rs)
{
	struct MHD_Response *r = make_response(rs);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	ret = MHD_queue_response(conn, rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct console *c = cls;
	struct request *rq = *con_cls;
	struct response rs;
	enum MHD_Result ret;

	(void)version;
	if (!rq) {
		const char *cl;
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		buf_init(&rq->body);
		rq->conn = conn;
		rq->method = method;
		rq->url = url;
		*con_cls = rq;
		guard_headers_done(conn);
		/* Refuse an announced oversized body before reading it. */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > CONSOLE_MAX_BODY) {
			guard_request_read(conn);
			resp_init(&rs);
			plain_error(&rs, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large",
				    strncmp(url, "/api/", 5) == 0);
			ret = send_response(conn, &rs);
			resp_release(&rs);
			return ret;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (rq->body.len + *upload_data_size > CONSOLE_MAX_BODY)
			rq->body_too_big = 1;
		else
			buf_append(&rq->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	guard_request_read(conn);
	resp_init(&rs);
	route(c, rq, &rs);
	ret = send_response(conn, &rs);
	resp_release(&rs);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	(void)cls;
	(void)toe;
	guard_request_done(conn);
	if (rq) {
		buf_release(&rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static int run_loop(struct console *c, struct MHD_Daemon *d)
{
	while (!stop_requested) {
		fd_set rs, ws, es;
		MHD_socket maxfd = 0;
		MHD_UNSIGNED_LONG_LONG mhd_ms;
		struct timeval tv = { 0, 250000 };
		int n;

		FD_ZERO(&rs);
		FD_ZERO(&ws);
		FD_ZERO(&es);
		if (MHD_get_fdset(d, &rs, &ws, &es, &maxfd) != MHD_YES)
			return log_error("console: cannot watch its sockets");
		if (MHD_get_timeout(d, &mhd_ms) == MHD_YES && mhd_ms < 250) {
			tv.tv_sec = 0;
			tv.tv_usec = (suseconds_t)mhd_ms * 1000;
		}
		n = select((int)maxfd + 1, &rs, &ws, &es, &tv);
		if (n < 0) {
			if (errno != EINTR)
				return log_error("console: select failed: %s", strerror(errno));
			FD_ZERO(&rs);
			FD_ZERO(&ws);
			FD_ZERO(&es);
		}
		MHD_run_from_select(d, &rs, &ws, &es);
		guard_tick(&c->guard, time_now_usec());
		jobs_reap(&c->jobs);
	}
	return 0;
}

int console_serve(const struct console_options *opt, const struct config *cfg,
		  PGconn *db, const char *argv0, char *err, size_t errlen)
{
	struct console *c;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sigaction sa;
	char host[64] = "";
	int rc;

	if (form_parse_listen(opt->listen, &ss, &sslen, err, errlen) < 0)
		return 2;
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	c->cfg = cfg;
	c->db = db;
	c->zone = cfg->timezone ? cfg->timezone : "UTC";
	c->stale_hours = opt->stale_hours > 0 ? opt->stale_hours : 36;
	{
		const char *dir = opt->reports_dir;
		if (!dir || !*dir)
			dir = getenv("DWHBI_REPORTS_DIR");
		snprintf(c->reports_dir, sizeof(c->reports_dir), "%s", dir && *dir ? dir : ".");
	}
	c->loopback = form_is_loopback((struct sockaddr *)&ss);
	if (!c->loopback && !(cfg->console_token && *cfg->console_token)) {
		snprintf(err, errlen,
			 "refusing to listen on non-loopback address '%s' without DWHBI_CONSOLE_TOKEN: set it, or listen on 127.0.0.1",
			 opt->listen);
		free(c);
		return 2;
	}
	if (auth_init(&c->auth, cfg->console_token, err, errlen) < 0) {
		free(c);
		return 2;
	}
	/* A made-up token is as secret as a configured one: keep it out of
	 * logs and of every page (data.c redacts registered secrets). */
	log_add_secret(c->auth.token);
	jobs_init(&c->jobs, argv0);

	d = MHD_start_daemon(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : MHD_NO_FLAG,
			     0, NULL, NULL, on_request, c,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     /* Hard caps; guard.c keeps the real limits
			      * (GUARD_MAX_CONN, GUARD_PER_IP) by closing the
			      * oldest connection still reading a request. */
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)GUARD_SLOTS,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)GUARD_SLOTS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, c,
			     MHD_OPTION_NOTIFY_CONNECTION, guard_notify, &c->guard,
			     MHD_OPTION_END);
	if (!d) {
		snprintf(err, errlen, "cannot listen on '%s' (in use, or not an address of this machine): choose another --listen",
			 opt->listen);
		free(c);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	c->port = info ? info->port : 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	snprintf(host, sizeof(host), "%.*s", (int)(strrchr(opt->listen, ':') - opt->listen),
		 opt->listen);
	printf("dwhbi console listening on http://%s:%u/\n", host, c->port);
	if (c->auth.token_generated)
		printf("log in with the token %s (made for this run; set DWHBI_CONSOLE_TOKEN to choose one)\n",
		       c->auth.token);
	fflush(stdout);

	rc = run_loop(c, d);
	MHD_stop_daemon(d);
	free(c);
	if (rc < 0) {
		snprintf(err, errlen, "%s", log_last_error() ? log_last_error() : "console stopped");
		return 1;
	}
	return 0;
}
