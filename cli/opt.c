/*
 * opt: option value parsing with one wording for the commands (see opt.h).
 */
#include "cli/opt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "lib/timeutil.h"

int opt_parse_int(const char *s, long long lo, long long hi, long long *out)
{
	const char *d = s && *s == '-' && lo < 0 ? s + 1 : s;
	char *end;
	long long v;

	if (!d || !*d || strspn(d, "0123456789") != strlen(d))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int opt_parse_id(const char *s, int64_t *id)
{
	long long v;

	if (opt_parse_int(s, 1, INT64_MAX, &v) < 0)
		return -1;
	*id = v;
	return 0;
}

int opt_int(const char *cmd, const char *opt, const char *value, int lo, int hi,
	    const char *unit, int *out)
{
	long long v;

	if (opt_parse_int(value, lo, hi, &v) < 0)
		return cmd_bad_usage(cmd, "%s: '%s' is not a whole number%s%s from %d to %d", opt,
				     value ? value : "", unit ? " of " : "", unit ? unit : "",
				     lo, hi);
	*out = (int)v;
	return 0;
}

int opt_date(const char *cmd, const char *opt, const char *value, int32_t *day)
{
	if (time_parse_date(value, day) < 0)
		return cmd_bad_usage(cmd, "%s: '%s' is not a date; %s needs a date YYYY-MM-DD",
				     opt, value ? value : "", opt);
	return 0;
}

int opt_date_range(const char *cmd, const char *opt, const char *value, int max_days,
		   int32_t *from, int32_t *to)
{
	char within[48] = "";

	if (time_parse_date_range(value, from, to) == 0 &&
	    (max_days <= 0 || *to - *from <= max_days))
		return 0;
	if (max_days > 0)
		snprintf(within, sizeof(within), ", at most %d days apart", max_days);
	return cmd_bad_usage(cmd, "%s: '%s' is not a range FROM..TO of dates YYYY-MM-DD with "
			     "FROM <= TO%s (e.g. 2024-01-01..2024-12-31)", opt,
			     value ? value : "", within);
}
