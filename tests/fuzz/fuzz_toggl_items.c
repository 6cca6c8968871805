/*
 * fuzz_toggl_items: a Toggl API v9 answer (time entries, projects, ...) as
 * the connector reads it before it is stored: JSON that must be a list,
 * ids read as exact decimal text, timestamps parsed.  An id that comes back
 * must be canonical positive decimal within int64 (no "0", "00012" or 25
 * digits), and a timestamp that parses must format and parse back to the
 * same second.
 */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "connectors/toggl.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	return 0;
}

static void check_id(const cJSON *v)
{
	char id[32];
	if (toggl_json_id(v, id, sizeof(id)) != 0)
		return;
	size_t n = strlen(id);
	long long back;
	char again[32];
	/* Canonical positive decimal within int64: prints back to itself. */
	FUZZ_ASSERT(n > 0 && n <= 19 && strspn(id, "0123456789") == n && id[0] != '0');
	FUZZ_ASSERT(toggl_parse_paging_header(id, &back) == 0 && back > 0);
	snprintf(again, sizeof(again), "%lld", back);
	FUZZ_ASSERT(strcmp(again, id) == 0);
}

static void check_time(const cJSON *v)
{
	int64_t usec, again;
	int off;
	char buf[64];
	if (!cJSON_IsString(v) || time_parse_rfc3339(v->valuestring, &usec, &off) != 0)
		return;
	FUZZ_ASSERT(off >= -24 * 60 && off <= 24 * 60);
	time_format_rfc3339(usec, buf, sizeof(buf));
	if (time_parse_rfc3339(buf, &again, NULL) == 0)
		FUZZ_ASSERT(again == usec - ((usec % USEC_PER_SEC) + USEC_PER_SEC) % USEC_PER_SEC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "id", "workspace_id", "wid", "project_id",
					   "pid", "task_id", "user_id", "uid", "client_id" };
	static const char *const times[] = { "start", "stop", "at", "server_deleted_at" };
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	const cJSON *item, *t;

	if (!cJSON_IsArray(j) && !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return 0;
	}
	cJSON_ArrayForEach(item, j) {
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			check_id(cJSON_GetObjectItemCaseSensitive(item, ids[i]));
		for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
			check_time(cJSON_GetObjectItemCaseSensitive(item, times[i]));
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(item, "tag_ids"))
			check_id(t);
		/* What a stored item looks like again, as the COPY path prints it. */
		char *again = cJSON_PrintUnformatted(item);
		free(again);
	}
	cJSON_Delete(j);
	return 0;
}
