/*
 * The console's request parsing, validators, HTML escaping and formatting,
 * and its session table (console/form.c, console/html.c, console/auth.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "lib/buf.h"
#include "console/auth.h"
#include "console/form.h"
#include "console/html.h"
#include "lib/timeutil.h"

static void test_decode(void **state)
{
	char *s;
	(void)state;
	s = form_decode("a+b%20c%3D%e7%9d%a1", 19);
	assert_string_equal(s, "a b c=睡");
	free(s);
	assert_null(form_decode("%4", 2));          /* cut escape */
	assert_null(form_decode("%zz", 3));         /* not hex */
	assert_null(form_decode("a%00b", 5));       /* embedded NUL */
	s = form_decode("", 0);
	assert_string_equal(s, "");
	free(s);
}

static void test_form_get(void **state)
{
	const char *body = "csrf=abc&token=t%2Bx&empty=&flag&token=second";
	char *v;
	(void)state;
	v = form_get(body, strlen(body), "token");
	assert_string_equal(v, "t+x");                /* first one wins */
	free(v);
	v = form_get(body, strlen(body), "empty");
	assert_string_equal(v, "");
	free(v);
	v = form_get(body, strlen(body), "flag");
	assert_string_equal(v, "");
	free(v);
	assert_null(form_get(body, strlen(body), "tok"));  /* no prefix match */
	assert_null(form_get(body, strlen(body), "missing"));
	/* Bounded by len, not by the NUL. */
	assert_null(form_get(body, 8, "token"));
}

static void test_cookie(void **state)
{
	char out[80];
	(void)state;
	assert_int_equal(form_cookie("a=1; dwhbi_session=abc123; b=2", "dwhbi_session",
				     out, sizeof(out)), 1);
	assert_string_equal(out, "abc123");
	assert_int_equal(form_cookie("xdwhbi_session=evil", "dwhbi_session", out, sizeof(out)), 0);
	assert_int_equal(form_cookie("dwhbi_session=last", "dwhbi_session", out, sizeof(out)), 1);
	assert_string_equal(out, "last");
	assert_int_equal(form_cookie(NULL, "dwhbi_session", out, sizeof(out)), 0);
	/* A value that does not fit is not truncated into a different one. */
	assert_int_equal(form_cookie("s=0123456789", "s", out, 5), 0);
}

