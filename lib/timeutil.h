/*
 * timeutil: RFC 3339 parsing and local-day arithmetic in an IANA zone.
 *
 * Instants are int64 microseconds since the UNIX epoch (UTC).  Dates are
 * int32 day numbers (days since 1970-01-01, proleptic Gregorian).  Local-day
 * functions take an IANA zone name and never depend on the process's or the
 * database session's zone.  All functions return -1 on bad input.
 */
#ifndef DWHBI_TIMEUTIL_H
#define DWHBI_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define USEC_PER_SEC INT64_C(1000000)

/* Accepts "2024-12-16T17:05:25+00:00", "...Z", fractional seconds of any
 * length ("...05.694469Z"), lower-case t/z, and offsets like +09:00 / -0500.
 * *offset_min (may be NULL) receives the written offset in minutes. */
int time_parse_rfc3339(const char *s, int64_t *usec, int *offset_min);
/* "YYYY-MM-DD" -> day number. */
int time_parse_date(const char *s, int32_t *day);
/* "YYYY-MM-DD..YYYY-MM-DD" (inclusive, FROM <= TO) -> day numbers. */
int time_parse_date_range(const char *s, int32_t *from, int32_t *to);
int32_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int32_t day, int *y, int *m, int *d);
/* 0 = Monday ... 6 = Sunday (ISO). */
int time_weekday(int32_t day);
/* Writes "YYYY-MM-DD". */
void time_format_date(int32_t day, char *out, size_t outlen);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (whole seconds, UTC). */
void time_format_rfc3339(int64_t usec, char *out, size_t outlen);
int64_t time_now_usec(void);

/* 0 if zone names an IANA zone this machine knows (e.g. "Asia/Tokyo"). */
int tz_valid(const char *zone);
/* The local calendar day of an instant in zone. */
int tz_local_day(const char *zone, int64_t usec, int32_t *day);
/* "YYYY-MM" of the last complete month before today in zone (UTC when the
 * zone cannot be used).  The one definition of "last month" for `run
 * monthly`, the console and the report's defaults. */
void time_last_month(const char *zone, char *out, size_t outlen);
/* The instant of local midnight starting day in zone (handles DST days of
 * 23 and 25 hours). */
int tz_day_start(const char *zone, int32_t day, int64_t *usec);

struct day_piece {
	int32_t day;      /* local day */
	int64_t start;    /* usec, inclusive */
	int64_t stop;     /* usec, exclusive */
};
/* Splits [start, stop) at local midnights in zone.  Writes at most max pieces
 * into out and returns how many there are (may exceed max: then the caller
 * passes a bigger array), or -1. */
int tz_split(const char *zone, int64_t start, int64_t stop,
	     struct day_piece *out, int max);

#endif
