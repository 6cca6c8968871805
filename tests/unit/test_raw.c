/*
 * test_raw: the raw loader's pieces that need no server (connectors/raw.h):
 * COPY text escaping, the fast walk over checked JSON, keyed rows, and the
 * Toggl staging built on them (Reports rows flattened in C).  The loads
 * themselves are tested end to end by tests/integration/t1020 against the
 * old PL/pgSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "connectors/raw.h"
#include "connectors/toggl.h"
#include "lib/timeutil.h"

static struct jv_span span(const char *s)
{
	struct jv_span v = { s, strlen(s) };
	return v;
}

static void test_copy_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	const char in[] = "a\\b\tc\nd\re\"f";
	raw_copy_escape(&b, in, sizeof(in) - 1);
	assert_string_equal(b.data, "a\\\\b\\tc\\nd\\re\"f");
	buf_reset(&b);
	raw_copy_escape(&b, "", 0);
	assert_string_equal(b.data, "");
	buf_release(&b);

	struct raw_page p;
	raw_page_init(&p);
	raw_page_str(&p, "x\ty");
	raw_page_null(&p);
	raw_page_field(&p, "z", 1);
	raw_page_end_row(&p);
	assert_string_equal(p.copy.data, "x\\ty\t\\N\tz\n");
	assert_int_equal(p.rows, 1);
	raw_page_release(&p);
}

static void test_json_scalar(void **state)
{
	(void)state;
	struct jv_span out;
	assert_int_equal(raw_json_scalar(span("123"), &out), 1);
	assert_int_equal(out.n, 3);
	assert_int_equal(raw_json_scalar(span("0"), &out), 1);
	assert_int_equal(raw_json_scalar(span("-7"), &out), 1);
	assert_int_equal(raw_json_scalar(span("\"9007199254740993\""), &out), 1);
	assert_memory_equal(out.p, "9007199254740993", 16);
	assert_int_equal(raw_json_scalar(span("null"), &out), 0);
	/* What only jsonb can print: left to SQL. */
	assert_int_equal(raw_json_scalar(span("-0"), &out), -1);
	assert_int_equal(raw_json_scalar(span("012"), &out), -1);
	assert_int_equal(raw_json_scalar(span("1e3"), &out), -1);
	assert_int_equal(raw_json_scalar(span("1.0"), &out), -1);
	assert_int_equal(raw_json_scalar(span("\"a\\u0041\""), &out), -1);
	assert_int_equal(raw_json_scalar(span("true"), &out), -1);
	assert_int_equal(raw_json_scalar(span("{}"), &out), -1);
	assert_int_equal(raw_json_scalar(span(""), &out), -1);
}

static void test_json_walk(void **state)
{
	(void)state;
	static const char *const keys[3] = { "a", "b", "c" };
	struct jv_span v[3], item;
	int found[3];
	const char *pos = NULL;

	assert_int_equal(raw_json_pick(span(" { \"a\" : [1, {\"}\": \"]\\\"\"}] ,\"b\":\"x\\\\\", "
					     "\"a\": 2 }"), keys, 3, v, found), 0);
	assert_true(found[0] && found[1] && !found[2]);
	assert_int_equal(v[0].n, 1);                    /* the last "a" wins */
	assert_memory_equal(v[0].p, "2", 1);
	assert_int_equal(v[1].n, 5);
	assert_memory_equal(v[1].p, "\"x\\\\\"", 5);
	assert_int_equal(raw_json_pick(span("{}"), keys, 3, v, found), 0);
	assert_false(found[0]);
	assert_int_equal(raw_json_pick(span("[1]"), keys, 3, v, found), -1);
	assert_int_equal(raw_json_pick(span("{\"a\" 1}"), keys, 3, v, found), -1);
	assert_int_equal(raw_json_pick(span("{\"a\": \"never closed}"), keys, 3, v, found), -1);
	assert_int_equal(raw_json_pick(span("{\"a\": [1, 2}"), keys, 3, v, found), -1);

	struct jv_span arr = span("[ 1 , \"a,b\" , [2, [3]] , {\"k\": \"]\"} ]");
	const char *want[] = { "1", "\"a,b\"", "[2, [3]]", "{\"k\": \"]\"}" };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(raw_json_next(arr, &pos, &item), 1);
		assert_int_equal(item.n, strlen(want[i]));
		assert_memory_equal(item.p, want[i], item.n);
	}
	assert_int_equal(raw_json_next(arr, &pos, &item), 0);
	pos = NULL;
	assert_int_equal(raw_json_next(span("[]"), &pos, &item), 0);
	pos = NULL;
	assert_int_equal(raw_json_next(span("{}"), &pos, &item), -1);
	pos = NULL;
	struct jv_span cut = span("[1, [2, 3");     /* cut short: no read past the end */
	assert_int_equal(raw_json_next(cut, &pos, &item), 1);
	assert_int_equal(raw_json_next(cut, &pos, &item), -1);
}

/* Row i of the rows as text: "<fields>". */
static void row_text(const struct raw_rows *r, size_t i, char *out, size_t outlen)
{
	size_t n = r->v[i].len < outlen - 1 ? r->v[i].len : outlen - 1;
	memcpy(out, r->text.data + r->v[i].off, n);
	out[n] = '\0';
}

