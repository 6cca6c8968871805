/*
 * fuzz_gcal_events: a Google events.list (or calendarList) page as the
 * connector judges it before storing anything: the page check (items a
 * list; a page token or a sync token), then each event's id and its start
 * and end (dateTime RFC 3339, date YYYY-MM-DD), as staging will read them.
 */
#include <cjson/cJSON.h>

#include "connectors/gcal.h"
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

static void check_when(const cJSON *when)
{
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(when, "dateTime");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(when, "date");
	int64_t usec;
	int32_t day;
	char buf[32];
	if (cJSON_IsString(dt))
		(void)time_parse_rfc3339(dt->valuestring, &usec, NULL);
	if (cJSON_IsString(d) && time_parse_date(d->valuestring, &day) == 0) {
		time_format_date(day, buf, sizeof(buf));
		FUZZ_ASSERT(strcmp(buf, d->valuestring) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	cJSON *page = cJSON_ParseWithLength((const char *)data, size);
	int list_ok = gcal_check_page(page, "calendarList", 0, err, sizeof(err));
	int events_ok = gcal_check_page(page, "events.list", 1, err, sizeof(err));
	const cJSON *item;

	/* A page good enough for events is good enough for the list. */
	if (events_ok == 0)
		FUZZ_ASSERT(list_ok == 0);
	if (list_ok != 0) {
		FUZZ_ASSERT(strstr(err, "nothing was changed") != NULL);
		cJSON_Delete(page);
		return 0;
	}
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(page, "items")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
		if (!cJSON_IsString(id) || !*id->valuestring)
			continue;
		check_when(cJSON_GetObjectItemCaseSensitive(item, "start"));
		check_when(cJSON_GetObjectItemCaseSensitive(item, "end"));
		check_when(cJSON_GetObjectItemCaseSensitive(item, "originalStartTime"));
	}
	cJSON_Delete(page);
	return 0;
}
