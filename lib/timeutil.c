/*
 * timeutil: RFC 3339 parsing and calendar arithmetic without the C library's
 * time zone state, plus local-day functions that use the tz database through
 * TZ/tzset.  The process's TZ is switched to the requested zone and left
 * there; nothing in dwhbi uses the process zone otherwise.
 */
#include "lib/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

/* Howard Hinnant's days_from_civil / civil_from_days algorithms. */
int32_t time_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void time_civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int64_t zz = (int64_t)z + 719468;
	int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
	unsigned doe = (unsigned)(zz - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int time_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int w = (int)((day % 7 + 7) % 7);
	return (w + 3) % 7;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, m) || s[7] != '-' ||
	    digits(s + 8, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

int time_parse_date(const char *s, int32_t *day)
{
	int y, m, d;

	if (!s || strlen(s) != 10 || parse_ymd(s, &y, &m, &d))
		return -1;
	*day = time_days_from_civil(y, m, d);
	return 0;
}

int time_parse_date_range(const char *s, int32_t *from, int32_t *to)
{
	char a[11];

	if (!s || strlen(s) != 22 || s[10] != '.' || s[11] != '.')
		return -1;
	memcpy(a, s, 10);
	a[10] = '\0';
	if (time_parse_date(a, from) < 0 || time_parse_date(s + 12, to) < 0)
		return -1;
	return *from <= *to ? 0 : -1;
}

int time_parse_rfc3339(const char *s, int64_t *usec, int *offset_min)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t frac = 0;
	const char *p;

	if (!s || strlen(s) < 20 || parse_ymd(s, &y, &mo, &d))
		return -1;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	if (digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	/* 60 is a leap second; it is folded into the next second. */
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		int n = 0;
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, n++) {
			if (n < 6)
				frac = frac * 10 + (*p - '0');
		}
		for (; n < 6; n++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(p, 2, &oh))
			return -1;
		p += 2;
		if (*p == ':')
			p++;
		if (digits(p, 2, &om))
			return -1;
		p += 2;
		if (oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	int off = sign * (oh * 60 + om);
	int64_t secs = (int64_t)time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	secs -= (int64_t)off * 60;
	*usec = secs * USEC_PER_SEC + frac;
	if (offset_min)
		*offset_min = off;
	return 0;
}

void time_format_date(int32_t day, char *out, size_t outlen)
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

void time_format_rfc3339(int64_t usec, char *out, size_t outlen)
{
	int64_t secs = floor_div(usec, USEC_PER_SEC);
	int64_t day = floor_div(secs, 86400);
	int64_t rem = secs - day * 86400;
	int y, m, d;

	time_civil_from_days((int32_t)day, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

int64_t time_now_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * USEC_PER_SEC + tv.tv_usec;
}

/* ---- local days ---------------------------------------------------------- */

static char current_zone[128];

int tz_valid(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;

	if (!zone || !*zone || strlen(zone) >= sizeof(current_zone) || zone[0] == '/' ||
	    strstr(zone, ".."))
		return -1;
	for (const char *p = zone; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return -1;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return -1;
	return 0;
}

static int use_zone(const char *zone)
{
	if (!strcmp(current_zone, zone))
		return 0;
	if (tz_valid(zone))
		return -1;
	if (setenv("TZ", zone, 1))
		return -1;
	tzset();
	snprintf(current_zone, sizeof(current_zone), "%s", zone);
	return 0;
}

int tz_local_day(const char *zone, int64_t usec, int32_t *day)
{
	time_t t = (time_t)floor_div(usec, USEC_PER_SEC);
	struct tm tm;

	if (use_zone(zone) || !localtime_r(&t, &tm))
		return -1;
	*day = time_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return 0;
}

int tz_day_start(const char *zone, int32_t day, int64_t *usec)
{
	struct tm tm;
	int y, m, d;
	time_t t;

	if (use_zone(zone))
		return -1;
	time_civil_from_days(day, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 && !(y == 1969 && m == 12 && d == 31))
		return -1;
	/* Where midnight does not exist (a DST gap at 00:00), mktime moves
	 * forward: the day starts at its first existing instant.  Guard against
	 * a zone where it moved back into the previous day. */
	int32_t got;
	if (tz_local_day(zone, (int64_t)t * USEC_PER_SEC, &got))
		return -1;
	if (got != day)
		t += 3600;
	*usec = (int64_t)t * USEC_PER_SEC;
	return 0;
}

int tz_split(const char *zone, int64_t start, int64_t stop,
	     struct day_piece *out, int max)
{
	int n = 0;
	int64_t at = start;

	if (stop < start)
		return -1;
	while (at < stop) {
		int32_t day;
		int64_t next;

		if (tz_local_day(zone, at, &day) || tz_day_start(zone, day + 1, &next))
			return -1;
		if (next <= at)
			return -1;
		if (n < max) {
			out[n].day = day;
			out[n].start = at;
			out[n].stop = next < stop ? next : stop;
		}
		n++;
		at = next;
	}
	return n;
}

void time_last_month(const char *zone, char *out, size_t outlen)
{
	int32_t today;
	int y, m, d;

	if (!zone || tz_local_day(zone, time_now_usec(), &today) < 0)
		tz_local_day("UTC", time_now_usec(), &today);
	time_civil_from_days(today, &y, &m, &d);
	if (--m == 0) {
		m = 12;
		y--;
	}
	snprintf(out, outlen, "%04d-%02d", y, m);
}
