/*
 * http: the one HTTP client and retry policy that every connector uses.
 *
 * A connector keeps one struct http_client for its whole run: one libcurl
 * easy handle, reused so the connection stays alive between pages, TLS
 * verification on, a per-request timeout (cfg.http_timeout) and a total wait
 * budget (cfg.http_wait_budget) shared by every retry of the run.
 *
 * The retry policy, applied by http_send():
 *   - 429: wait Retry-After when the server gives it, else exponential
 *     backoff with jitter;
 *   - 5xx, transport errors (refused, reset, empty reply, truncated body,
 *     timeout) and a 2xx whose body is not JSON when the request asked for
 *     JSON: bounded retries with exponential backoff and jitter;
 *   - anything else goes back to the caller as a response;
 *   - a caller's classify hook sees every response first and may override the
 *     default (retry a Google 403 rateLimitExceeded, wait out a Toggl quota,
 *     fail at once with its own message).
 * Every wait is taken from the budget; when the next wait does not fit, the
 * request fails with a message that names the wait and the budget
 * (DWHBI_HTTP_WAIT_BUDGET), so a job stops cleanly and keeps what it
 * committed.  At most HTTP_MAX_ATTEMPTS attempts are made per request
 * (HTTP_CONNECT_ATTEMPTS when the host cannot be resolved or reached).
 *
 * Functions that can fail return -1 and write a one-line reason into the
 * caller's err buffer; secrets never appear in it (URLs must not carry
 * secrets: send them in headers or Basic auth).
 */
#ifndef DWHBI_HTTP_H
#define DWHBI_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct config;
struct cJSON;

#define HTTP_MAX_ATTEMPTS 8
#define HTTP_CONNECT_ATTEMPTS 3     /* host not resolved or refusing */
#define HTTP_DEFAULT_MAX_BODY ((size_t)256 << 20)   /* 256 MiB */
#define HTTP_MAX_HEADERS 64

struct http_header {
	char *name;
	char *value;
};

/* One response: the status, the headers of the final response (not of
 * redirects or 100-continue) and the body, bounded by the client's max_body.
 * json is set when the request had want_json and the body parsed. */
struct http_response {
	long status;
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	struct buf body;
	struct cJSON *json;
	int attempts;           /* attempts this request took (1 = no retry) */
};

void http_response_init(struct http_response *r);
/* Frees headers, body and json; the response is reusable afterwards. */
void http_response_release(struct http_response *r);
/* Case-insensitive lookup; NULL when absent.  The value has no surrounding
 * whitespace or CR/LF. */
const char *http_response_header(const struct http_response *r,
				 const char *name);

struct http_request {
	const char *method;             /* NULL = "GET" */
	const char *url;                /* full URL, query included */
	const char *const *headers;     /* "Name: value" lines, NULL-terminated,
	                                   or NULL */
	const char *body;               /* NULL = no body */
	size_t body_len;                /* 0 with a body = strlen(body) */
	const char *basic_user;         /* HTTP Basic auth when set */
	const char *basic_password;
	int want_json;                  /* parse a 2xx body into resp->json;
	                                   a body that does not parse is retried */
	/* Instead of want_json, for large bodies read without a tree: 0 when
	 * a 2xx body is well-formed; a body it refuses is retried like one
	 * that does not parse. */
	int (*body_check)(const char *body, size_t len);
};

/* What a classify hook decides about a response. */
enum http_action {
	HTTP_DEFAULT = 0,   /* apply the default policy above */
	HTTP_ACCEPT,        /* hand the response to the caller as it is */
	HTTP_RETRY,         /* retry: after *wait_ms if set (> 0), else backoff;
	                       why says what is being waited for */
	HTTP_FAIL           /* stop now; why is the whole error message */
};

/* Called for every HTTP response (not for transport errors) before the
 * default policy.  why (whylen bytes, starts empty) is used in log lines and
 * in the final error message. */
