/*
 * cmd_auth: `dwhbi auth google`, the installed-app OAuth flow that gets the
 * GOOGLE_REFRESH_TOKEN the nightly sync trades for access tokens
 * (connectors/oauth.c).
 *
 * The flow is the one Google documents for Desktop app clients: a one-shot
 * listener on 127.0.0.1 on a port the system picks is the redirect_uri; the
 * consent URL carries a PKCE S256 challenge (RFC 7636) and a random state;
 * the browser comes back to the listener with a code and the state, which
 * must be the one sent; the code and its verifier are exchanged at
 * GOOGLE_OAUTH_URL for a refresh token, which is written into the env file
 * the person names (or printed once).  The client secret, the code, the
 * verifier and the tokens are registered as secrets and never logged.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "connectors/http.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/sha256.h"
#include "lib/xalloc.h"

extern char **environ;

#define AUTH_SCOPE "https://www.googleapis.com/auth/calendar.readonly"
#define AUTH_DEFAULT_TIMEOUT 300
#define AUTH_MAX_TIMEOUT 3600
#define ENV_FILE_MAX ((size_t)1 << 20)

const char cmd_auth_summary[] = "authorize Google Calendar access (writes GOOGLE_REFRESH_TOKEN)";
const char cmd_auth_usage[] =
	"usage: dwhbi auth google [--env-file FILE] [--timeout SECONDS] [--no-browser]\n"
	"                         [--port N]\n"
	"\n"
	"Gets the Google refresh token that 'dwhbi sync gcal' needs, with the\n"
	"installed-app flow: dwhbi listens once on 127.0.0.1 (a random port),\n"
	"prints the consent URL (and opens it with xdg-open when a display is\n"
	"available), and when you allow read-only access to your calendars\n"
	"(scope calendar.readonly) the browser comes back to dwhbi, which checks\n"
	"the answer (state, PKCE S256) and exchanges the code for the token.\n"
	"\n"
	"Needs GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET of an OAuth client of\n"
	"type 'Desktop app' (Google Cloud console, APIs & Services, Credentials).\n"
	"Publish the OAuth consent screen (In production): while it is in\n"
	"Testing, Google's refresh tokens expire after 7 days.\n"
	"\n"
	"  --env-file FILE     write GOOGLE_REFRESH_TOKEN=... into FILE (the line\n"
	"                      is replaced, or appended; other lines are kept; the\n"
	"                      file is left with mode 0600).  Without it the token\n"
	"                      is printed once on stdout.\n"
	"  --timeout SECONDS   how long to wait for the browser (default 300)\n"
	"  --no-browser        only print the URL (also: DWHBI_NO_BROWSER=1)\n"
	"  --port N            listen on 127.0.0.1:N instead of a random port (on a\n"
	"                      machine without a browser: ssh -L N:127.0.0.1:N to\n"
	"                      it, then open the URL on your own machine)\n"
	"\n"
	"The consent page and the token endpoint are GOOGLE_AUTH_URL and\n"
	"GOOGLE_OAUTH_URL (Google's by default; tests point them at a fake).\n"
	"Exit status: 0 token saved, 1 refused, timed out or the exchange failed,\n"
	"2 usage or configuration error.\n";

enum outcome { WAITING, GOT_CODE, BAD_STATE, DENIED };

struct listener {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum outcome outcome;
	const char *state;      /* the one sent */
	char code[512];
	char error[128];
	int answered;           /* the request that decided has been answered */
};

static const char page_ok[] =
	"<!doctype html><html><head><meta charset=\"utf-8\"><title>dwhbi</title></head>"
	"<body><h1>dwhbi is authorized</h1><p>You can close this tab and go back to the "
	"terminal.</p></body></html>";
static const char page_state[] =
	"<!doctype html><html><head><meta charset=\"utf-8\"><title>dwhbi</title></head>"
	"<body><h1>Not saved</h1><p>This answer does not belong to the request dwhbi made "
	"(state mismatch). Run 'dwhbi auth google' again.</p></body></html>";
static const char page_denied[] =
	"<!doctype html><html><head><meta charset=\"utf-8\"><title>dwhbi</title></head>"
	"<body><h1>Not authorized</h1><p>Google did not grant access. Run 'dwhbi auth "
	"google' again and allow read-only access to your calendars.</p></body></html>";
