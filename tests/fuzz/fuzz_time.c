/*
 * fuzz_time: lib/timeutil's parsers on any text: RFC 3339 timestamps, dates,
 * Toggl's FROM..TO ranges and zone names.  What parses must format and
 * parse back to the same value (to the second for timestamps), within the
 * years the formats can print.
 */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char buf[64];
	int64_t usec, again;
	int32_t day, from, to;
	int off;

	if (time_parse_rfc3339(s, &usec, &off) == 0) {
		FUZZ_ASSERT(off >= -24 * 60 && off <= 24 * 60);
		time_format_rfc3339(usec, buf, sizeof(buf));
		int64_t whole = usec - ((usec % USEC_PER_SEC) + USEC_PER_SEC) % USEC_PER_SEC;
		if (time_parse_rfc3339(buf, &again, NULL) == 0)
			FUZZ_ASSERT(again == whole);
		else  /* only a year the format cannot hold fails to come back */
			FUZZ_ASSERT(buf[0] == '-' || strlen(buf) > 20);
	}
	if (time_parse_date(s, &day) == 0) {
		int y, m, d;
		time_civil_from_days(day, &y, &m, &d);
		FUZZ_ASSERT(m >= 1 && m <= 12 && d >= 1 && d <= 31);
		FUZZ_ASSERT(time_days_from_civil(y, m, d) == day);
		FUZZ_ASSERT(time_weekday(day) >= 0 && time_weekday(day) <= 6);
		time_format_date(day, buf, sizeof(buf));
		FUZZ_ASSERT(time_parse_date(buf, &from) == 0 && from == day);
	}
	if (toggl_parse_range(s, &from, &to) == 0)
		FUZZ_ASSERT(from <= to);
	(void)tz_valid(s);
	free(s);
	return 0;
}
