/*
 * progress: the progress line of a job over a range of days (progress.h).
 */
#include "lib/progress.h"

#include <stdio.h>

#include "lib/log.h"
#include "lib/timeutil.h"

void range_progress_init(struct range_progress *p, const char *what, int32_t from,
			 int32_t to, int32_t start_day, int64_t now_usec)
{
	p->what = what;
	p->from = from;
	p->to = to;
	if (start_day < from)
		start_day = from;
	if (start_day > to + 1)
		start_day = to + 1;
	p->start_day = start_day;
	p->reached = start_day - 1;
	p->pages = 0;
	p->rows = 0;
	p->start_usec = now_usec;
}

void range_progress_page(struct range_progress *p, int64_t rows, int32_t day)
{
	p->pages++;
	if (rows > 0)
		p->rows += rows;
	if (day > p->to)
		day = p->to;
	if (day > p->reached)
		p->reached = day;
}

void progress_duration(int64_t s, char *out, size_t outlen)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(out, outlen, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, outlen, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(out, outlen, "%lldh%02lldm", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
}

void range_progress_format(const struct range_progress *p, int64_t now_usec, char *out,
			   size_t outlen)
{
	char from[16], to[16], at[16], left[32];
	double elapsed = (double)(now_usec - p->start_usec) / USEC_PER_SEC;
	int64_t days = (int64_t)p->to - p->from + 1;
	int64_t done_days = (int64_t)p->reached - p->from + 1;
	int64_t run_days = (int64_t)p->reached - p->start_day + 1;
	int64_t todo_days = (int64_t)p->to - p->reached;
	int n;

	time_format_date(p->from, from, sizeof(from));
	time_format_date(p->to, to, sizeof(to));
	n = snprintf(out, outlen, "%s %s..%s: page %lld, %lld entries", p->what, from, to,
		     (long long)p->pages, (long long)p->rows);
	if (n < 0 || (size_t)n >= outlen)
		return;
	if (done_days > 0) {
		time_format_date(p->reached, at, sizeof(at));
		n += snprintf(out + n, outlen - (size_t)n, ", at %s (%lld%%)", at,
			      (long long)(done_days * 100 / days));
	} else {
		n += snprintf(out + n, outlen - (size_t)n, ", at the start (0%%)");
	}
	if ((size_t)n >= outlen)
		return;
	if (elapsed >= 0.5) {
		n += snprintf(out + n, outlen - (size_t)n, ", %.0f entries/s",
			      (double)p->rows / elapsed);
		if ((size_t)n >= outlen)
			return;
	}
	if (todo_days <= 0) {
		snprintf(out + n, outlen - (size_t)n, ", done");
	} else if (run_days > 0 && elapsed >= 0.5) {
		progress_duration((int64_t)(elapsed * (double)todo_days / (double)run_days + 0.5),
				  left, sizeof(left));
		snprintf(out + n, outlen - (size_t)n, ", about %s left", left);
	} else {
		snprintf(out + n, outlen - (size_t)n, ", time left not known yet");
	}
}

void range_progress_show(const struct range_progress *p)
{
	char line[256];

	if (!log_progress_wanted())
		return;
	range_progress_format(p, time_now_usec(), line, sizeof(line));
	log_progress("%s", line);
}
