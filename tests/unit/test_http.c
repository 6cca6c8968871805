/*
 * test_http: the shared HTTP client's helpers and retry policy, against a
 * tiny in-process libmicrohttpd server that answers from a script.  Sleeping
 * is replaced by a hook that records each wait, so the policy is checked
 * without waiting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "lib/config.h"
#include "connectors/http.h"
#include "tests/unit/script_server.h"

/* ---- the scripted server ---- */

static int64_t waits[32];
static int nwaits;

static void record_sleep(int64_t ms)
{
	if (nwaits < 32)
		waits[nwaits++] = ms;
}

static void client(struct http_client *c, int budget_s)
{
	struct config cfg;
	char err[256];
	memset(&cfg, 0, sizeof(cfg));
	cfg.http_wait_budget = budget_s;
	cfg.http_timeout = 5;
	assert_int_equal(http_client_init(c, "test", &cfg, err, sizeof(err)), 0);
	c->sleep_ms = record_sleep;
	nwaits = 0;
}

/* ---- helpers ---- */

static void test_url_encode(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	http_url_encode(&b, "a b@c#d/é~_.-+");
	assert_string_equal(b.data, "a%20b%40c%23d%2F%C3%A9~_.-%2B");
	buf_release(&b);
}

static void test_query_add(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_puts(&b, "http://h/p");
	http_query_add(&b, "start_date", "2024-01-01T00:00:00+09:00");
	http_query_add_int(&b, "since", INT64_C(4000000000));
	assert_string_equal(b.data,
		"http://h/p?start_date=2024-01-01T00%3A00%3A00%2B09%3A00&since=4000000000");
	buf_release(&b);
}

static void test_retry_after(void **state)
{
	(void)state;
	assert_int_equal(http_parse_retry_after("7"), 7000);
	assert_int_equal(http_parse_retry_after("0"), 0);
	assert_int_equal(http_parse_retry_after(NULL), -1);
	assert_int_equal(http_parse_retry_after("soon"), -1);
	assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
}

/* ---- the policy ---- */

static void test_retry_after_then_backoff(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response r;
	char err[512];
	const struct script_answer a[] = {
		{ 429, "Retry-After: 2", "slow down" },
		{ 503, NULL, "unavailable" },
		{ 200, "X-Next-ID: 12345678901", "{\"ok\":true}" },
	};
	script_server_set(&script_srv, 3, a);
	client(&c, 300);
	http_response_init(&r);
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 3);
	assert_non_null(r.json);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.json, "ok")));
	assert_string_equal(http_response_header(&r, "x-next-id"), "12345678901");
	assert_int_equal(nwaits, 2);
	assert_int_equal(waits[0], 2000);               /* Retry-After */
	assert_in_range(waits[1], 1000, 2000);          /* second backoff step, jittered */
	assert_int_equal(c.waited_ms, waits[0] + waits[1]);
	http_response_release(&r);
	http_client_release(&c);
}

static void test_budget_exhausted(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response r;
	char err[512];
	const struct script_answer a[] = { { 429, "Retry-After: 10", "" } };
	script_server_set(&script_srv, 1, a);
	client(&c, 5);
	http_response_init(&r);
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "waiting 10 s more would exceed the wait budget"));
	assert_non_null(strstr(err, "DWHBI_HTTP_WAIT_BUDGET"));
	assert_int_equal(nwaits, 0);
	assert_int_equal(script_srv.served, 1);
	http_response_release(&r);
	http_client_release(&c);
}

static void test_5xx_bounded(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response r;
	char err[512];
	struct script_answer a[16];
	for (int i = 0; i < 16; i++)
		a[i] = (struct script_answer){ 500, NULL, "boom" };
	script_server_set(&script_srv, 16, a);
	client(&c, 100000);
	http_response_init(&r);
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), -1);
	assert_int_equal(script_srv.served, HTTP_MAX_ATTEMPTS);
	assert_non_null(strstr(err, "gave up after"));
	for (int i = 0; i < nwaits; i++)
		assert_true(waits[i] <= c.backoff_max_ms);
	http_response_release(&r);
	http_client_release(&c);
}

static void test_4xx_and_bad_json(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response r;
	char err[512];
	const struct script_answer a[] = {
		{ 404, NULL, "\"no such thing\"" },
		{ 200, NULL, "{\"cut" },
		{ 200, NULL, "[1,2]" },
	};
	script_server_set(&script_srv, 3, a);
	client(&c, 300);
	http_response_init(&r);
	/* A 4xx is the caller's to judge: no retry. */
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.attempts, 1);
	/* A 2xx that is not JSON is retried. */
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(cJSON_GetArraySize(r.json), 2);
	http_response_release(&r);
	http_client_release(&c);
}

static enum http_action classify(void *arg, const struct http_response *r,
				 int64_t *wait_ms, char *why, size_t whylen)
{
	(void)arg;
	if (r->status == 403 && strstr(r->body.data, "rateLimitExceeded")) {
		snprintf(why, whylen, "rate limited (403 rateLimitExceeded)");
		return HTTP_RETRY;
	}
	if (r->status == 402) {
		*wait_ms = 1500;
		snprintf(why, whylen, "quota");
		return HTTP_RETRY;
	}
	if (r->status == 403) {
		snprintf(why, whylen, "forbidden for good");
		return HTTP_FAIL;
	}
	return HTTP_DEFAULT;
}

static void test_classify_hook(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response r;
	char err[512];
	const struct script_answer a[] = {
		{ 403, NULL, "{\"error\":{\"errors\":[{\"reason\":\"rateLimitExceeded\"}]}}" },
		{ 402, NULL, "" },
		{ 200, NULL, "{}" },
		{ 403, NULL, "{\"error\":\"nope\"}" },
	};
	script_server_set(&script_srv, 4, a);
	client(&c, 300);
	c.classify = classify;
	http_response_init(&r);
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(waits[1], 1500);
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "forbidden for good");
	http_response_release(&r);
	http_client_release(&c);
}

static void test_body_bound(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response r;
	char err[512];
	const struct script_answer a[] = { { 200, NULL, "[\"0123456789012345678901234567890\"]" } };
	script_server_set(&script_srv, 1, a);
	client(&c, 300);
	c.max_body = 16;
	http_response_init(&r);
	assert_int_equal(http_get_json(&c, script_srv.url, NULL, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than 16 bytes"));
	http_response_release(&r);
	http_client_release(&c);
}

static void test_unreachable_host_fails_soon(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response r;
	char err[512];
	client(&c, 300);
	http_response_init(&r);
	/* Port 1 on loopback: connection refused. */
	assert_int_equal(http_get_json(&c, "http://127.0.0.1:1/x", NULL, &r, err,
				       sizeof(err)), -1);
	assert_int_equal(nwaits, HTTP_CONNECT_ATTEMPTS - 1);
	assert_non_null(strstr(err, "check the network"));
	http_response_release(&r);
	http_client_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_query_add),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_retry_after_then_backoff),
		cmocka_unit_test(test_budget_exhausted),
		cmocka_unit_test(test_5xx_bounded),
		cmocka_unit_test(test_4xx_and_bad_json),
		cmocka_unit_test(test_classify_hook),
		cmocka_unit_test(test_body_bound),
		cmocka_unit_test(test_unreachable_host_fails_soon),
	};

	script_srv.path = "x";
	script_srv.after = (struct script_answer){ 200, NULL, "{\"end\":true}" };
	return cmocka_run_group_tests(tests, script_server_setup, script_server_teardown);
}
