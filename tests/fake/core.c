/*
 * fake core: libmicrohttpd server, routing, request log, fault queue,
 * control endpoints and clock shared by every fake API server (see core.h).
 */
#include "tests/fake/core.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/timeutil.h"

#define MAX_FAULTS 256

struct fake_server {
	const struct fake_app *app;
	struct MHD_Daemon *daemon;
	FILE *log;
	int64_t seq;
	struct fake_fault faults[MAX_FAULTS];
	int nfaults;
	int clock_set;
	int64_t clock_base;             /* fake time when set */
	int64_t clock_mono;             /* monotonic usec when set */
};

/* Per-connection state: the uploaded body. */
struct conn_state {
	struct buf body;
	int too_big;
};

static int64_t mono_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t fake_now(const struct fake_server *s)
{
	if (!s->clock_set)
		return time_now_usec();
	/* The fake's clock runs from where it was set, so `at` values written
	 * by edits keep increasing. */
	return s->clock_base + (mono_usec() - s->clock_mono);
}

void fake_set_now(struct fake_server *s, int64_t usec)
{
	s->clock_set = 1;
	s->clock_base = usec;
	s->clock_mono = mono_usec();
}

const char *fake_query(const struct fake_request *r, const char *name)
{
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].name, name) == 0)
			return r->query[i].value ? r->query[i].value : "";
	return NULL;
}

int fake_query_count(const struct fake_request *r, const char *name)
{
	int n = 0;
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].name, name) == 0)
			n++;
	return n;
}