static const char page_other[] =
	"<!doctype html><html><head><meta charset=\"utf-8\"><title>dwhbi</title></head>"
	"<body><p>dwhbi waits for Google's answer on this address.</p></body></html>";

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *page)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(page), (void *)page,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Equal strings, compared in time that does not depend on where they differ. */
static int same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct listener *l = cls;
	const char *state, *code, *error;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 || strcmp(url, "/") != 0)
		return reply(conn, MHD_HTTP_NOT_FOUND, page_other);
	state = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "state");
	code = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "code");
	error = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "error");
	if (!state && !code && !error)
		return reply(conn, MHD_HTTP_NOT_FOUND, page_other);

	pthread_mutex_lock(&l->mu);
	if (l->outcome != WAITING) {
		pthread_mutex_unlock(&l->mu);
		return reply(conn, MHD_HTTP_GONE, page_other);
	}
	if (!state || !same(state, l->state)) {
		l->outcome = BAD_STATE;
		ret = reply(conn, MHD_HTTP_BAD_REQUEST, page_state);
	} else if (error || !code || !*code || strlen(code) >= sizeof(l->code)) {
		l->outcome = DENIED;
		snprintf(l->error, sizeof(l->error), "%s", error ? error : "no code");
		for (char *p = l->error; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		ret = reply(conn, MHD_HTTP_FORBIDDEN, page_denied);
	} else {
		snprintf(l->code, sizeof(l->code), "%s", code);
		l->outcome = GOT_CODE;
		ret = reply(conn, MHD_HTTP_OK, page_ok);
	}
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	return ret;
}

/* A request is over (its page sent, or the connection gone): once the one
 * that decided the outcome is, the listener may close. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct listener *l = cls;

	(void)conn;
	(void)con_cls;
	(void)toe;
	pthread_mutex_lock(&l->mu);
	if (l->outcome != WAITING) {
		l->answered = 1;
		pthread_cond_signal(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
}

/* n random bytes from /dev/urandom, base64url-encoded into out. */
static int random_token(size_t n, char *out, char *err, size_t errlen)
{
	unsigned char bytes[64];
	size_t got = 0;
	int fd;

	if (n > sizeof(bytes))
		abort();
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/urandom: %s", strerror(errno));
		return -1;
	}
	while (got < n) {
		ssize_t r = read(fd, bytes + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "cannot read /dev/urandom: %s",
				 r < 0 ? strerror(errno) : "end of file");
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	base64url_encode(bytes, n, out);
	memset(bytes, 0, sizeof(bytes));
	return 0;
}

static void form_add(struct buf *b, const char *name, const char *value)
{
	if (b->len)
		buf_putc(b, '&');
	buf_puts(b, name);
	buf_putc(b, '=');
	http_url_encode(b, value);
}

/* Opens url in the person's browser when one can be shown; never waits for
 * it and never fails the flow (the URL is printed anyway). */
