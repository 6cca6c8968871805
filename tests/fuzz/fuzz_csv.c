/*
 * fuzz_csv: lib/csv on any bytes: every record is read or an error comes
 * back with a line number, the reader always moves forward, and a header
 * record is mapped onto the categories.csv columns.
 */
#include <stdio.h>

#include "lib/csv.h"
#include "lib/log.h"
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
	static const char *const names[] = { "category", "parent", "color", "goal_minutes" };
	struct csv_reader r;
	struct csv_record rec;
	char err[256];
	int idx[4], rc, first = 1, last_line = 0;
	size_t pos = 0;

	csv_reader_init(&r, (const char *)data, size);
	csv_record_init(&rec);
	while ((rc = csv_next(&r, &rec, err, sizeof(err))) == 1) {
		FUZZ_ASSERT(r.pos > pos || size == 0);
		FUZZ_ASSERT(r.pos <= size);
		FUZZ_ASSERT(rec.line >= last_line && rec.line >= 1);
		pos = r.pos;
		last_line = rec.line;
		for (int i = 0; i < rec.n; i++)
			FUZZ_ASSERT(rec.fields[i] != NULL);
		(void)csv_field(&rec, rec.n);
		(void)csv_field(&rec, -1);
		if (first)
			(void)csv_header(&rec, names, 4, 1, idx, err, sizeof(err));
		first = 0;
	}
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc == -1)
		FUZZ_ASSERT(err[0] != '\0' && rec.line >= 1);
	csv_record_release(&rec);
	return 0;
}
