/*
 * test_validate: the item checks of connectors/validate.c on the hostile
 * values the connectors must quarantine, and on the good shapes they must
 * let through (the fakes' v9 entries, Reports rows, Google events).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "connectors/validate.h"
#include "lib/timeutil.h"

static struct validate_window W;

static struct jv_span S(const char *s)
{
	struct jv_span v = { s, strlen(s) };
	return v;
}

static int setup(void **state)
{
	int64_t now;
	(void)state;
	assert_int_equal(time_parse_rfc3339("2026-12-03T12:00:00Z", &now, NULL), 0);
	validate_window_at(now, &W);
	return 0;
}

#define GOOD_ENTRY(FIELD) \
	"{\"id\":4100000001,\"workspace_id\":4567890123,\"project_id\":null," \
	"\"billable\":false,\"start\":\"2026-12-01T09:00:00+00:00\"," \
	"\"stop\":\"2026-12-01T10:00:00+00:00\",\"duration\":3600," \
	"\"description\":\"会議\",\"tags\":[\"a\"],\"tag_ids\":[12]," \
	"\"at\":\"2026-12-01T10:00:01.123456Z\",\"server_deleted_at\":null," \
	"\"user_id\":6543210987,\"uid\":6543210987,\"wid\":4567890123" FIELD "}"

static void expect_bad(const char *json, const char *id, const char *needle)
{
	struct validate_result r;
	if (validate_toggl_entry(S(json), &W, &r) != -1)
		fail_msg("accepted %s", json);
	if (strcmp(r.id, id) != 0)
		fail_msg("id '%s' for %s (reason %s)", r.id, json, r.reason);
	if (!strstr(r.reason, needle))
		fail_msg("reason '%s' lacks '%s' (item %s)", r.reason, needle, json);
}

static void test_toggl_good(void **state)
{
	struct validate_result r;
	(void)state;
	assert_int_equal(validate_toggl_entry(S(GOOD_ENTRY("")), &W, &r), 0);
	/* A running entry: no stop, a negative duration (-1 or -start). */
	assert_int_equal(validate_toggl_entry(S(
		"{\"id\":\"17\",\"start\":\"2026-12-03T09:00:00Z\",\"stop\":null,"
		"\"duration\":-1796029200}"), &W, &r), 0);
	assert_int_equal(validate_toggl_entry(S(
		"{\"id\":17,\"start\":\"2026-12-03T09:00:00.5+09:00\",\"duration\":-1,"
		"\"server_deleted_at\":\"2026-12-03T09:10:00Z\"}"), &W, &r), 0);
	/* 64-bit ids beyond 2^53 are fine (kept as text). */
	assert_int_equal(validate_toggl_entry(S(
		"{\"id\":9223372036854775807,\"start\":\"2026-12-03T09:00:00Z\"}"),
		&W, &r), 0);
	assert_string_equal(r.id, "9223372036854775807");
}