static pid_t open_browser(const char *url)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "xdg-open", (char *)url, NULL };
	pid_t pid = 0;

	if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
		return 0;
	if (posix_spawn_file_actions_init(&fa))
		return 0;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ))
		pid = 0;
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* A refresh token as it can stand in a shell file: as it is when it holds
 * only safe characters (Google's do), else single-quoted. */
static void env_value(struct buf *b, const char *v)
{
	const char *p;

	for (p = v; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789/_.-+=~:", *p))
			break;
	if (!*p) {
		buf_puts(b, v);
		return;
	}
	buf_putc(b, '\'');
	for (p = v; *p; p++) {
		if (*p == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *p);
	}
	buf_putc(b, '\'');
}

/* Whether line (len bytes) assigns GOOGLE_REFRESH_TOKEN; *exported is set
 * when it starts with "export ". */
static int is_token_line(const char *line, size_t len, int *exported)
{
	static const char name[] = "GOOGLE_REFRESH_TOKEN=";
	size_t i = 0;

	*exported = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (len - i > 7 && strncmp(line + i, "export", 6) == 0 &&
	    (line[i + 6] == ' ' || line[i + 6] == '\t')) {
		*exported = 1;
		i += 6;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
	}
	return len - i >= sizeof(name) - 1 && strncmp(line + i, name, sizeof(name) - 1) == 0;
}

/* Writes the token into path: every GOOGLE_REFRESH_TOKEN line gets the new
 * value (a later stale line would win in a shell), or one line is appended;
 * other lines stay as they are.  A new file replaces the old one by rename,
 * so a crash leaves the old file or the new, and it is mode 0600.  A symlink
 * is followed (its target is updated). */
static int write_env_file(const char *path, const char *token, char *err, size_t errlen)
{
	struct buf in = BUF_INIT, out = BUF_INIT, tmp = BUF_INIT;
	char real[PATH_MAX];
	const char *target = path;
	int fd = -1, found = 0, any_export = 0, rc = -1;

	if (realpath(path, real))
		target = real;
	if (buf_read_file(&in, target, ENV_FILE_MAX) < 0) {
		if (errno == EFBIG) {
			snprintf(err, errlen, "%s: larger than 1 MiB; is it the env file?", path);
			goto out;
		}
		if (errno != ENOENT) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
	}
	for (size_t i = 0; i < in.len;) {
		const char *line = in.data + i;
		const char *nl = memchr(line, '\n', in.len - i);
		size_t len = nl ? (size_t)(nl - line) : in.len - i;
		int exported;

		if (is_token_line(line, len, &exported)) {
			buf_puts(&out, exported ? "export GOOGLE_REFRESH_TOKEN=" : "GOOGLE_REFRESH_TOKEN=");
			env_value(&out, token);
			buf_putc(&out, '\n');
			found = 1;
		} else {
			buf_append(&out, line, len);
			buf_putc(&out, '\n');
			if (len > 7 && strncmp(line, "export ", 7) == 0)
				any_export = 1;
		}
		i += len + (nl ? 1 : 0);
	}
	if (!found) {
		buf_puts(&out, any_export ? "export GOOGLE_REFRESH_TOKEN=" : "GOOGLE_REFRESH_TOKEN=");
		env_value(&out, token);
		buf_putc(&out, '\n');
	}
	buf_printf(&tmp, "%s.XXXXXX", target);
	fd = mkstemp(tmp.data);     /* mode 0600 */
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a file next to %s: %s", path, strerror(errno));
		goto out;
	}
	for (size_t done = 0; done < out.len;) {
		ssize_t w = write(fd, out.data + done, out.len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			snprintf(err, errlen, "cannot write %s: %s", tmp.data, strerror(errno));
			goto out;
		}
		done += (size_t)w;
	}
	if (fchmod(fd, 0600) || fsync(fd)) {
		snprintf(err, errlen, "cannot write %s: %s", tmp.data, strerror(errno));
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		snprintf(err, errlen, "cannot write %s: %s", tmp.data, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, target)) {
		snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc && tmp.len)
		unlink(tmp.data);
	/* The old and new contents held the token: wipe before freeing. */
	if (in.data)
		memset(in.data, 0, in.len);
	if (out.data)
		memset(out.data, 0, out.len);
	buf_release(&in);
	buf_release(&out);
	buf_release(&tmp);
	return rc;
}

/* Trades the code for tokens; on success *refresh is the refresh token
 * (owned by the caller).  Returns 0 or -1 with a message logged. */
static int exchange(const struct config *cfg, const char *code, const char *verifier,
		    const char *redirect_uri, char **refresh)
{
	struct http_client http;
	struct http_response resp;
	struct http_request req = { 0 };
	struct buf form = BUF_INIT;
	const char *headers[] = {
		"Content-Type: application/x-www-form-urlencoded",
		"Accept: application/json",
		NULL
	};
	char err[512];
	const cJSON *e, *d, *rt, *at, *scope;
	int rc = -1;

	if (http_client_init(&http, "google", cfg, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -1;
	}
	form_add(&form, "code", code);
	form_add(&form, "client_id", cfg->google_client_id);
	form_add(&form, "client_secret", cfg->google_client_secret);
	form_add(&form, "redirect_uri", redirect_uri);
	form_add(&form, "grant_type", "authorization_code");
	form_add(&form, "code_verifier", verifier);
	req.method = "POST";
	req.url = cfg->google_oauth_url;
	req.headers = headers;
	req.body = form.data;
	req.body_len = form.len;
	req.want_json = 1;
	http_response_init(&resp);
	if (http_send(&http, &req, &resp, err, sizeof(err)) < 0) {
		log_error("cannot exchange the authorization code at %s: %s", cfg->google_oauth_url, err);
		goto out;
	}
	if (!resp.json)
		resp.json = cJSON_ParseWithLength(resp.body.data, resp.body.len);
	e = resp.json ? cJSON_GetObjectItemCaseSensitive(resp.json, "error") : NULL;
	d = resp.json ? cJSON_GetObjectItemCaseSensitive(resp.json, "error_description") : NULL;
	if (resp.status != 200) {
		const char *what = cJSON_IsString(e) ? e->valuestring : "no error code";
		const char *desc = cJSON_IsString(d) ? d->valuestring : "";
		char text[200];

		snprintf(text, sizeof(text), "%s%s%s", what, *desc ? ": " : "", desc);
		for (char *p = text; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = '?';
		if (!strcmp(what, "invalid_grant"))
			log_error("Google refused the authorization code (%s): it expired or was "
				  "used already; run 'dwhbi auth google' again and finish within a "
				  "few minutes", text);
		else if (!strcmp(what, "invalid_client") || !strcmp(what, "unauthorized_client"))
			log_error("Google does not know this client (%s): check GOOGLE_CLIENT_ID and "
				  "GOOGLE_CLIENT_SECRET (an OAuth client of type Desktop app)", text);
		else if (!strcmp(what, "redirect_uri_mismatch"))
			log_error("Google refused the loopback redirect (%s): the client must be of "
				  "type Desktop app, not Web application", text);
		else
			log_error("the token endpoint %s answered %ld (%s)", cfg->google_oauth_url,
				  resp.status, text);
		goto out;
	}
	at = cJSON_GetObjectItemCaseSensitive(resp.json, "access_token");
	if (cJSON_IsString(at))
		log_add_secret(at->valuestring);
	rt = cJSON_GetObjectItemCaseSensitive(resp.json, "refresh_token");
	if (!cJSON_IsString(rt) || !*rt->valuestring) {
		log_error("Google gave no refresh token: remove dwhbi's access at "
			  "https://myaccount.google.com/permissions and run 'dwhbi auth google' "
			  "again (it asks for offline access)");
		goto out;
	}
	log_add_secret(rt->valuestring);
	scope = cJSON_GetObjectItemCaseSensitive(resp.json, "scope");
	if (cJSON_IsString(scope) && !strstr(scope->valuestring, "calendar.readonly") &&
	    !strstr(scope->valuestring, "auth/calendar ")) {
		log_error("the calendar permission was not granted (granted: %s): run 'dwhbi "
			  "auth google' again and tick 'See and download any calendar'",
			  scope->valuestring);
		goto out;
	}
	*refresh = xstrdup(rt->valuestring);
	rc = 0;
out:
	if (form.data)
		memset(form.data, 0, form.len);
	http_response_release(&resp);
	buf_release(&form);
	http_client_release(&http);
	return rc;
}

static int auth_google(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct config *cfg = &ctx->cfg;
	const char *env_file = NULL;
	int timeout = AUTH_DEFAULT_TIMEOUT, no_browser = 0, rc = 1, port, want_port = 0;
	char verifier[base64url_len(64) + 1], challenge[PKCE_CHALLENGE_LEN + 1];
	char state[base64url_len(24) + 1], redirect_uri[64], err[512];
	struct listener l;
	struct sockaddr_in addr;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct buf url = BUF_INIT;
	struct timespec deadline;
	enum outcome outcome;
	char *refresh = NULL;
	pid_t browser = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--env-file") && i + 1 < argc && *argv[i + 1]) {
			env_file = argv[++i];
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (opt_int("auth", "--timeout", argv[++i], 1, AUTH_MAX_TIMEOUT, "seconds",
				    &timeout))
				return 2;
		} else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
			if (opt_int("auth", "--port", argv[++i], 1024, 65535, NULL, &want_port))
				return 2;
		} else if (!strcmp(argv[i], "--no-browser")) {
			no_browser = 1;
		} else {
			return cmd_bad_usage("auth", "unknown or incomplete option '%s'", argv[i]);
		}
	}
	if (getenv("DWHBI_NO_BROWSER") && *getenv("DWHBI_NO_BROWSER") &&
	    strcmp(getenv("DWHBI_NO_BROWSER"), "0"))
		no_browser = 1;
	if (config_require(cfg, "GOOGLE_CLIENT_ID", err, sizeof(err)) ||
	    config_require(cfg, "GOOGLE_CLIENT_SECRET", err, sizeof(err))) {
		log_error("%s (from your OAuth client of type Desktop app in the Google Cloud "
			  "console; see dwhbi.env.example)", err);
		return 2;
	}

	/* 64 random bytes: an 86-character verifier (RFC 7636 allows 43..128). */
	if (random_token(64, verifier, err, sizeof(err)) ||
	    random_token(24, state, err, sizeof(err))) {
		log_error("%s", err);
		return 1;
	}
	log_add_secret(verifier);
	pkce_challenge(verifier, challenge);

	memset(&l, 0, sizeof(l));
	pthread_mutex_init(&l.mu, NULL);
	pthread_cond_init(&l.cv, NULL);
	l.state = state;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)want_port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, &l,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)8,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &l,
			     MHD_OPTION_END);
	if (!d) {
		log_error("cannot listen on 127.0.0.1%s%.0d for Google's answer: %s%s",
			  want_port ? ":" : "", want_port, strerror(errno),
			  want_port ? " (choose another --port, or leave it out)" : "");
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? (int)info->port : 0;
	if (port <= 0) {
		log_error("cannot find the port of the loopback listener");
		goto out;
	}
	snprintf(redirect_uri, sizeof(redirect_uri), "http://127.0.0.1:%d/", port);

	buf_puts(&url, cfg->google_auth_url);
	http_query_add(&url, "client_id", cfg->google_client_id);
	http_query_add(&url, "redirect_uri", redirect_uri);
	http_query_add(&url, "response_type", "code");
	http_query_add(&url, "scope", AUTH_SCOPE);
	http_query_add(&url, "code_challenge", challenge);
	http_query_add(&url, "code_challenge_method", "S256");
	http_query_add(&url, "state", state);
	http_query_add(&url, "access_type", "offline");
	http_query_add(&url, "prompt", "consent");

	if (!no_browser)
		browser = open_browser(url.data);
	fprintf(stderr, "Open this URL in a browser, sign in and allow read-only access to "
		"your calendars%s:\n\n%s\n\nWaiting up to %d s for the answer on %s ...\n",
		browser > 0 ? " (dwhbi tried to open it)" : "", url.data, timeout, redirect_uri);
	fflush(stderr);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout;
	pthread_mutex_lock(&l.mu);
	while (l.outcome == WAITING)
		if (pthread_cond_timedwait(&l.cv, &l.mu, &deadline) == ETIMEDOUT)
			break;
	outcome = l.outcome;
	if (outcome == WAITING) {
		l.outcome = DENIED;     /* a late answer is turned away */
	} else {
		/* The browser gets its page before the listener goes (at most
		 * two more seconds). */
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 2;
		while (!l.answered)
			if (pthread_cond_timedwait(&l.cv, &l.mu, &deadline) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&l.mu);
	MHD_stop_daemon(d);
	d = NULL;

	switch (outcome) {
	case WAITING:
		log_error("no answer from the browser within %d s: run 'dwhbi auth google' again "
			  "(--timeout SECONDS for more time) and open the URL it prints", timeout);
		goto out;
	case BAD_STATE:
		log_error("the answer on %s carried a different state than the one dwhbi sent, "
			  "so it may not come from your consent: nothing was saved; run 'dwhbi "
			  "auth google' again", redirect_uri);
		goto out;
	case DENIED:
		log_error("Google did not authorize dwhbi (%s): run 'dwhbi auth google' again and "
			  "allow read-only access to your calendars%s", l.error,
			  !strcmp(l.error, "access_denied") ? "" :
			  " (the consent screen may be in Testing without you as a test user)");
		goto out;
	case GOT_CODE:
		log_add_secret(l.code);
		break;
	}
	if (exchange(cfg, l.code, verifier, redirect_uri, &refresh))
		goto out;
	if (env_file) {
		if (write_env_file(env_file, refresh, err, sizeof(err))) {
			log_error("%s: the token was not saved; run 'dwhbi auth google' again "
				  "with an --env-file you can write", err);
			goto out;
		}
		fprintf(stderr, "GOOGLE_REFRESH_TOKEN written to %s (mode 0600).\n", env_file);
	} else {
		fprintf(stderr, "warning: no --env-file given: the refresh token is printed below, "
			"once. Store it as GOOGLE_REFRESH_TOKEN (a secret) and clear your "
			"terminal's scrollback.\n");
		fflush(stderr);
		printf("GOOGLE_REFRESH_TOKEN=%s\n", refresh);
		fflush(stdout);
	}
	fprintf(stderr, "If the OAuth consent screen is still in Testing, this token expires "
		"in 7 days: publish the app (In production) in the Google Cloud console.\n");
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	if (browser > 0)
		waitpid(browser, NULL, WNOHANG);
	if (refresh) {
		memset(refresh, 0, strlen(refresh));
		free(refresh);
	}
	memset(l.code, 0, sizeof(l.code));
	memset(verifier, 0, sizeof(verifier));
	pthread_cond_destroy(&l.cv);
	pthread_mutex_destroy(&l.mu);
	buf_release(&url);
	return rc;
}

int cmd_auth(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cmd_bad_usage("auth", "which service? 'dwhbi auth google'");
	if (strcmp(argv[1], "google") != 0)
		return cmd_bad_usage("auth", "unknown service '%s' (only 'google')", argv[1]);
	return auth_google(ctx, argc - 1, argv + 1);
}
