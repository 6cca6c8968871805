/*
 * test_hygiene: the small checks that keep hostile upstream content out —
 * header values with CR/LF, Basic credentials in messages, Reports paging
 * headers, the identity of a resumed Reports page, the shape of a Google
 * listing page (tests/integration/t902x run them end to end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "connectors/gcal.h"
#include "connectors/http.h"
#include "connectors/toggl.h"
#include "lib/log.h"

static void test_header_unsafe(void **state)
{
	(void)state;
	assert_int_equal(http_header_unsafe(NULL), 0);
	assert_int_equal(http_header_unsafe("Authorization: Bearer abc.DEF-123_~+/="), 0);
	assert_int_equal(http_header_unsafe("X: a\tb"), 0);
	assert_int_equal(http_header_unsafe("Authorization: Bearer abc\r\nX-Injected: yes"), 1);
	assert_int_equal(http_header_unsafe("abc\n"), 1);
	assert_int_equal(http_header_unsafe("abc\r"), 1);
	assert_int_equal(http_header_unsafe("a\x01" "b"), 1);
	assert_int_equal(http_header_unsafe("a\x7f"), 1);
	/* UTF-8 is not a control byte. */
	assert_int_equal(http_header_unsafe("caf\xc3\xa9"), 0);
}

static void test_http_send_refuses_crlf(void **state)
{
	(void)state;
	struct http_client c;
	struct http_response resp;
	struct http_request req = { 0 };
	const char *headers[] = { "Authorization: Bearer abc\r\nX-Injected: yes", NULL };
	char err[512];

	assert_int_equal(http_client_init(&c, "google", NULL, err, sizeof(err)), 0);
	http_response_init(&resp);
	/* Port 9 (discard) on loopback: never reached, the check comes first. */
	req.url = "http://127.0.0.1:9/calendar/v3/colors";
	req.headers = headers;
	assert_int_equal(http_send(&c, &req, &resp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "refusing to send the Authorization header"));
	assert_null(strstr(err, "abc"));
	assert_int_equal(c.requests, 0);

	req.headers = NULL;
	req.basic_user = "tok\nen";
	req.basic_password = "api_token";
	assert_int_equal(http_send(&c, &req, &resp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Basic credentials"));
	assert_int_equal(c.requests, 0);
	http_response_release(&resp);
	http_client_release(&c);
}

static void test_basic_secret(void **state)
{
	(void)state;
	log_clear_secrets();
	/* base64("tok123:api_token") = dG9rMTIzOmFwaV90b2tlbg== */
	log_add_basic_secret("tok123", "api_token");
	char *r = log_redact("echo: Authorization: Basic dG9rMTIzOmFwaV90b2tlbg== end");
	assert_string_equal(r, "echo: Authorization: Basic *** end");
	free(r);
	r = log_redact("bare dG9rMTIzOmFwaV90b2tlbg, raw tok123:api_token.");
	assert_string_equal(r, "bare ***, raw ***.");
	free(r);
	/* Three-byte aligned input: no padding at all. */
	log_add_basic_secret("abcd", "ef");     /* "abcd:ef" -> YWJjZDplZg== */
	r = log_redact("[YWJjZDplZg==]");
	assert_string_equal(r, "[***]");
	free(r);
	log_add_basic_secret("abcde", "fghi");  /* "abcde:fghi" -> YWJjZGU6ZmdoaQ== */
	r = log_redact("YWJjZGU6ZmdoaQ==");
	assert_string_equal(r, "***");
	free(r);
	log_add_basic_secret(NULL, "x");
	log_clear_secrets();
}

static void test_paging_header(void **state)
{
	(void)state;
	long long v = 99;
	assert_int_equal(toggl_parse_paging_header(NULL, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(toggl_parse_paging_header("2101", &v), 0);
	assert_int_equal(v, 2101);
	assert_int_equal(toggl_parse_paging_header("9223372036854775807", &v), 0);
	const char *bad[] = { "", "0", "09", "007", "-5", "+5", " 5", "5 ", "12abc", "0x10", "1e3",
			      "9223372036854775808", "99999999999999999999", "1.5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(toggl_parse_paging_header(bad[i], &v), -1);
}

static void test_json_id(void **state)
{
	(void)state;
	char id[32];
	const char *good[][2] = { { "4001", "4001" }, { "\"4001\"", "4001" },
				  { "9007199254740992", "9007199254740992" },
				  { "\"9223372036854775807\"", "9223372036854775807" } };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cJSON *v = cJSON_Parse(good[i][0]);
		assert_int_equal(toggl_json_id(v, id, sizeof(id)), 0);
		assert_string_equal(id, good[i][1]);
		cJSON_Delete(v);
	}
	const char *bad[] = { "0", "-4", "1.5", "9007199254740994", "\"0\"", "\"00012\"",
			      "\"9223372036854775808\"", "\"99999999999999999999999\"",
			      "\"\"", "\" 7\"", "null", "true", "[1]" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *v = cJSON_Parse(bad[i]);
		if (toggl_json_id(v, id, sizeof(id)) != -1)
			fail_msg("%s was taken for id %s", bad[i], id);
		cJSON_Delete(v);
	}
}

static void test_page_starts_with(void **state)
{
	(void)state;
	cJSON *page = cJSON_Parse("[{\"row_number\":41,\"time_entries\":"
				  "[{\"id\":4001},{\"id\":4005}]},"
				  "{\"time_entries\":[{\"id\":4002}]}]");
	assert_int_equal(toggl_page_starts_with(page, "4001"), 1);
	assert_int_equal(toggl_page_starts_with(page, "4005"), 1);
	/* Only the first row counts. */
	assert_int_equal(toggl_page_starts_with(page, "4002"), 0);
	assert_int_equal(toggl_page_starts_with(page, ""), 0);
	assert_int_equal(toggl_page_starts_with(page, NULL), 0);
	cJSON_Delete(page);
	const char *odd[] = { "[]", "{}", "[1]", "[{\"time_entries\":{}}]",
			      "[{\"time_entries\":[{\"id\":\"x\"}]}]",
			      "[{\"time_entries\":[{\"id\":4001.5}]}]" };
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		page = cJSON_Parse(odd[i]);
		assert_int_equal(toggl_page_starts_with(page, "4001"), 0);
		cJSON_Delete(page);
	}
	assert_int_equal(toggl_page_starts_with(NULL, "4001"), 0);
}

static void test_gcal_check_page(void **state)
{
	(void)state;
	char err[256];
	struct { const char *json; int need_end, ok; } cases[] = {
		{ "{\"items\":[],\"nextSyncToken\":\"s\"}", 1, 0 },
		{ "{\"items\":[{\"id\":\"a\"}],\"nextPageToken\":\"p\"}", 1, 0 },
		{ "{\"items\":[]}", 0, 0 },
		{ "{\"items\":[]}", 1, -1 },
		{ "{\"items\":[],\"nextSyncToken\":\"\"}", 1, -1 },
		{ "{\"items\":[],\"nextPageToken\":7}", 1, -1 },
		{ "{\"items\":{\"id\":\"a\"},\"nextSyncToken\":\"s\"}", 1, -1 },
		{ "{\"items\":\"x\",\"nextSyncToken\":\"s\"}", 1, -1 },
		{ "{\"items\":null,\"nextSyncToken\":\"s\"}", 1, -1 },
		{ "{\"nextSyncToken\":\"s\"}", 1, -1 },
		{ "{\"items\":{}}", 0, -1 },
		{ "[]", 1, -1 },
		{ "\"x\"", 0, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *j = cJSON_Parse(cases[i].json);
		err[0] = '\0';
		int rc = gcal_check_page(j, "events.list", cases[i].need_end, err, sizeof(err));
		if (rc != cases[i].ok)
			fail_msg("case %zu (%s): got %d", i, cases[i].json, rc);
		if (rc < 0)
			assert_non_null(strstr(err, "nothing was changed"));
		cJSON_Delete(j);
	}
	assert_int_equal(gcal_check_page(NULL, "events.list", 0, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_unsafe),
		cmocka_unit_test(test_http_send_refuses_crlf),
		cmocka_unit_test(test_basic_secret),
		cmocka_unit_test(test_paging_header),
		cmocka_unit_test(test_json_id),
		cmocka_unit_test(test_page_starts_with),
		cmocka_unit_test(test_gcal_check_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