static void test_toggl_hostile(void **state)
{
	(void)state;
	expect_bad(GOOD_ENTRY(",\"duration\":3600.5"), "4100000001", "duration");
	expect_bad(GOOD_ENTRY(",\"duration\":3600.0"), "4100000001", "whole number");
	expect_bad(GOOD_ENTRY(",\"duration\":\"3600\""), "4100000001", "duration");
	expect_bad(GOOD_ENTRY(",\"stop\":\"\""), "4100000001", "\"stop\"");
	expect_bad(GOOD_ENTRY(",\"start\":\"garbage-date\""), "4100000001", "\"start\"");
	expect_bad(GOOD_ENTRY(",\"start\":\"2026-99-99T99:99:99Z\""), "4100000001", "start");
	expect_bad(GOOD_ENTRY(",\"start\":\"2026-12-01T09:00:00+23:00\""), "4100000001",
		   "start");
	expect_bad(GOOD_ENTRY(",\"tag_ids\":[\"x\"]"), "4100000001", "tag_ids");
	expect_bad(GOOD_ENTRY(",\"tag_ids\":[1.5]"), "4100000001", "tag_ids");
	expect_bad(GOOD_ENTRY(",\"tag_ids\":7"), "4100000001", "not a list");
	expect_bad(GOOD_ENTRY(",\"tags\":[3]"), "4100000001", "tags");
	expect_bad(GOOD_ENTRY(",\"description\":\"a\\u0000b\""), "4100000001",
		   "\"description\" holds a \\u0000");
	expect_bad(GOOD_ENTRY(",\"description\":\"caf\xe9\""), "4100000001",
		   "\"description\" holds invalid UTF-8");
	expect_bad(GOOD_ENTRY(",\"description\":\"\xed\xa0\x80\""), "4100000001",
		   "invalid UTF-8");
	expect_bad(GOOD_ENTRY(",\"description\":\"\\ud800x\""), "4100000001", "surrogate");
	expect_bad(GOOD_ENTRY(",\"description\":5"), "4100000001", "description");
	expect_bad(GOOD_ENTRY(",\"server_deleted_at\":\"yesterday\""), "4100000001",
		   "server_deleted_at");
	expect_bad(GOOD_ENTRY(",\"server_deleted_at\":true"), "4100000001",
		   "server_deleted_at");
	/* Dated 1900: outside the sane window. */
	expect_bad(GOOD_ENTRY(",\"start\":\"1900-01-01T09:00:00Z\",\"stop\":"
			      "\"1900-01-01T10:00:00Z\""), "4100000001", "outside");
	expect_bad(GOOD_ENTRY(",\"start\":\"2040-01-01T09:00:00Z\",\"stop\":"
			      "\"2040-01-01T10:00:00Z\""), "4100000001", "outside");
	expect_bad(GOOD_ENTRY(",\"stop\":\"2026-12-01T08:00:00Z\""), "4100000001", "before");
	expect_bad(GOOD_ENTRY(",\"duration\":99999999"), "4100000001", "out of range");
	/* A stopped entry cannot have a negative duration. */
	expect_bad(GOOD_ENTRY(",\"duration\":-5"), "4100000001", "out of range");
	expect_bad(GOOD_ENTRY(",\"project_id\":-3"), "4100000001", "project_id");
	expect_bad(GOOD_ENTRY(",\"wid\":\"abc\""), "4100000001", "wid");
	/* The last of duplicate keys wins, as in jsonb. */
	expect_bad(GOOD_ENTRY(",\"duration\":3600,\"duration\":1.5"), "4100000001",
		   "duration");
	/* Ids. */
	expect_bad("{\"id\":0,\"start\":\"2026-12-01T09:00:00Z\"}", "", "id");
	expect_bad("{\"id\":-4,\"start\":\"2026-12-01T09:00:00Z\"}", "", "id");
	expect_bad("{\"id\":1e3,\"start\":\"2026-12-01T09:00:00Z\"}", "", "id");
	expect_bad("{\"id\":9223372036854775808,\"start\":\"2026-12-01T09:00:00Z\"}", "",
		   "id");
	expect_bad("{\"start\":\"2026-12-01T09:00:00Z\"}", "", "\"id\" is missing");
	expect_bad("{\"id\":5}", "5", "\"start\" is missing");
	expect_bad("[1,2]", "", "not a JSON object");
	expect_bad("{\"id\":5,\"start\":\"2026-12-01T09:00:00Z\"", "", "malformed");
}

