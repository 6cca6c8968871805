/*
 * progress: the progress line of a long job over a range of days (the
 * Toggl backfill): pages and rows done, the day reached within the range
 * that was asked, the rate and the time left, e.g.
 *   toggl: backfill 2024-01-01..2026-11-26: page 12, 5400 entries,
 *   at 2024-07-14 (18%), 182 entries/s, about 3m10s left
 * The time left is the elapsed time scaled by the days still to go over the
 * days covered in this run (a resumed run measures from where it resumed).
 * The line goes out through log_progress(), so it shows only on a terminal
 * (or when DWHBI_PROGRESS=1 forces it, see log.h).
 */
#ifndef DWHBI_PROGRESS_H
#define DWHBI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct range_progress {
	const char *what;       /* "toggl: backfill" */
	int32_t from, to;       /* the asked range, inclusive day numbers */
	int32_t start_day;      /* the first day this run works on */
	int32_t reached;        /* the last day reached, start_day - 1 = none */
	int64_t pages, rows;    /* done in this run */
	int64_t start_usec;     /* when this run started */
};

/* start_day: from, or where a resumed run picks up. */
void range_progress_init(struct range_progress *p, const char *what, int32_t from,
			 int32_t to, int32_t start_day, int64_t now_usec);
/* A page is done: rows more rows, and the range is covered up to day
 * (never moves back; clamped to the range). */
void range_progress_page(struct range_progress *p, int64_t rows, int32_t day);
/* The line as of now_usec. */
void range_progress_format(const struct range_progress *p, int64_t now_usec, char *out,
			   size_t outlen);
/* Formats and sends it with log_progress(). */
void range_progress_show(const struct range_progress *p);

/* A duration as "45s", "3m10s", "2h05m". */
void progress_duration(int64_t seconds, char *out, size_t outlen);

#endif
