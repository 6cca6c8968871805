/*
 * http: one reused libcurl handle per connector and the shared retry policy
 * (see http.h for the policy).  The only place in dwhbi that talks HTTP as a
 * client, so every connector retries, waits and fails the same way.
 */
#include "connectors/http.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/log.h"

_Static_assert(sizeof(((struct http_client *)0)->errbuf) >= CURL_ERROR_SIZE,
	       "errbuf must hold CURL_ERROR_SIZE bytes");

void http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body);
}

static void clear_headers(struct http_response *r)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
}

void http_response_release(struct http_response *r)
{
	clear_headers(r);
	buf_release(&r->body);
	if (r->json)
		cJSON_Delete(r->json);
	r->json = NULL;
	r->status = 0;
	r->attempts = 0;
}

const char *http_response_header(const struct http_response *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

/* State of one transfer, shared with the curl callbacks. */
struct transfer {
	struct http_response *resp;
	size_t max_body;
	int too_big;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct transfer *t = arg;
	size_t n = size * nmemb;

	if (t->resp->body.len + n > t->max_body) {
		t->too_big = 1;
		return 0;       /* makes curl stop with CURLE_WRITE_ERROR */
	}
	buf_append(&t->resp->body, ptr, n);
	return n;
}

static char *dup_trimmed(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			 s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	char *d = malloc(n + 1);
	if (!d)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct transfer *t = arg;
	size_t n = size * nmemb;

	/* A status line starts a new response (after a 100 Continue or a
	 * redirect): only the final response's headers count. */
	if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
		clear_headers(t->resp);
		return n;
	}
	const char *colon = memchr(ptr, ':', n);
	if (!colon || t->resp->nheaders >= HTTP_MAX_HEADERS)
		return n;
	struct http_header *h = &t->resp->headers[t->resp->nheaders++];
	h->name = dup_trimmed(ptr, (size_t)(colon - ptr));
	h->value = dup_trimmed(colon + 1, n - (size_t)(colon - ptr) - 1);
	return n;
}

int http_client_init(struct http_client *c, const char *service,
		     const struct config *cfg, char *err, size_t errlen)
{
	static int global_done;

	memset(c, 0, sizeof(*c));
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errlen, "cannot initialise libcurl");
			return -1;
		}
		global_done = 1;
	}
	c->curl = curl_easy_init();
	if (!c->curl) {
		snprintf(err, errlen, "cannot create a libcurl handle");
		return -1;
	}
	snprintf(c->service, sizeof(c->service), "%s", service ? service : "http");
	c->timeout_s = cfg && cfg->http_timeout > 0 ? cfg->http_timeout : 60;
	c->wait_budget_ms = (int64_t)(cfg && cfg->http_wait_budget >= 0 ?
				      cfg->http_wait_budget : 300) * 1000;
	c->backoff_base_ms = 1000;
	c->backoff_max_ms = 60000;
	c->max_body = HTTP_DEFAULT_MAX_BODY;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
		 ((uint64_t)getpid() << 40) ^ UINT64_C(0x9e3779b97f4a7c15);
	return 0;
}