const char *fake_header(const struct fake_request *r, const char *name)
{
	for (int i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

cJSON *fake_body_json(const struct fake_request *r)
{
	return cJSON_ParseWithLength(r->body, r->body_len);
}

void fake_set_header(struct fake_response *r, const char *name, const char *value)
{
	if (r->nheaders >= (int)(sizeof(r->headers) / sizeof(r->headers[0])))
		return;
	r->headers[r->nheaders].name = strdup(name);
	r->headers[r->nheaders].value = strdup(value);
	r->nheaders++;
}

void fake_reply_json(struct fake_response *r, int status, cJSON *json)
{
	char *text = cJSON_PrintUnformatted(json);
	r->status = status;
	buf_reset(&r->body);
	if (text)
		buf_puts(&r->body, text);
	free(text);
	cJSON_Delete(json);
	r->content_type = "application/json";
}

void fake_reply_text(struct fake_response *r, int status, const char *text)
{
	r->status = status;
	buf_reset(&r->body);
	buf_puts(&r->body, text);
	r->content_type = "text/plain; charset=utf-8";
}

int fake_is_secret_name(const char *name)
{
	static const char *const secret[] = {
		"authorization", "proxy-authorization", "cookie", "set-cookie",
		"x-api-key", "x-goog-api-key", "access_token", "refresh_token",
		"client_secret", "api_token", "password", "code", "key", NULL
	};
	for (int i = 0; secret[i]; i++)
		if (strcasecmp(name, secret[i]) == 0)
			return 1;
	return 0;
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int fake_basic_auth(const struct fake_request *r, char *user, size_t userlen,
		    char *password, size_t passlen)
{
	const char *h = fake_header(r, "Authorization");
	char dec[512];
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;

	if (!h || strncasecmp(h, "Basic ", 6) != 0)
		return -1;
	for (const char *p = h + 6; *p && *p != '='; p++) {
		int v = b64_value((unsigned char)*p);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= sizeof(dec))
				return -1;
			dec[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	dec[n] = '\0';
	char *colon = strchr(dec, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	snprintf(user, userlen, "%s", dec);
	snprintf(password, passlen, "%s", colon + 1);
	return 0;
}

/* ---- faults ---- */

static void fault_release(struct fake_fault *f)
{
	free(f->body);
	cJSON_Delete(f->headers);
	cJSON_Delete(f->spec);
	memset(f, 0, sizeof(*f));
}

static int add_fault(struct fake_server *s, const cJSON *o, char *err, size_t errlen)
{
	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "a fault must be a JSON object");
		return -1;
	}
	if (s->nfaults >= MAX_FAULTS) {
		snprintf(err, errlen, "too many faults queued (max %d)", MAX_FAULTS);
		return -1;
	}
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	if (!cJSON_IsString(kind)) {
		snprintf(err, errlen, "a fault needs a \"kind\" string");
		return -1;
	}
	struct fake_fault *f = &s->faults[s->nfaults];
	memset(f, 0, sizeof(*f));
	snprintf(f->kind, sizeof(f->kind), "%s", kind->valuestring);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "method");
	if (cJSON_IsString(v))
		snprintf(f->method, sizeof(f->method), "%s", v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(o, "path");
	if (cJSON_IsString(v))
		snprintf(f->path, sizeof(f->path), "%s", v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(o, "skip");
	f->skip = cJSON_IsNumber(v) ? (int)v->valuedouble : 0;
	v = cJSON_GetObjectItemCaseSensitive(o, "count");
	f->count = cJSON_IsNumber(v) ? (int)v->valuedouble : 1;
	v = cJSON_GetObjectItemCaseSensitive(o, "status");
	f->status = cJSON_IsNumber(v) ? (int)v->valuedouble : 500;
	v = cJSON_GetObjectItemCaseSensitive(o, "delay_ms");
	f->delay_ms = cJSON_IsNumber(v) ? (int)v->valuedouble : 0;
	v = cJSON_GetObjectItemCaseSensitive(o, "body");
	if (cJSON_IsString(v))
		f->body = strdup(v->valuestring);
	else if (v && !cJSON_IsNull(v))
		f->body = cJSON_PrintUnformatted(v);
	v = cJSON_GetObjectItemCaseSensitive(o, "headers");
	if (cJSON_IsObject(v))
		f->headers = cJSON_Duplicate(v, 1);
	f->spec = cJSON_Duplicate(o, 1);
	if (f->count == 0)
		f->count = 1;
	s->nfaults++;
	return 0;
}

int fake_add_faults(struct fake_server *s, const cJSON *spec, char *err, size_t errlen)
{
	int n = 0;
	if (cJSON_IsArray(spec)) {
		const cJSON *o;
		cJSON_ArrayForEach(o, spec) {
			if (add_fault(s, o, err, errlen) < 0)
				return -1;
			n++;
		}
		return n;
	}
	if (add_fault(s, spec, err, errlen) < 0)
		return -1;
	return 1;
}

int fake_fault_count(const struct fake_server *s)
{
	return s->nfaults;
}

static void remove_fault(struct fake_server *s, int i)
{
	fault_release(&s->faults[i]);
	memmove(&s->faults[i], &s->faults[i + 1],
		(size_t)(s->nfaults - i - 1) * sizeof(s->faults[0]));
	s->nfaults--;
	memset(&s->faults[s->nfaults], 0, sizeof(s->faults[0]));
}

/* The first queued fault that matches req and is due, consumed into out
 * (the caller releases it).  Returns 1 when one fires. */
static int take_fault(struct fake_server *s, const struct fake_request *req,
		      struct fake_fault *out)
{
	for (int i = 0; i < s->nfaults; i++) {
		struct fake_fault *f = &s->faults[i];
		if (f->method[0] && strcasecmp(f->method, req->method) != 0)
			continue;
		if (f->path[0] && strncmp(req->path, f->path, strlen(f->path)) != 0)
			continue;
		if (f->skip > 0) {
			f->skip--;
			continue;
		}
		*out = *f;
		out->body = f->body ? strdup(f->body) : NULL;
		out->headers = f->headers ? cJSON_Duplicate(f->headers, 1) : NULL;
		out->spec = cJSON_Duplicate(f->spec, 1);
		if (f->count > 0 && --f->count == 0)
			remove_fault(s, i);
		return 1;
	}
	return 0;
}

/* ---- request log ---- */

static void redact_form(const char *body, struct buf *out)
{
	/* key=value&key=value: keep keys, hide secret values. */
	const char *p = body;
	while (*p) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		if (eq) {
			char key[64];
			size_t kl = (size_t)(eq - p) < sizeof(key) - 1 ?
				(size_t)(eq - p) : sizeof(key) - 1;
			memcpy(key, p, kl);
			key[kl] = '\0';
			buf_append(out, p, (size_t)(eq - p) + 1);
			if (fake_is_secret_name(key))
				buf_puts(out, "***");
			else
				buf_append(out, eq + 1, n - (size_t)(eq - p) - 1);
		} else {
			buf_append(out, p, n);
		}
		if (!amp)
			break;
		buf_putc(out, '&');
		p = amp + 1;
	}
}

static void log_request(struct fake_server *s, const struct fake_request *req,
			int status, const char *fault)
{
	if (!s->log)
		return;
	cJSON *o = cJSON_CreateObject();
	char when[40];
	time_format_rfc3339(time_now_usec(), when, sizeof(when));
	cJSON_AddNumberToObject(o, "seq", (double)req->seq);
	cJSON_AddStringToObject(o, "time", when);
	cJSON_AddStringToObject(o, "method", req->method);
	cJSON_AddStringToObject(o, "path", req->path);
	cJSON *q = cJSON_AddObjectToObject(o, "query");
	for (int i = 0; i < req->nquery; i++) {
		const char *v = req->query[i].value ? req->query[i].value : "";
		if (fake_is_secret_name(req->query[i].name))
			v = "***";
		cJSON *old = cJSON_GetObjectItemCaseSensitive(q, req->query[i].name);
		if (!old) {
			cJSON_AddStringToObject(q, req->query[i].name, v);
		} else if (cJSON_IsArray(old)) {
			cJSON_AddItemToArray(old, cJSON_CreateString(v));
		} else {
			/* A repeated parameter becomes an array of its values. */
			cJSON *arr = cJSON_CreateArray();
			cJSON_AddItemToArray(arr, cJSON_Duplicate(old, 1));
			cJSON_AddItemToArray(arr, cJSON_CreateString(v));
			cJSON_ReplaceItemInObjectCaseSensitive(q, req->query[i].name, arr);
		}
	}
	cJSON *h = cJSON_AddObjectToObject(o, "headers");
	for (int i = 0; i < req->nheaders; i++)
		cJSON_AddStringToObject(h, req->headers[i].name,
					fake_is_secret_name(req->headers[i].name) ?
					"***" : req->headers[i].value);
	const char *ct = fake_header(req, "Content-Type");
	if (req->body_len > 0 && ct &&
	    strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		struct buf red = BUF_INIT;
		redact_form(req->body, &red);
		cJSON_AddStringToObject(o, "body", red.data);
		buf_release(&red);
	} else if (req->body_len > 0 && ct && strncasecmp(ct, "text/", 5) != 0 &&
		   strncasecmp(ct, "application/json", 16) != 0) {
		/* A binary upload (a release asset): its size, not its bytes. */
		cJSON_AddStringToObject(o, "body", "");
		cJSON_AddNumberToObject(o, "body_bytes", (double)req->body_len);
	} else {
		cJSON_AddStringToObject(o, "body", req->body);
	}
	cJSON_AddNumberToObject(o, "status", status);
	if (fault)
		cJSON_AddStringToObject(o, "fault", fault);
	else
		cJSON_AddNullToObject(o, "fault");
	char *line = cJSON_PrintUnformatted(o);
	if (line) {
		fputs(line, s->log);
		fputc('\n', s->log);
		fflush(s->log);
	}
	free(line);
	cJSON_Delete(o);
}

/* ---- routing ---- */

/* Matches path against pattern; `*` matches one non-empty segment. */
static int route_match(const char *pattern, const char *path, struct fake_request *req)
{
	const char *p = pattern, *u = path;
	req->nargs = 0;
	while (*p && *u) {
		if (*p == '*') {
			const char *end = strchr(u, '/');
			size_t n = end ? (size_t)(end - u) : strlen(u);
			if (n == 0 || req->nargs >= FAKE_MAX_ARGS)
				return 0;
			req->args[req->nargs++] = strndup(u, n);
			u += n;
			p++;
			continue;
		}
		if (*p != *u)
			return 0;
		p++;
		u++;
	}
	/* Tolerate one trailing slash on the request. */
	if (*p == '\0' && (*u == '\0' || (u[0] == '/' && u[1] == '\0')))
		return 1;
	return 0;
}

static void free_args(struct fake_request *req)
{
	for (int i = 0; i < req->nargs; i++)
		free((char *)req->args[i]);
	req->nargs = 0;
}

/* ---- control endpoints ---- */

static int control(struct fake_server *s, const struct fake_request *req,
		   struct fake_response *resp)
{
	char err[256];
	const char *what = req->path + strlen("/__control/");

	if (strcmp(what, "fault") == 0 && strcmp(req->method, "POST") == 0) {
		cJSON *spec = fake_body_json(req);
		int n = spec ? fake_add_faults(s, spec, err, sizeof(err)) : -1;
		cJSON_Delete(spec);
		if (n < 0) {
			fake_reply_text(resp, 400, spec ? err : "body is not JSON");
			return 1;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "queued", s->nfaults);
		fake_reply_json(resp, 200, o);
		return 1;
	}
	if (strcmp(what, "faults") == 0 && strcmp(req->method, "GET") == 0) {
		cJSON *a = cJSON_CreateArray();
		for (int i = 0; i < s->nfaults; i++)
			cJSON_AddItemToArray(a, cJSON_Duplicate(s->faults[i].spec, 1));
		fake_reply_json(resp, 200, a);
		return 1;
	}
	if (strcmp(what, "reset") == 0 && strcmp(req->method, "POST") == 0) {
		while (s->nfaults > 0)
			remove_fault(s, s->nfaults - 1);
		fake_reply_text(resp, 200, "ok");
		return 1;
	}
	if (strcmp(what, "clock") == 0) {
		if (strcmp(req->method, "POST") == 0) {
			cJSON *o = fake_body_json(req);
			const cJSON *now = cJSON_GetObjectItemCaseSensitive(o, "now");
			const cJSON *adv = cJSON_GetObjectItemCaseSensitive(o, "advance");
			int64_t usec;
			if (cJSON_IsString(now) &&
			    time_parse_rfc3339(now->valuestring, &usec, NULL) == 0) {
				fake_set_now(s, usec);
			} else if (cJSON_IsNumber(adv)) {
				fake_set_now(s, fake_now(s) +
					     (int64_t)(adv->valuedouble * 1e6));
			} else {
				cJSON_Delete(o);
				fake_reply_text(resp, 400,
						"want {\"now\": RFC 3339} or {\"advance\": seconds}");
				return 1;
			}
			cJSON_Delete(o);
		}
		char when[40];
		time_format_rfc3339(fake_now(s), when, sizeof(when));
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "now", when);
		fake_reply_json(resp, 200, o);
		return 1;
	}
	return 0;
}

/* ---- libmicrohttpd glue ---- */

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	(void)kind;
	struct fake_request *req = cls;
	struct fake_kv *kv;
	int *n;
	if (kind == MHD_GET_ARGUMENT_KIND) {
		kv = req->query;
		n = &req->nquery;
	} else {
		kv = req->headers;
		n = &req->nheaders;
	}
	if (*n < FAKE_MAX_KV) {
		kv[*n].name = key;
		kv[*n].value = value;
		(*n)++;
	}
	return MHD_YES;
}

/* The truncate fault: a body that ends at half of what Content-Length
 * promised, then an error that makes libmicrohttpd close the connection. */
struct truncated {
	char *data;
	size_t len;     /* bytes actually sent */
};

static ssize_t truncated_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct truncated *t = cls;
	if (pos >= t->len)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = t->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, t->data + pos, n);
	return (ssize_t)n;
}

