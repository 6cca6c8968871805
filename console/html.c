/*
 * html: escaping and formatting for the console's pages (see html.h).
 */
#include "console/html.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"

void html_escape(struct buf *b, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *s); break;
		}
	}
}

void html_urlencode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~') {
			buf_putc(b, (char)c);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

void html_value(struct buf *b, const cJSON *item, const char *dash)
{
	if (!item || cJSON_IsNull(item)) {
		buf_puts(b, dash);
	} else if (cJSON_IsString(item)) {
		html_escape(b, item->valuestring);
	} else if (cJSON_IsBool(item)) {
		buf_puts(b, cJSON_IsTrue(item) ? "yes" : "no");
	} else if (cJSON_IsNumber(item)) {
		double v = item->valuedouble;
		if (v == floor(v) && fabs(v) < 9e15)
			buf_printf(b, "%.0f", v);
		else
			buf_printf(b, "%.2f", v);
	} else {
		buf_puts(b, dash);
	}
}

void html_local_time(struct buf *b, const char *iso, const char *zone)
{
	int64_t usec, midnight;
	int32_t day;
	char date[16];

	if (!iso || time_parse_rfc3339(iso, &usec, NULL) < 0 ||
	    tz_local_day(zone, usec, &day) < 0 ||
	    tz_day_start(zone, day, &midnight) < 0) {
		buf_puts(b, "—");
		return;
	}
	int64_t secs = (usec - midnight) / USEC_PER_SEC;
	time_format_date(day, date, sizeof(date));
	buf_printf(b, "%s %02d:%02d", date, (int)(secs / 3600),
		   (int)(secs / 60 % 60));
}

void html_age(struct buf *b, const char *iso, int64_t now_usec)
{
	int64_t usec;

	if (!iso || time_parse_rfc3339(iso, &usec, NULL) < 0)
		return;
	int64_t s = (now_usec - usec) / USEC_PER_SEC;
	if (s < 0)
		s = 0;
	if (s < 10)
		buf_puts(b, "just now");
	else if (s < 60)
		buf_printf(b, "%d s ago", (int)s);
	else if (s < 3600)
		buf_printf(b, "%d min ago", (int)(s / 60));
	else if (s < 2 * 86400)
		buf_printf(b, "%d h ago", (int)(s / 3600));
	else
		buf_printf(b, "%d d ago", (int)(s / 86400));
}

void html_duration(struct buf *b, double seconds)
{
	if (!(seconds >= 0)) {
		buf_puts(b, "—");
		return;
	}
	long s = lround(seconds);
	if (seconds < 9.95)
		buf_printf(b, "%.1f s", seconds);   /* most jobs take seconds */
	else if (s < 60)
		buf_printf(b, "%ld s", s);
	else if (s < 3600)
		buf_printf(b, "%ld min %ld s", s / 60, s % 60);
	else
		buf_printf(b, "%ld h %02ld min", s / 3600, s / 60 % 60);
}

void html_minutes(struct buf *b, double minutes)
{
	if (isnan(minutes)) {
		buf_puts(b, "—");
		return;
	}
	long m = lround(minutes);
	const char *sign = m < 0 ? "−" : "";
	if (m < 0)
		m = -m;
	if (m < 60)
		buf_printf(b, "%s%ld min", sign, m);
	else if (m % 60 == 0)
		buf_printf(b, "%s%ld h", sign, m / 60);
	else
		buf_printf(b, "%s%ld h %02ld min", sign, m / 60, m % 60);
}