static void test_stage_items(void **state)
{
	(void)state;
	struct raw_rows r;
	char t[512];
	const char body[] = "[{\"id\": 9007199254740993, \"server_deleted_at\": null, "
		"\"description\": \"tab\\there\"},\n"
		"{\"id\": \"41\", \"server_deleted_at\": \"2026-01-06T09:00:00Z\"},"
		"{\"id\": 1e3},"
		"{\"id\": 5, \"server_deleted_at\": \"2026-01-06T09:00:00\\u005a\"}]";

	raw_rows_init(&r);
	assert_int_equal(toggl_stage_items(&r, body, strlen(body)), 4);
	assert_int_equal(r.n, 4);
	row_text(&r, 0, t, sizeof(t));
	assert_string_equal(t, "9007199254740993\t{\"id\": 9007199254740993, "
			    "\"server_deleted_at\": null, \"description\": \"tab\\\\there\"}\t\\N");
	assert_false(r.v[0].odd);
	row_text(&r, 1, t, sizeof(t));
	assert_string_equal(t, "41\t{\"id\": \"41\", \"server_deleted_at\": "
			    "\"2026-01-06T09:00:00Z\"}\t2026-01-06T09:00:00Z");
	assert_true(r.v[1].deleted);
	assert_true(r.v[2].odd);                        /* 1e3: jsonb says "1000" */
	assert_true(r.v[3].odd);                        /* an escaped timestamp */
	assert_int_equal(r.odd, 2);
	raw_rows_reset(&r);
	assert_int_equal(toggl_stage_items(&r, "{\"id\": 8}", 9), 1);   /* /me */
	assert_int_equal(toggl_stage_items(&r, "null", 4), 0);          /* no tags */
	assert_int_equal(toggl_stage_items(&r, "[{\"id\": 1}, {", 13), -1);
	assert_int_equal(r.n, 1);                       /* the cut page added nothing */
	raw_rows_release(&r);
}

static void test_report_flatten(void **state)
{
	(void)state;
	struct raw_rows r;
	struct toggl_tags tags = { NULL, 0 };
	struct toggl_tag tv[2] = { { (char *)"61", (char *)"\"remote\"" },
				   { (char *)"60", (char *)"\"集中\"" } };
	char t[1024];
	int32_t last = -1, want;
	const char page[] =
		"[{\"user_id\": 5, \"project_id\": 70, \"task_id\": null, \"billable\": false,"
		"  \"description\": \"d\\\\x\", \"tag_ids\": [61, 99, 60], \"row_number\": 1,"
		"  \"time_entries\": [{\"id\": 4001, \"seconds\": 60, \"start\": \"2026-01-05T09:00:00+09:00\","
		"    \"stop\": \"2026-01-05T09:01:00+09:00\", \"at\": \"2026-01-05T00:01:05Z\"},"
		"   {\"id\": \"4002\", \"seconds\": 30, \"start\": \"2026-01-07T10:00:00+09:00\"}]},"
		" {\"user_id\": 5, \"project_id\": null, \"tag_ids\": [],"
		"  \"time_entries\": [{\"id\": 4003, \"seconds\": 1}]},"
		" {\"user_id\": 5, \"time_entries\": \"not a list\"}]";

	tags.v = tv;
	tags.n = 2;
	toggl_tags_sort(&tags);
	assert_string_equal(tags.v[0].id, "60");
	raw_rows_init(&r);
	assert_int_equal(toggl_stage_report_page(&r, page, strlen(page), "9", &tags, &last), 3);
	row_text(&r, 0, t, sizeof(t));
	assert_string_equal(t, "4001\t{\"id\":4001,\"workspace_id\":9,\"wid\":9,\"project_id\":70,"
		"\"pid\":70,\"task_id\":null,\"billable\":false,\"description\":\"d\\\\\\\\x\","
		"\"tag_ids\":[61, 99, 60],\"tags\":[\"remote\",\"集中\"],\"user_id\":5,\"uid\":5,"
		"\"start\":\"2026-01-05T09:00:00+09:00\",\"stop\":\"2026-01-05T09:01:00+09:00\","
		"\"duration\":60,\"at\":\"2026-01-05T00:01:05Z\",\"server_deleted_at\":null}\t\\N");
	row_text(&r, 1, t, sizeof(t));
	assert_non_null(strstr(t, "\"stop\":null,\"duration\":30,\"at\":null"));
	assert_int_equal(strncmp(t, "4002\t", 5), 0);
	row_text(&r, 2, t, sizeof(t));
	/* No project: no pid; no known tag: tags null. */
	assert_null(strstr(t, "\"pid\""));
	assert_non_null(strstr(t, "\"project_id\":null"));
	assert_non_null(strstr(t, "\"tags\":null"));
	assert_non_null(strstr(t, "\"description\":null"));
	assert_int_equal(r.odd, 0);
	assert_int_equal(time_parse_date("2026-01-07", &want), 0);
	assert_int_equal(last, want);
	raw_rows_reset(&r);
	assert_int_equal(toggl_stage_report_page(&r, "{\"a\": 1}", 8, "9", &tags, NULL), -1);
	assert_int_equal(toggl_stage_report_page(&r, "[]", 2, "9", &tags, NULL), 0);
	raw_rows_release(&r);

	assert_int_equal(toggl_page_text_starts_with(page, strlen(page), "4002"), 1);
	assert_int_equal(toggl_page_text_starts_with(page, strlen(page), "4001"), 1);
	assert_int_equal(toggl_page_text_starts_with(page, strlen(page), "4003"), 0);
	assert_int_equal(toggl_page_text_starts_with(page, strlen(page), ""), 0);
	assert_int_equal(toggl_page_text_starts_with("[]", 2, "4001"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_escape),
		cmocka_unit_test(test_json_scalar),
		cmocka_unit_test(test_json_walk),
		cmocka_unit_test(test_stage_items),
		cmocka_unit_test(test_report_flatten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