static void truncated_free(void *cls)
{
	struct truncated *t = cls;
	free(t->data);
	free(t);
}

static void response_release(struct fake_response *r)
{
	buf_release(&r->body);
	for (int i = 0; i < r->nheaders; i++) {
		free((char *)r->headers[i].name);
		free((char *)r->headers[i].value);
	}
	r->nheaders = 0;
}

static void http_date(int64_t usec, char *out, size_t outlen)
{
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t secs = usec / USEC_PER_SEC;
	int32_t day = (int32_t)(secs / 86400);
	int64_t rem = secs % 86400;
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		 wd[time_weekday(day)], d, mon[m - 1], y, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct fake_server *s = cls;
	struct conn_state *cs = *con_cls;

	if (!cs) {
		cs = calloc(1, sizeof(*cs));
		if (!cs)
			return MHD_NO;
		buf_init(&cs->body);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (cs->body.len + *upload_data_size > FAKE_MAX_BODY)
			cs->too_big = 1;
		else
			buf_append(&cs->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}

	struct fake_request req;
	struct fake_response resp;
	struct fake_fault fault;
	int faulted = 0;
	const char *fault_name = NULL;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body);
	resp.status = 200;
	resp.content_type = "application/json";
	req.method = method;
	req.path = url;
	req.body = cs->body.data;
	req.body_len = cs->body.len;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_kv, &req);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_kv, &req);

	int is_control = strncmp(url, "/__control/", 11) == 0;
	if (!is_control)
		req.seq = ++s->seq;

	if (cs->too_big) {
		fake_reply_text(&resp, 413, "request body too large");
	} else if (is_control && control(s, &req, &resp)) {
		/* handled by the core */
	} else {
		if (!is_control && take_fault(s, &req, &fault)) {
			faulted = 1;
			fault_name = fault.kind;
			if (fault.delay_ms > 0)
				usleep((useconds_t)fault.delay_ms * 1000);
		}
		int handled = 0;
		if (faulted && strcmp(fault.kind, "status") == 0) {
			resp.status = fault.status;
			resp.content_type = "application/json";
			if (fault.body) {
				buf_puts(&resp.body, fault.body);
				/* A body that is not JSON is sent as text. */
				cJSON *j = cJSON_Parse(fault.body);
				if (!j)
					resp.content_type = "text/plain; charset=utf-8";
				cJSON_Delete(j);
			}
			const cJSON *h;
			cJSON_ArrayForEach(h, fault.headers) {
				if (cJSON_IsString(h))
					fake_set_header(&resp, h->string, h->valuestring);
				else if (cJSON_IsNumber(h)) {
					char num[32];
					snprintf(num, sizeof(num), "%.0f", h->valuedouble);
					fake_set_header(&resp, h->string, num);
				}
			}
			handled = 1;
		} else if (faulted && strcmp(fault.kind, "drop") == 0) {
			resp.drop = 1;
			handled = 1;
		} else if (faulted && strcmp(fault.kind, "truncate") != 0 &&
			   strcmp(fault.kind, "malformed") != 0 &&
			   strcmp(fault.kind, "delay") != 0) {
			handled = s->app->fault &&
				  s->app->fault(s, &fault, &req, &resp, s->app->data);
		}
		if (!handled) {
			const struct fake_route *r;
			for (r = s->app->routes; r && r->method; r++) {
				if (strcmp(r->method, method) != 0)
					continue;
				if (route_match(r->pattern, url, &req))
					break;
				free_args(&req);
			}
			if (r && r->method) {
				r->fn(s, &req, &resp, s->app->data);
				free_args(&req);
			} else {
				fake_reply_text(&resp, 404, "no such endpoint in the fake");
			}
		}
	}

	if (!is_control)
		log_request(s, &req, resp.drop ? 0 : resp.status, fault_name);

	enum MHD_Result ret;
	if (resp.drop) {
		ret = MHD_NO;
	} else {
		struct MHD_Response *mr;
		size_t len = resp.body.len;
		if (faulted && strcmp(fault.kind, "truncate") == 0) {
			struct truncated *t = malloc(sizeof(*t));
			t->len = len / 2;
			t->data = buf_detach(&resp.body);
			mr = MHD_create_response_from_callback(len, 4096, truncated_reader,
							       t, truncated_free);
		} else {
			if (faulted && strcmp(fault.kind, "malformed") == 0)
				len = len / 2 > 0 ? len / 2 : 1;
			if (len > resp.body.len)
				buf_putc(&resp.body, '{');
			mr = MHD_create_response_from_buffer(len, resp.body.data,
							     MHD_RESPMEM_MUST_COPY);
		}
		if (resp.body.len > 0 || len > 0)
			MHD_add_response_header(mr, "Content-Type", resp.content_type);
		char date[64];
		http_date(fake_now(s), date, sizeof(date));
		MHD_add_response_header(mr, "Date", date);
		for (int i = 0; i < resp.nheaders; i++)
			MHD_add_response_header(mr, resp.headers[i].name,
						resp.headers[i].value);
		ret = MHD_queue_response(conn, (unsigned)resp.status, mr);
		MHD_destroy_response(mr);
	}
	if (faulted)
		fault_release(&fault);
	response_release(&resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct conn_state *cs = *con_cls;
	if (cs) {
		buf_release(&cs->body);
		free(cs);
	}
	*con_cls = NULL;
}