static void test_listen(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[200];
	(void)state;

	assert_int_equal(form_parse_listen("127.0.0.1:8080", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8080);
	assert_true(form_is_loopback((struct sockaddr *)&ss));
	assert_int_equal(form_parse_listen("127.8.9.10:0", &ss, &len, err, sizeof(err)), 0);
	assert_true(form_is_loopback((struct sockaddr *)&ss));
	assert_int_equal(form_parse_listen("localhost:80", &ss, &len, err, sizeof(err)), 0);
	assert_true(form_is_loopback((struct sockaddr *)&ss));
	assert_int_equal(form_parse_listen("[::1]:8080", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_true(form_is_loopback((struct sockaddr *)&ss));
	assert_int_equal(form_parse_listen("[::ffff:127.0.0.1]:1", &ss, &len, err, sizeof(err)), 0);
	assert_true(form_is_loopback((struct sockaddr *)&ss));
	assert_int_equal(form_parse_listen("0.0.0.0:8080", &ss, &len, err, sizeof(err)), 0);
	assert_false(form_is_loopback((struct sockaddr *)&ss));
	assert_int_equal(form_parse_listen("[::]:8080", &ss, &len, err, sizeof(err)), 0);
	assert_false(form_is_loopback((struct sockaddr *)&ss));
	assert_int_equal(form_parse_listen("192.168.1.5:8080", &ss, &len, err, sizeof(err)), 0);
	assert_false(form_is_loopback((struct sockaddr *)&ss));

	const char *bad[] = { "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
			      "127.0.0.1:-1", "127.0.0.1:80x", "example.com:80", "[::1:80", ":80" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(form_parse_listen(bad[i], &ss, &len, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "ADDR:PORT"));
	}
}

static void test_validators(void **state)
{
	int64_t id = 0;
	(void)state;
	assert_true(form_valid_month("2026-10"));
	assert_true(form_valid_month("2026-01"));
	assert_false(form_valid_month("2026-13"));
	assert_false(form_valid_month("2026-00"));
	assert_false(form_valid_month("2026-1"));
	assert_false(form_valid_month("26-10-01"));
	assert_false(form_valid_month(NULL));

	assert_true(form_valid_report_name("report-2026-10.pdf"));
	assert_false(form_valid_report_name("../secret.pdf"));
	assert_false(form_valid_report_name(".hidden.pdf"));
	assert_false(form_valid_report_name("a/b.pdf"));
	assert_false(form_valid_report_name("report.txt"));
	assert_false(form_valid_report_name("x y.pdf"));
	assert_false(form_valid_report_name(".pdf"));

	assert_true(form_safe_redirect("/goals"));
	assert_true(form_safe_redirect("/runs?job=sync%20toggl"));
	assert_false(form_safe_redirect("//evil.example/"));
	assert_false(form_safe_redirect("/\\evil.example"));
	assert_false(form_safe_redirect("https://evil.example/"));
	assert_false(form_safe_redirect("/a\r\nSet-Cookie: x=1"));
	assert_false(form_safe_redirect(NULL));

	assert_int_equal(form_parse_id("42", &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(form_parse_id("4294967296123", &id), 0);
	assert_int_equal(id, INT64_C(4294967296123));
	assert_int_equal(form_parse_id("0", &id), -1);
	assert_int_equal(form_parse_id("-3", &id), -1);
	assert_int_equal(form_parse_id("12a", &id), -1);
	assert_int_equal(form_parse_id("1234567890123456789", &id), -1);
	assert_int_equal(form_parse_id("", &id), -1);

	assert_true(form_secret_equal("token-abc", "token-abc"));
	assert_false(form_secret_equal("token-abd", "token-abc"));
	assert_false(form_secret_equal("token-ab", "token-abc"));
	assert_false(form_secret_equal("token-abcd", "token-abc"));
	assert_false(form_secret_equal("", ""));
}

static void test_html(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	html_escape(&b, "<script>alert(\"x\" & 'y')</script>");
	assert_string_equal(b.data,
		"&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
	buf_reset(&b);
	html_escape(&b, NULL);
	assert_string_equal(b.data, "");
	html_urlencode(&b, "sync toggl&x=/é");
	assert_string_equal(b.data, "sync%20toggl%26x%3D%2F%C3%A9");
	buf_reset(&b);
	html_minutes(&b, 45);
	buf_puts(&b, "|");
	html_minutes(&b, 420);
	buf_puts(&b, "|");
	html_minutes(&b, 155.4);
	buf_puts(&b, "|");
	html_minutes(&b, -90);
	assert_string_equal(b.data, "45 min|7 h|2 h 35 min|−1 h 30 min");
	buf_reset(&b);
	html_duration(&b, 0.42);
	buf_puts(&b, "|");
	html_duration(&b, 42.4);
	buf_puts(&b, "|");
	html_duration(&b, 185);
	buf_puts(&b, "|");
	html_duration(&b, 3723);
	assert_string_equal(b.data, "0.4 s|42 s|3 min 5 s|1 h 02 min");
	buf_reset(&b);
	/* 15:10 UTC is 00:10 the next day in Tokyo. */
	html_local_time(&b, "2026-11-27T15:10:06Z", "Asia/Tokyo");
	assert_string_equal(b.data, "2026-11-28 00:10");
	buf_reset(&b);
	html_local_time(&b, "garbage", "Asia/Tokyo");
	assert_string_equal(b.data, "—");
	buf_reset(&b);
	int64_t t;
	assert_int_equal(time_parse_rfc3339("2026-11-27T15:10:06Z", &t, NULL), 0);
	html_age(&b, "2026-11-27T12:10:06Z", t);
	assert_string_equal(b.data, "3 h ago");
	buf_release(&b);
}

static void test_sessions(void **state)
{
	struct auth a;
	struct session *s, *t;
	char err[200];
	int limited;
	int64_t now = INT64_C(1800000000) * USEC_PER_SEC;
	(void)state;

	assert_int_equal(auth_init(&a, "short", err, sizeof(err)), -1);
	assert_int_equal(auth_init(&a, NULL, err, sizeof(err)), 0);
	assert_true(a.token_generated);
	assert_int_equal(strlen(a.token), 32);
	assert_int_equal(auth_init(&a, "the-console-token", err, sizeof(err)), 0);
	assert_false(a.token_generated);

	assert_null(auth_login(&a, "wrong", now, &limited));
	assert_false(limited);
	s = auth_login(&a, "the-console-token", now, &limited);
	assert_non_null(s);
	assert_int_equal(strlen(s->id), 64);
	assert_int_equal(strlen(s->csrf), 64);
	assert_string_not_equal(s->id, s->csrf);
	assert_ptr_equal(auth_lookup(&a, s->id, now + USEC_PER_SEC), s);
	assert_null(auth_lookup(&a, s->csrf, now));
	assert_null(auth_lookup(&a, "", now));

	/* Sessions end after AUTH_SESSION_HOURS. */
	char id[65];
	snprintf(id, sizeof(id), "%s", s->id);
	assert_null(auth_lookup(&a, id, now + (int64_t)(AUTH_SESSION_HOURS * 3600 + 1) * USEC_PER_SEC));
	assert_null(auth_lookup(&a, id, now));   /* and are gone */

	/* A full table evicts the oldest session. */
	t = NULL;
	for (int i = 0; i < AUTH_MAX_SESSIONS + 1; i++) {
		s = auth_login(&a, "the-console-token", now + i, &limited);
		assert_non_null(s);
		if (i == 0) {
			snprintf(id, sizeof(id), "%s", s->id);
			t = s;
		}
	}
	assert_non_null(t);
	assert_null(auth_lookup(&a, id, now + 100));
	auth_logout(s);
	assert_string_equal(s->id, "");

	assert_true(auth_bearer_ok(&a, "Bearer the-console-token"));
	assert_false(auth_bearer_ok(&a, "Bearer the-console-tokenx"));
	assert_false(auth_bearer_ok(&a, "Basic the-console-token"));
	assert_false(auth_bearer_ok(&a, NULL));
}

static void test_rate_limit(void **state)
{
	struct auth a;
	char err[200];
	int limited = 0;
	int64_t now = INT64_C(1800000000) * USEC_PER_SEC;
	(void)state;

	assert_int_equal(auth_init(&a, "the-console-token", err, sizeof(err)), 0);
	for (int i = 0; i < AUTH_MAX_FAILURES; i++)
		assert_null(auth_login(&a, "guess", now + i, &limited));
	assert_null(auth_login(&a, "the-console-token", now + 20, &limited));
	assert_true(limited);
	/* A minute later the window starts afresh. */
	assert_non_null(auth_login(&a, "the-console-token", now + 61 * USEC_PER_SEC, &limited));
	assert_false(limited);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_form_get),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_validators),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_rate_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
