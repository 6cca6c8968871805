/*
 * cmd_quarantine: `dwhbi quarantine list|dismiss` — the upstream items the
 * connectors kept out of raw (ops.quarantine, sql/0101 and sql/0160).
 * Dismissing never deletes: the row is closed with resolution 'dismissed',
 * the dismissing run and an optional note, and stays dismissed while
 * upstream keeps sending the same bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/db.h"
#include "lib/log.h"

const char cmd_quarantine_summary[] = "list or dismiss upstream items kept out of raw";
const char cmd_quarantine_usage[] =
	"usage: dwhbi quarantine list [--all] [--json]\n"
	"       dwhbi quarantine dismiss ID [--note TEXT]\n"
	"       dwhbi quarantine dismiss --all [--note TEXT]\n"
	"\n"
	"The connectors keep an upstream item that fails their checks (a Toggl\n"
	"entry, project, client or tag; a Google event, calendar or color) out of\n"
	"raw and record it in ops.quarantine with the reason and its bytes.  A\n"
	"value fixed upstream lands on the next sync and closes its row by itself.\n"
	"\n"
	"  list             the open rows, oldest first: ID, source.entity, item,\n"
	"                   times seen, last seen (UTC), reason\n"
	"    --all          also the closed rows (landed or dismissed), with how\n"
	"    --json         one JSON array instead of the table\n"
	"  dismiss ID       close one open row as dismissed (ID from 'list'); it\n"
	"                   stays in ops.quarantine with the run and the note, and\n"
	"                   stays dismissed while upstream sends the same bytes (a\n"
	"                   changed but still bad item opens a new row)\n"
	"  dismiss --all    close every open row as dismissed\n"
	"    --note TEXT    why (stored with the row)\n"
	"\n"
	"'dwhbi status' and 'dwhbi doctor' count the open rows only.\n"
	"exit status: 0 done, 1 no such open row or a database error, 2 bad usage\n"
	"(an ID that is not a whole number from 1 to 9223372036854775807).\n";

#define LIST_LIMIT 1000

static const char SQL_LIST[] =
	"SELECT id, source || '.' || entity, coalesce(item_id, item_key), seen_count, "
	"       to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), reason, "
	"       coalesce(resolution, 'open'), "
	"       coalesce(to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), ''), "
	"       coalesce(note, ''), raw_bytes "
	"FROM ops.quarantine WHERE $1::boolean OR resolved_at IS NULL "
	"ORDER BY id LIMIT " "1001";

static int list(struct cmd_ctx *ctx, int argc, char **argv)
{
	int all = 0, json = 0, n;
	char err[512];
	PGresult *res;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = 1;
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cmd_bad_usage("quarantine", "unknown option '%s' for 'list'", argv[i]);
	}
	const char *params[1] = { all ? "true" : "false" };
	res = db_query(ctx->db, SQL_LIST, 1, params, err, sizeof(err));
	if (!res) {
		log_error("quarantine list: %s", err);
		return 1;
	}
	n = PQntuples(res);
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		for (int r = 0; r < n && r < LIST_LIMIT; r++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", strtod(PQgetvalue(res, r, 0), NULL));
			cJSON_AddStringToObject(o, "source", PQgetvalue(res, r, 1));
			cJSON_AddStringToObject(o, "item", PQgetvalue(res, r, 2));
			cJSON_AddNumberToObject(o, "seen", strtod(PQgetvalue(res, r, 3), NULL));
			cJSON_AddStringToObject(o, "last_seen", PQgetvalue(res, r, 4));
			cJSON_AddStringToObject(o, "reason", PQgetvalue(res, r, 5));
			cJSON_AddStringToObject(o, "state", PQgetvalue(res, r, 6));
			if (*PQgetvalue(res, r, 7))
				cJSON_AddStringToObject(o, "resolved_at", PQgetvalue(res, r, 7));
			if (*PQgetvalue(res, r, 8))
				cJSON_AddStringToObject(o, "note", PQgetvalue(res, r, 8));
			cJSON_AddNumberToObject(o, "bytes", strtod(PQgetvalue(res, r, 9), NULL));
			cJSON_AddItemToArray(arr, o);
		}
		char *text = cJSON_Print(arr);
		if (text)
			puts(text);
		free(text);
		cJSON_Delete(arr);
	} else if (n == 0) {
		printf("%s\n", all ? "ops.quarantine is empty" :
		       "no open quarantine rows (see 'dwhbi quarantine list --all')");
	} else {
		printf("%-6s %-28s %-24s %5s  %-16s %s%s\n", "ID", "SOURCE", "ITEM", "SEEN",
		       "LAST SEEN (UTC)", all ? "STATE      " : "", "REASON");
		for (int r = 0; r < n && r < LIST_LIMIT; r++) {
			char state[48] = "";
			if (all)
				snprintf(state, sizeof(state), "%-10s ", PQgetvalue(res, r, 6));
			printf("%-6s %-28s %-24s %5s  %-16s %s%s\n", PQgetvalue(res, r, 0),
			       PQgetvalue(res, r, 1), PQgetvalue(res, r, 2), PQgetvalue(res, r, 3),
			       PQgetvalue(res, r, 4), state, PQgetvalue(res, r, 5));
		}
		if (n > LIST_LIMIT)
			printf("(only the first %d rows; see ops.quarantine for the rest)\n",
			       LIST_LIMIT);
	}
	PQclear(res);
	return 0;
}

static int dismiss(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *id_s = NULL, *note = NULL;
	int all = 0;
	int64_t id = 0;
	char err[512], idtext[32];
	PGresult *res;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = 1;
		} else if (!strcmp(argv[i], "--note")) {
			if (i + 1 >= argc)
				return cmd_bad_usage("quarantine", "--note needs a text");
			note = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return cmd_bad_usage("quarantine", "unknown option '%s' for 'dismiss'",
					     argv[i]);
		} else if (id_s) {
			return cmd_bad_usage("quarantine", "'dismiss' takes one ID, got '%s' "
					     "and '%s'", id_s, argv[i]);
		} else {
			id_s = argv[i];
		}
	}
	if (all == !!id_s)
		return cmd_bad_usage("quarantine", "say 'dismiss ID' or 'dismiss --all' "
				     "(IDs from 'dwhbi quarantine list')");
	if (id_s && opt_parse_id(id_s, &id) < 0)
		return cmd_bad_usage("quarantine", "quarantine ID must be a whole number from 1 "
				     "to 9223372036854775807, got '%s' (see 'dwhbi quarantine "
				     "list')", id_s);
	snprintf(idtext, sizeof(idtext), "%" PRId64, id);
	const char *params[2] = { all ? NULL : idtext, note };
	res = db_query(ctx->db, "SELECT d FROM ops.quarantine_dismiss($1::bigint, $2) AS d "
		       "ORDER BY d", 2, params, err, sizeof(err));
	if (!res) {
		log_error("quarantine dismiss: %s", err);
		return 1;
	}
	int n = PQntuples(res);
	cJSON *ids = cJSON_CreateArray();
	for (int r = 0; r < n; r++)
		cJSON_AddItemToArray(ids, cJSON_CreateNumber(strtod(PQgetvalue(res, r, 0), NULL)));
	PQclear(res);
	if (!ctx->detail)
		ctx->detail = cJSON_CreateObject();
	cJSON_AddItemToObject(ctx->detail, "dismissed", ids);
	ctx->rows_written = n;
	if (!all && n == 0) {
		log_error("quarantine dismiss: no open quarantine row %s (it may have "
			  "landed or been dismissed already; see 'dwhbi quarantine list --all')",
			  idtext);
		return 1;
	}
	if (all)
		printf("dismissed %d open quarantine row%s (kept in ops.quarantine)\n", n,
		       n == 1 ? "" : "s");
	else
		printf("dismissed quarantine row %s (kept in ops.quarantine)\n", idtext);
	return 0;
}

int cmd_quarantine(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return list(ctx, argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "dismiss"))
		return dismiss(ctx, argc, argv);
	if (argc < 2)
		return cmd_bad_usage("quarantine", "say 'quarantine list' or "
				     "'quarantine dismiss ID|--all'");
	return cmd_bad_usage("quarantine", "unknown subcommand '%s' (say 'list' or "
			     "'dismiss')", argv[1]);
}
