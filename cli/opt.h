/*
 * opt: the parsing of option values, shared by every command (cli/ only:
 * nothing outside cli/ reads argv).
 *
 * The opt_* checks take the command's name, the option and its value; bad
 * input is reported with one wording that names the option and the value,
 *     dwhbi CMD: OPTION: 'VALUE' is not <what it needs> (try 'dwhbi CMD --help')
 * through cmd_bad_usage, and they return 2 (the usage exit code; 0 when the
 * value is good), so a command writes `if (opt_int(...)) return 2;`.
 * The opt_parse_* only parse (0 or -1) for callers with their own wording.
 */
#ifndef DWHBI_OPT_H
#define DWHBI_OPT_H

#include <stdint.h>

/* Decimal digits (an optional '-' before them when lo < 0) with a value from
 * lo to hi: no blanks, no '+', nothing after the digits, no overflow. */
int opt_parse_int(const char *s, long long lo, long long hi, long long *out);
/* A positive id: digits only, 1 to INT64_MAX (beyond it is refused, not
 * clamped). */
int opt_parse_id(const char *s, int64_t *id);

/* A whole number from lo to hi: "OPTION: 'VALUE' is not a whole number
 * [of UNIT] from LO to HI".  unit ("seconds", "days") may be NULL. */
int opt_int(const char *cmd, const char *opt, const char *value, int lo, int hi,
	    const char *unit, int *out);
/* A date YYYY-MM-DD: "OPTION: 'VALUE' is not a date; OPTION needs a date
 * YYYY-MM-DD". */
int opt_date(const char *cmd, const char *opt, const char *value, int32_t *day);
/* FROM..TO, both YYYY-MM-DD, FROM <= TO, and when max_days > 0 TO - FROM at
 * most max_days: "OPTION: 'VALUE' is not a range FROM..TO of dates ...". */
int opt_date_range(const char *cmd, const char *opt, const char *value, int max_days,
		   int32_t *from, int32_t *to);

#endif
