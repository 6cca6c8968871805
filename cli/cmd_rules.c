/*
 * cmd_rules: `dwhbi rules suggest` lists what no category rule maps — Toggl
 * projects, tags or descriptions, calendar summaries — with its minutes,
 * most first, and prints rule lines ready to append to category_rules.csv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/buf.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/query.h"
#include "lib/timeutil.h"

const char cmd_rules_summary[] = "suggest category rules for what no rule maps";
const char cmd_rules_usage[] =
	"usage: dwhbi rules suggest [--from DATE] [--to DATE] [--csv]\n"
	"\n"
	"Lists the Toggl projects (for entries without one: their first tag, else\n"
	"their description) and the calendar event summaries that no rule of\n"
	"category_rules.csv maps, so their time lands in Uncategorized, with the\n"
	"minutes over the range, most first.  The guess is a category named like\n"
	"the pattern (its name or display name), else the category the other\n"
	"source has at the same times (the plan under an entry, the actual under\n"
	"an event) when it covers at least half of the minutes.  Reads the core\n"
	"tables: run it after 'dwhbi transform'.\n"
	"\n"
	"  --from DATE, --to DATE   local days to look at (default: all history)\n"
	"  --csv                    print only rule lines (priority,match_on,pattern,\n"
	"                           category) to append to config/category_rules.csv;\n"
	"                           edit the category of each, then 'dwhbi seed'\n";

/* A CSV field, quoted when it needs to be. */
static void csv_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

int cmd_rules(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *from = "0001-01-01", *to = "9999-12-31";
	char err[1024];
	int csv = 0, noguess = 0;
	int32_t day;
	PGresult *res;

	if (argc < 2 || strcmp(argv[1], "suggest"))
		return cmd_bad_usage("rules", "say 'rules suggest'");
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if ((!strcmp(a, "--from") || !strcmp(a, "--to")) && i + 1 < argc) {
			if (opt_date("rules", a, argv[i + 1], &day))
				return 2;
			if (!strcmp(a, "--from"))
				from = argv[++i];
			else
				to = argv[++i];
		} else if (!strcmp(a, "--csv")) {
			csv = 1;
		} else {
			return cmd_bad_usage("rules", "unknown option '%s'", a);
		}
	}
	if (query_require_relation(ctx->db, "core.actual_records", "run 'dwhbi transform' first",
				   err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	const char *params[2] = { from, to };
	res = query_file(ctx->db, "ref/rules_unmapped.sql", 2, params, err, sizeof(err));
	if (!res) {
		log_error("cannot list what no rule maps: %s", err);
		return 1;
	}
	if (PQntuples(res) == 0 && !csv)
		printf("every entry and event of the range is mapped by a rule\n");
	if (!csv && PQntuples(res) > 0)
		printf("%-6s %-14s %-32s %9s %6s  %s\n", "source", "match_on", "pattern", "h:mm",
		       "items", "guess");
	for (int i = 0; i < PQntuples(res); i++) {
		const char *match_on = PQgetvalue(res, i, 1), *pattern = PQgetvalue(res, i, 2);
		const char *guess = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5);
		long long min = strtoll(PQgetvalue(res, i, 3), NULL, 10);

		if (!guess)
			noguess++;
		if (csv) {
			struct buf line = BUF_INIT;
			buf_puts(&line, "50,");
			buf_puts(&line, match_on);
			buf_putc(&line, ',');
			csv_field(&line, pattern);
			buf_putc(&line, ',');
			buf_puts(&line, guess ? guess : "Uncategorized");
			puts(line.data);
			buf_release(&line);
		} else {
			printf("%-6s %-14s %-32s %6lld:%02lld %6s  %s\n", PQgetvalue(res, i, 0),
			       match_on, pattern, min / 60, min % 60, PQgetvalue(res, i, 4),
			       guess ? guess : "-");
		}
	}
	if (csv && noguess)
		log_warn("%d line%s without a guess say Uncategorized: edit their category", noguess,
			 noguess == 1 ? "" : "s");
	else if (!csv && PQntuples(res) > 0)
		printf("\nTo map them: dwhbi rules suggest --csv >> config/category_rules.csv, edit the\n"
		       "categories, then dwhbi seed --config config && dwhbi transform\n");
	PQclear(res);
	return 0;
}