void http_client_release(struct http_client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

int64_t http_wait_left_ms(const struct http_client *c)
{
	int64_t left = c->wait_budget_ms - c->waited_ms;
	return left > 0 ? left : 0;
}

static uint64_t next_random(struct http_client *c)
{
	/* xorshift64*: jitter needs spread, not cryptographic quality. */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * UINT64_C(2685821657736338717);
}

/* Exponential backoff with "equal jitter": half the step fixed, half random,
 * so retries of several clients spread out but never collapse to zero. */
static int64_t backoff_ms(struct http_client *c, int retry)
{
	int64_t step = c->backoff_base_ms;
	for (int i = 0; i < retry && step < c->backoff_max_ms; i++)
		step *= 2;
	if (step > c->backoff_max_ms)
		step = c->backoff_max_ms;
	int64_t half = step / 2;
	return half + (half > 0 ? (int64_t)(next_random(c) % (uint64_t)(half + 1)) : 0);
}

static void default_sleep(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int64_t http_parse_retry_after(const char *value)
{
	if (!value || !*value)
		return -1;
	char *end;
	errno = 0;
	long long secs = strtoll(value, &end, 10);
	if (end != value && *end == '\0' && errno == 0) {
		if (secs < 0)
			return -1;
		if (secs > 366LL * 86400)
			secs = 366LL * 86400;
		return (int64_t)secs * 1000;
	}
	time_t when = curl_getdate(value, NULL);
	if (when == (time_t)-1)
		return -1;
	int64_t diff = (int64_t)when - (int64_t)time(NULL);
	return diff > 0 ? diff * 1000 : 0;
}

int64_t http_response_date(const struct http_response *r)
{
	const char *v = http_response_header(r, "Date");
	if (!v)
		return -1;
	time_t when = curl_getdate(v, NULL);
	if (when == (time_t)-1)
		return -1;
	return (int64_t)when * 1000000;
}

int http_header_unsafe(const char *value)
{
	if (!value)
		return 0;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 1;
	return 0;
}

void http_url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

void http_query_add(struct buf *url, const char *name, const char *value)
{
	buf_putc(url, memchr(url->data, '?', url->len) ? '&' : '?');
	http_url_encode(url, name);
	buf_putc(url, '=');
	http_url_encode(url, value ? value : "");
}

void http_query_add_int(struct buf *url, const char *name, int64_t value)
{
	char num[32];
	snprintf(num, sizeof(num), "%lld", (long long)value);
	http_query_add(url, name, num);
}

void http_body_excerpt(const struct http_response *r, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if (r->body.len == 0) {
		snprintf(out, outlen, "(empty body)");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < r->body.len && n + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)r->body.data[i];
		out[n++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	out[n] = '\0';
	/* Do not end inside a UTF-8 sequence. */
	while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
		out[--n] = '\0';
	if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
		out[--n] = '\0';
}

/* The URL without its query, for messages: short, and a query could hold
 * values a person does not want in logs. */
static void url_for_message(const char *url, char *out, size_t outlen)
{
	const char *q = strchr(url, '?');
	size_t n = q ? (size_t)(q - url) : strlen(url);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, url, n);
	out[n] = '\0';
}

static int transport_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

/* One attempt.  Returns the curl code; resp is refilled. */
static CURLcode perform(struct http_client *c, const struct http_request *req,
			struct curl_slist *hdrs, struct http_response *resp,
			int *too_big)
{
	CURL *h = c->curl;
	struct transfer t = { resp, c->max_body, 0 };
	const char *method = req->method ? req->method : "GET";

	http_response_release(resp);
	buf_init(&resp->body);
	curl_easy_reset(h);
	c->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout_s < 30 ? c->timeout_s : 30L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "dwhbi/1");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (req->basic_user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, req->basic_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
				 req->basic_password ? req->basic_password : "");
	}
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(method, "HEAD") == 0)
			curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		else
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	if (req->body) {
		size_t len = req->body_len ? req->body_len : strlen(req->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	c->requests++;
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	resp->status = status;
	*too_big = t.too_big;
	return rc;
}

int http_send(struct http_client *c, const struct http_request *req,
	      struct http_response *resp, char *err, size_t errlen)
{
	const char *method = req->method ? req->method : "GET";
	struct curl_slist *hdrs = NULL;
	char where[256], why[512];
	int rc = -1;

	url_for_message(req->url, where, sizeof(where));
	/* A value that goes into the request's head must not hold CR or LF
	 * (nor other control bytes): one from a hostile reply (an OAuth
	 * access_token "abc\r\nX-Injected: yes") would add headers of its
	 * own.  Refused before anything is sent; the value is not shown. */
	for (const char *const *p = req->headers; p && *p; p++) {
		if (http_header_unsafe(*p)) {
			const char *colon = strchr(*p, ':');
			int n = colon && colon - *p < 64 ? (int)(colon - *p) : 0;
			snprintf(err, errlen, "%s: %s %s: refusing to send the %.*s%sheader "
				 "whose value holds a CR, LF or other control byte",
				 c->service, method, where, n, *p, n ? " " : "");
			return -1;
		}
	}
	if (http_header_unsafe(req->basic_user) || http_header_unsafe(req->basic_password)) {
		snprintf(err, errlen, "%s: %s %s: refusing to send Basic credentials that "
			 "hold a CR, LF or other control byte (check the token)",
			 c->service, method, where);
		return -1;
	}
	if (strpbrk(req->url, "\r\n")) {
		snprintf(err, errlen, "%s: %s %s: refusing a URL that holds a CR or LF",
			 c->service, method, where);
		return -1;
	}
	if (req->basic_user)
		log_add_basic_secret(req->basic_user, req->basic_password);
	for (const char *const *p = req->headers; p && *p; p++)
		hdrs = curl_slist_append(hdrs, *p);
	/* No "Expect: 100-continue" round trip for bodies. */
	if (req->body)
		hdrs = curl_slist_append(hdrs, "Expect:");

	for (int attempt = 1;; attempt++) {
		int max_attempts = HTTP_MAX_ATTEMPTS;
		int too_big = 0;
		int64_t wait_ms = 0;
		CURLcode cc = perform(c, req, hdrs, resp, &too_big);
		resp->attempts = attempt;
		why[0] = '\0';

		if (too_big) {
			snprintf(err, errlen, "%s: %s %s: response larger than %zu bytes",
				 c->service, method, where, c->max_body);
			goto out;
		}
		if (cc != CURLE_OK) {
			const char *msg = c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc);
			if (!transport_retryable(cc)) {
				snprintf(err, errlen, "%s: %s %s failed: %s", c->service,
					 method, where, msg);
				goto out;
			}
			snprintf(why, sizeof(why), "transport error: %s", msg);
			/* A host that cannot be resolved or reached is rarely back
			 * within seconds: fail soon rather than spend the budget. */
			if (cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_CONNECT)
				max_attempts = HTTP_CONNECT_ATTEMPTS;
		} else {
			enum http_action act = HTTP_DEFAULT;
			if (c->classify)
				act = c->classify(c->classify_arg, resp, &wait_ms,
						  why, sizeof(why));
			if (act == HTTP_FAIL) {
				snprintf(err, errlen, "%s", why[0] ? why : "request refused");
				goto out;
			}
			if (act == HTTP_ACCEPT) {
				rc = 0;
				goto out;
			}
			if (act == HTTP_DEFAULT) {
				if (resp->status == 429) {
					wait_ms = http_parse_retry_after(
						http_response_header(resp, "Retry-After"));
					snprintf(why, sizeof(why), "rate limited (429%s)",
						 wait_ms >= 0 ? ", Retry-After" : "");
				} else if (resp->status >= 500) {
					char body[120];
					http_body_excerpt(resp, body, sizeof(body));
					snprintf(why, sizeof(why), "server error %ld: %s",
						 resp->status, body);
				} else if (req->want_json && resp->status >= 200 &&
					   resp->status < 300) {
					if (c->json_prepare && resp->body.len)
						c->json_prepare(resp->body.data, resp->body.len);
					resp->json = cJSON_ParseWithLength(resp->body.data,
									   resp->body.len);
					if (resp->json) {
						rc = 0;
						goto out;
					}
					snprintf(why, sizeof(why),
						 "malformed JSON in a %ld response", resp->status);
				} else if (req->body_check && resp->status >= 200 &&
					   resp->status < 300) {
					if (req->body_check(resp->body.data, resp->body.len) == 0) {
						rc = 0;
						goto out;
					}
					snprintf(why, sizeof(why),
						 "malformed JSON in a %ld response", resp->status);
				} else {
					rc = 0;
					goto out;
				}
			}
		}

		/* Retry, if the attempts and the wait budget allow it. */
		if (attempt >= max_attempts) {
			snprintf(err, errlen, "%s: %s %s: %s; gave up after %d attempts%s",
				 c->service, method, where, why, attempt,
				 resp->status == 0 ? " (check the network and the base URL)" : "");
			goto out;
		}
		if (wait_ms <= 0)
			wait_ms = backoff_ms(c, attempt - 1);
		if (wait_ms > http_wait_left_ms(c)) {
			snprintf(err, errlen,
				 "%s: %s %s: %s; waiting %lld s more would exceed the wait "
				 "budget (%lld s left of %lld s, DWHBI_HTTP_WAIT_BUDGET); "
				 "work committed so far is kept, rerun later",
				 c->service, method, where, why,
				 (long long)((wait_ms + 999) / 1000),
				 (long long)(http_wait_left_ms(c) / 1000),
				 (long long)(c->wait_budget_ms / 1000));
			goto out;
		}
		log_info("%s: %s %s: %s; retrying in %.1f s (attempt %d of %d)",
			 c->service, method, where, why, (double)wait_ms / 1000.0,
			 attempt + 1, max_attempts);
		log_progress("%s: waiting %.1f s (%s)", c->service,
			     (double)wait_ms / 1000.0, why);
		c->retries++;
		c->waited_ms += wait_ms;
		if (c->sleep_ms)
			c->sleep_ms(wait_ms);
		else
			default_sleep(wait_ms);
		log_progress_done();
	}
out:
	curl_slist_free_all(hdrs);
	return rc;
}

int http_get_json(struct http_client *c, const char *url,
		  const char *const *headers, struct http_response *resp,
		  char *err, size_t errlen)
{
	struct http_request req = { 0 };
	req.url = url;
	req.headers = headers;
	req.want_json = 1;
	return http_send(c, &req, resp, err, errlen);
}