static void test_spans(void **state)
{
	struct jv_span *items, v;
	size_t n;
	(void)state;
	const char *page = " [ {\"id\":1} , 2,\"x\\\"]\" ,[3, {}] ]\n";
	assert_int_equal(jv_array_items(S(page), &items, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(items[0].n, 8);
	assert_memory_equal(items[0].p, "{\"id\":1}", 8);
	assert_memory_equal(items[2].p, "\"x\\\"]\"", items[2].n);
	assert_memory_equal(items[3].p, "[3, {}]", items[3].n);
	free(items);
	assert_int_equal(jv_array_items(S("[]"), &items, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(jv_array_items(S("{}"), &items, &n), -1);
	assert_int_equal(jv_array_items(S("[1,]"), &items, &n), -1);
	assert_int_equal(jv_array_items(S("[1] x"), &items, &n), -1);
	assert_int_equal(jv_member(S("{\"a\":1,\"b\":{\"c\":2}}"), "b", &v), 1);
	assert_memory_equal(v.p, "{\"c\":2}", v.n);
	assert_int_equal(jv_member(S("{\"a\":1}"), "c", &v), 0);
	assert_int_equal(jv_member(S("[1]"), "c", &v), -1);
	char why[64];
	assert_int_equal(jv_check_text(S("{\"a\":\"\\ud83d\\ude00 \xf0\x9f\x98\x80\"}"),
				       why, sizeof(why)), 0);
	assert_int_equal(jv_check_text(S("\"\xc0\xaf\""), why, sizeof(why)), -1);
	assert_string_equal(why, "invalid UTF-8");
	/* Nesting is bounded. */
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	assert_int_equal(jv_check_text((struct jv_span){ deep, 200 }, why, sizeof(why)), -1);
	assert_string_equal(why, "JSON nested too deep");
}

static void test_reports(void **state)
{
	struct validate_result r;
	(void)state;
	const char *row = "{\"user_id\":1,\"username\":\"x\",\"project_id\":null,"
		"\"task_id\":null,\"billable\":false,\"description\":\"\",\"tag_ids\":[1,2],"
		"\"row_number\":1,\"time_entries\":[{\"id\":5,\"seconds\":60,"
		"\"start\":\"2024-01-01T09:00:00+09:00\",\"stop\":\"2024-01-01T09:01:00+09:00\","
		"\"at\":\"2024-01-01T00:01:00+00:00\"}]}";
	assert_int_equal(validate_toggl_report_row(S(row), &W, &r), 0);
	assert_int_equal(validate_toggl_report_row(S(
		"{\"user_id\":1,\"tag_ids\":[\"x\"],\"time_entries\":[]}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "tag_ids"));
	assert_int_equal(validate_toggl_report_row(S("{\"user_id\":1,\"time_entries\":{}}"),
						   &W, &r), -1);
	assert_non_null(strstr(r.reason, "time_entries"));
	assert_int_equal(validate_toggl_report_entry(S(
		"{\"id\":5,\"seconds\":60,\"start\":\"2024-01-01T09:00:00+09:00\","
		"\"stop\":\"2024-01-01T09:01:00+09:00\"}"), &W, &r), 0);
	assert_int_equal(validate_toggl_report_entry(S(
		"{\"id\":5,\"seconds\":60.5,\"start\":\"2024-01-01T09:00:00+09:00\"}"),
		&W, &r), -1);
	assert_string_equal(r.id, "5");
	assert_non_null(strstr(r.reason, "seconds"));
	assert_int_equal(validate_toggl_report_entry(S(
		"{\"id\":6,\"seconds\":-60,\"start\":\"2024-01-01T09:00:00+09:00\"}"),
		&W, &r), -1);
}

static void test_gcal(void **state)
{
	struct validate_result r;
	(void)state;
	assert_int_equal(validate_gcal_event(S(
		"{\"kind\":\"calendar#event\",\"id\":\"ev1\",\"status\":\"confirmed\","
		"\"summary\":\"会議\",\"start\":{\"dateTime\":\"2026-12-01T09:00:00+09:00\"},"
		"\"end\":{\"dateTime\":\"2026-12-01T10:00:00+09:00\"},"
		"\"updated\":\"2026-11-30T01:02:03.000Z\"}"), &W, &r), 0);
	assert_string_equal(r.id, "ev1");
	assert_int_equal(validate_gcal_event(S(
		"{\"id\":\"hol\",\"start\":{\"date\":\"2026-01-01\"},"
		"\"end\":{\"date\":\"2026-01-02\"}}"), &W, &r), 0);
	/* A cancelled item in its minimal form. */
	assert_int_equal(validate_gcal_event(S(
		"{\"kind\":\"calendar#event\",\"etag\":\"\\\"1\\\"\",\"id\":\"gone\","
		"\"status\":\"cancelled\"}"), &W, &r), 0);
	assert_int_equal(validate_gcal_event(S(
		"{\"id\":\"bad1\",\"start\":{\"dateTime\":\"2026-99-99T99:99:99Z\"},"
		"\"end\":{\"dateTime\":\"2026-12-01T10:00:00Z\"}}"), &W, &r), -1);
	assert_string_equal(r.id, "bad1");
	assert_non_null(strstr(r.reason, "start.dateTime"));
	assert_int_equal(validate_gcal_event(S(
		"{\"id\":\"bad2\",\"start\":{\"date\":\"2026-02-30\"}}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "start.date"));
	assert_int_equal(validate_gcal_event(S(
		"{\"id\":\"bad3\",\"start\":\"2026-01-01\"}"), &W, &r), -1);
	assert_int_equal(validate_gcal_event(S(
		"{\"id\":\"bad4\",\"summary\":\"\\u0000\"}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "summary"));
	assert_int_equal(validate_gcal_event(S(
		"{\"id\":\"bad5\",\"start\":{\"dateTime\":\"2026-12-01T10:00:00Z\"},"
		"\"end\":{\"dateTime\":\"2026-12-01T09:00:00Z\"}}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "before"));
	assert_int_equal(validate_gcal_event(S("{\"summary\":\"x\"}"), &W, &r), -1);
	assert_int_equal(validate_gcal_event(S(
		"{\"id\":\"bad6\",\"updated\":\"never\"}"), &W, &r), -1);
}

/* The pre-pass marks exactly the unpaired surrogate escapes, at the same
 * length; the checks then reject the item naming the member; unmarking
 * gives back the bytes as sent. */
static void test_lone_surrogates(void **state)
{
	static const struct {
		const char *in;
		size_t marks;
	} cases[] = {
		{ "[{\"id\":1,\"description\":\"a\\ud800b\"}]", 1 },
		{ "[{\"id\":1,\"description\":\"\\uDBFF\\u0041\"}]", 1 },
		{ "[{\"id\":1,\"description\":\"\\udc00\"}]", 1 },
		{ "[{\"id\":1,\"description\":\"\\ud800\"}]", 1 },   /* at the end */
		{ "[{\"id\":1,\"description\":\"\\ud800\\ud800\\udc00\"}]", 1 },
		{ "[{\"id\":1,\"description\":\"\\ud83d\\ude00\"}]", 0 },  /* a pair */
		{ "[{\"id\":1,\"description\":\"\\\\ud800\"}]", 0 },  /* escaped backslash */
		{ "[{\"id\":1,\"description\":\"\\\"\\ud800\"}]", 1 },  /* after \" */
		{ "[{\"id\":1,\"description\":\"\\u00e9\"}]", 0 },
		{ "[{\"id\":1,\"des\\udfffcription\":\"x\"}]", 1 },      /* in a key */
		{ "[{\"id\":1,\"description\":\"\\ud8\"}]", 0 },         /* malformed: left */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256];
		size_t n = strlen(cases[i].in);
		struct jv_span *items;
		size_t nitems;
		struct validate_result r;

		memcpy(buf, cases[i].in, n + 1);
		if (validate_mark_lone_surrogates(buf, n) != cases[i].marks)
			fail_msg("marks for %s", cases[i].in);
		assert_int_equal(strlen(buf), n);
		if (cases[i].marks == 0) {
			assert_string_equal(buf, cases[i].in);
			continue;
		}
		assert_int_equal(jv_array_items(S(buf), &items, &nitems), 0);
		assert_int_equal(nitems, 1);
		assert_int_equal(validate_toggl_entry(items[0], &W, &r), -1);
		assert_string_equal(r.id, "1");
		if (!strstr(r.reason, "an unpaired surrogate escape"))
			fail_msg("reason '%s' for %s", r.reason, cases[i].in);
		free(items);
		validate_unmark_lone_surrogates(buf, n);
		assert_string_equal(buf, cases[i].in);
	}
	/* Valid UTF-8 never looks like a mark. */
	char ok[] = "[\"\xc3\xbf\xc3\xbe d800\"]";
	assert_int_equal(validate_mark_lone_surrogates(ok, strlen(ok)), 0);
}

/* Master tables. */
static void test_masters(void **state)
{
	struct validate_result r;
	(void)state;
	assert_int_equal(validate_toggl_master("projects", S(
		"{\"id\":201,\"workspace_id\":4567890123,\"client_id\":null,\"name\":\"P\","
		"\"active\":true,\"at\":\"2026-12-01T10:00:00+00:00\",\"color\":\"#fff\","
		"\"server_deleted_at\":null,\"wid\":4567890123,\"cid\":null}"), &W, &r), 0);
	assert_string_equal(r.id, "201");
	assert_int_equal(validate_toggl_master("projects", S(
		"{\"id\":201,\"name\":\"P\",\"active\":\"yes\"}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "\"active\" is not true or false"));
	assert_int_equal(validate_toggl_master("projects", S(
		"{\"id\":201,\"name\":\"P\",\"cid\":0}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "\"cid\" is not a positive 64-bit integer"));
	assert_int_equal(validate_toggl_master("clients", S(
		"{\"id\":9223372036854775808,\"name\":\"C\"}"), &W, &r), -1);
	assert_string_equal(r.id, "");
	assert_int_equal(validate_toggl_master("clients", S(
		"{\"id\":3,\"name\":\"a\\u0000b\"}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "\"name\" holds"));
	assert_int_equal(validate_toggl_master("clients", S("{\"id\":3}"), &W, &r), -1);
	assert_non_null(strstr(r.reason, "\"name\" is missing"));
	assert_int_equal(validate_toggl_master("tags", S(
		"{\"id\":5,\"workspace_id\":\"x\",\"name\":\"t\"}"), &W, &r), -1);
	assert_int_equal(validate_toggl_master("tags", S(
		"{\"id\":5,\"name\":\"t\",\"at\":\"2026-12-01T10:00:00.123456Z\"}"), &W, &r), 0);
	assert_int_equal(validate_gcal_calendar(S(
		"{\"id\":\"a@b\",\"summary\":\"x\",\"primary\":true,\"selected\":true}"),
		&W, &r), 0);
	assert_int_equal(validate_gcal_calendar(S("{\"id\":\"\",\"summary\":\"x\"}"), &W, &r), -1);
	assert_int_equal(validate_gcal_calendar(S("{\"id\":\"a\",\"summary\":7}"), &W, &r), -1);
	assert_string_equal(r.id, "a");
	assert_int_equal(validate_gcal_color(S("{\"background\":\"#a4bdfc\",\"foreground\":\"#1d1d1d\"}"),
					     &W, &r), 0);
	assert_int_equal(validate_gcal_color(S("{\"background\":5}"), &W, &r), -1);
	assert_int_equal(validate_gcal_color(S("[1]"), &W, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toggl_good),
		cmocka_unit_test(test_toggl_hostile),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_gcal),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_masters),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