typedef enum http_action (*http_classify_fn)(void *arg,
					     const struct http_response *resp,
					     int64_t *wait_ms, char *why,
					     size_t whylen);

struct http_client {
	void *curl;                     /* CURL *, opaque to callers */
	char errbuf[256];               /* CURLOPT_ERRORBUFFER (>= CURL_ERROR_SIZE) */
	char service[32];               /* "toggl", "google", ... for messages */
	long timeout_s;                 /* per request */
	int64_t wait_budget_ms;         /* total sleep allowed for the run */
	int64_t waited_ms;              /* slept so far */
	int64_t backoff_base_ms;        /* first backoff step (default 1000) */
	int64_t backoff_max_ms;         /* cap of one backoff step (default 60000) */
	size_t max_body;                /* response body bound */
	http_classify_fn classify;      /* optional */
	void *classify_arg;
	/* Sleeps ms milliseconds; tests replace it.  NULL = nanosleep. */
	void (*sleep_ms)(int64_t ms);
	/* Optional: rewrites a 2xx body in place (same length) before it is
	 * parsed for want_json, e.g. validate_mark_lone_surrogates. */
	size_t (*json_prepare)(char *body, size_t len);
	int64_t requests;               /* attempts sent (statistics) */
	int64_t retries;
	uint64_t rng;                   /* jitter state */
};

/* Sets up the client for service from cfg (timeout, wait budget).  cfg may
 * be NULL: defaults of 60 s timeout, 300 s budget.  Returns -1 when libcurl
 * cannot be initialised. */
int http_client_init(struct http_client *c, const char *service,
		     const struct config *cfg, char *err, size_t errlen);
void http_client_release(struct http_client *c);
/* Milliseconds of wait budget left. */
int64_t http_wait_left_ms(const struct http_client *c);

/* 1 when a value meant for a request header holds CR, LF or another
 * control byte (tab allowed), which http_send refuses to send; 0 for NULL. */
int http_header_unsafe(const char *value);

/* Sends req with the retry policy.  Returns 0 with resp filled for every
 * response the policy hands back (any status: the caller checks
 * resp->status), or -1 with err set when the request failed for good
 * (transport error or 5xx after retries, budget used up, a classify hook's
 * HTTP_FAIL, body over max_body).  resp is released and refilled by the call;
 * the caller releases it afterwards.  A header value, Basic credential or
 * URL holding CR or LF is refused before anything is sent; Basic
 * credentials are registered as secrets (log_add_basic_secret). */
int http_send(struct http_client *c, const struct http_request *req,
	      struct http_response *resp, char *err, size_t errlen);

/* Convenience: GET url with headers, want_json.  Same contract as
 * http_send. */
int http_get_json(struct http_client *c, const char *url,
		  const char *const *headers, struct http_response *resp,
		  char *err, size_t errlen);

/* Percent-encodes s for a query value or a path segment (RFC 3986
 * unreserved characters stay as they are) and appends it to b. */
void http_url_encode(struct buf *b, const char *s);
/* Appends "?name=value" or "&name=value" (value URL-encoded) to a URL in b,
 * choosing the separator by whether b already has a '?'. */
void http_query_add(struct buf *url, const char *name, const char *value);
/* Same with an integer value. */
void http_query_add_int(struct buf *url, const char *name, int64_t value);

/* The body as text for an error message: at most outlen - 1 bytes, control
 * characters replaced, "(empty body)" when empty. */
void http_body_excerpt(const struct http_response *r, char *out, size_t outlen);

/* The server's clock from the response's Date header, in microseconds
 * since the epoch, or -1 when absent or unparseable.  Cursors that the
 * server compares with its own clock (Toggl `since`) come from here, not from
 * the local clock. */
int64_t http_response_date(const struct http_response *r);

/* Parses a Retry-After value (seconds, or an HTTP date) relative to now;
 * returns milliseconds, or -1 when absent or unparseable. */
int64_t http_parse_retry_after(const char *value);

#endif
