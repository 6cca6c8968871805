/*
 * fuzz_toggl_reports: a Reports v3 search page and its paging headers.
 * The input is "X-Next-Row-Number value\nX-Next-ID value\nbody": the two
 * header values go through the strict parser (a value it accepts must be
 * plain digits, 1 .. INT64_MAX, and print back to itself), the body through
 * the identity check of a resumed page against every id the page holds.
 */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "connectors/toggl.h"
#include "lib/log.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	return 0;
}

static void check_header(const char *v)
{
	long long n;
	char back[32];
	if (toggl_parse_paging_header(v, &n) != 0)
		return;
	FUZZ_ASSERT(n >= 1);
	snprintf(back, sizeof(back), "%lld", n);
	FUZZ_ASSERT(strcmp(back, v) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *nl1 = strchr(s, '\n');
	char *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
	const char *body = s;
	size_t body_len = size;

	if (nl1 && nl2) {
		*nl1 = '\0';
		*nl2 = '\0';
		check_header(s);
		check_header(nl1 + 1);
		body = nl2 + 1;
		body_len = size - (size_t)(body - s);
	}
	cJSON *page = cJSON_ParseWithLength(body, body_len);
	const cJSON *row, *e;
	int first = 1;
	const cJSON *rows = cJSON_IsArray(page) ? page : NULL;
	cJSON_ArrayForEach(row, rows) {
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(row, "time_entries")) {
			char id[32];
			if (toggl_json_id(cJSON_GetObjectItemCaseSensitive(e, "id"), id,
					  sizeof(id)) != 0)
				continue;
			/* Every id of the first row is found; the check never
			 * reads past the first row for the others. */
			int hit = toggl_page_starts_with(page, id);
			if (first)
				FUZZ_ASSERT(hit == 1);
		}
		first = 0;
	}
	FUZZ_ASSERT(toggl_page_starts_with(page, "") == 0);
	cJSON_Delete(page);
	free(s);
	return 0;
}