static void usage(const struct fake_app *app, FILE *out)
{
	fprintf(out,
		"usage: fake-%s [--port N] [--log FILE] [--fault JSON] [--faults FILE]\n"
		"       [--now RFC3339]%s\n"
		"  --port N       listen on 127.0.0.1:N (0 = any free port; default 0)\n"
		"  --log FILE     append every request as a JSON line\n"
		"  --fault JSON   queue a fault (repeatable), see tests/fake/core.h\n"
		"  --faults FILE  queue the faults in FILE (JSON array or one per line)\n"
		"  --now TIME     start the fake's clock at TIME\n%s",
		app->name, app->usage ? " [options]" : "",
		app->usage ? app->usage : "");
}

static int load_fault_file(struct fake_server *s, const char *path,
			   char *err, size_t errlen)
{
	struct buf text = BUF_INIT;
	char why[256];
	if (buf_read_file(&text, path, 0) < 0) {
		snprintf(err, errlen, "cannot open faults file '%s': %s", path,
			 strerror(errno));
		buf_release(&text);
		return -1;
	}
	cJSON *all = cJSON_Parse(text.data);
	int rc = 0;
	if (all) {
		if (fake_add_faults(s, all, why, sizeof(why)) < 0)
			rc = -1;
		cJSON_Delete(all);
	} else {
		/* One JSON object per line; blank lines and # comments skipped. */
		char *save = NULL;
		for (char *line = strtok_r(text.data, "\n", &save); line && rc == 0;
		     line = strtok_r(NULL, "\n", &save)) {
			while (*line == ' ' || *line == '\t')
				line++;
			if (*line == '\0' || *line == '#')
				continue;
			cJSON *o = cJSON_Parse(line);
			if (!o) {
				snprintf(why, sizeof(why), "line is not JSON: %.60s", line);
				rc = -1;
			} else if (fake_add_faults(s, o, why, sizeof(why)) < 0) {
				rc = -1;
			}
			cJSON_Delete(o);
		}
	}
	buf_release(&text);
	if (rc < 0)
		snprintf(err, errlen, "faults file '%s': %s", path, why);
	return rc;
}

