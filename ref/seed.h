/*
 * seed: loads what a person configures into ref — categories.csv
 * (category, display_name, coarse_group, color, sort_order),
 * category_rules.csv (priority, match_on, pattern, category) and the public
 * holidays of the holiday calendar (from raw.google_calendar__events).
 *
 * Both files are read and checked completely before anything is written; a
 * malformed line fails the seed with "FILE:LINE: reason" and nothing is
 * loaded.  Everything is written in one transaction.  Untracked and
 * Uncategorized are added with defaults when the file leaves them out.
 * Rules are replaced only when they differ (rule ids stay stable); a
 * category that left the file is removed unless a goal still names it.
 */
#ifndef DWHBI_TRANSFORM_SEED_H
#define DWHBI_TRANSFORM_SEED_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct seed_opts {
	const char *config_dir;            /* NULL = the files built into dwhbi */
	const char *holiday_calendar_id;   /* NULL = leave ref.holidays alone */
	const char *encoding;              /* the files' encoding (iconv name) when
	                                      they are not UTF-8; NULL = UTF-8 */
};

struct seed_result {
	int categories;          /* rows in categories.csv (plus defaults) */
	int rules;               /* rows in category_rules.csv */
	int64_t rows_written;
	int64_t rows_deleted;
	int holidays;            /* days in the holiday calendar, -1 if not loaded */
};

int seed_run(PGconn *db, const struct seed_opts *opts, struct seed_result *res,
	     char *err, size_t errlen);

#endif