struct fake_server *fake_start(const struct fake_app *app, int argc, char **argv,
			       int *port_out, char *err, size_t errlen)
{
	struct fake_server *s = calloc(1, sizeof(*s));
	int port = 0;
	const char *log_path = NULL;
	char why[256];

	if (!s)
		abort();
	s->app = app;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;
		if (strcmp(a, "--port") == 0 && has_value) {
			port = atoi(argv[++i]);
		} else if (strcmp(a, "--log") == 0 && has_value) {
			log_path = argv[++i];
		} else if (strcmp(a, "--fault") == 0 && has_value) {
			cJSON *o = cJSON_Parse(argv[++i]);
			if (!o || fake_add_faults(s, o, why, sizeof(why)) < 0) {
				snprintf(err, errlen, "bad --fault '%s'%s%s", argv[i],
					 o ? ": " : "", o ? why : "");
				cJSON_Delete(o);
				goto fail;
			}
			cJSON_Delete(o);
		} else if (strcmp(a, "--faults") == 0 && has_value) {
			if (load_fault_file(s, argv[++i], err, errlen) < 0)
				goto fail;
		} else if (strcmp(a, "--now") == 0 && has_value) {
			int64_t usec;
			if (time_parse_rfc3339(argv[++i], &usec, NULL) < 0) {
				snprintf(err, errlen, "bad --now '%s' (want RFC 3339)", argv[i]);
				goto fail;
			}
			fake_set_now(s, usec);
		} else {
			int used = app->option ? app->option(app->data, argc, argv, &i) : 0;
			if (used < 0) {
				snprintf(err, errlen, "bad value for option '%s'", a);
				goto fail;
			}
			if (used == 0) {
				snprintf(err, errlen, "unknown option '%s' (try --help)", a);
				goto fail;
			}
		}
	}
	if (log_path) {
		s->log = fopen(log_path, "a");
		if (!s->log) {
			snprintf(err, errlen, "cannot open log '%s': %s", log_path,
				 strerror(errno));
			goto fail;
		}
	}
	if (app->setup && app->setup(s, app->data) < 0) {
		snprintf(err, errlen, "setup failed");
		goto fail;
	}

	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
				     (uint16_t)port, NULL, NULL, on_request, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				     MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
				     MHD_OPTION_END);
	if (!s->daemon) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%d", port);
		goto fail;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	*port_out = info ? (int)info->port : port;
	return s;
fail:
	fake_stop(s);
	return NULL;
}

void fake_stop(struct fake_server *s)
{
	if (!s)
		return;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	while (s->nfaults > 0)
		remove_fault(s, s->nfaults - 1);
	if (s->log)
		fclose(s->log);
	free(s);
}

int fake_main(const struct fake_app *app, int argc, char **argv)
{
	char err[512];
	int port = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(app, stdout);
			return 0;
		}
	}
	/* Signals are taken by sigwait() below; the server thread inherits the
	 * blocked mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct fake_server *s = fake_start(app, argc, argv, &port, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "fake-%s: %s\n", app->name, err);
		return 2;
	}
	printf("port=%d\n", port);
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	fake_stop(s);
	return 0;
}
