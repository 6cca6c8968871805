/*
 * main: the command-line front of dwhbi.  It parses the global flags, finds
 * the command in the table, answers --help, loads the configuration, connects
 * to the database for commands that need it, records the command in
 * ops.runs, and turns the command's result into the exit status
 * (0 success, 1 job failure, 2 usage or configuration error).  The commands
 * themselves live in cli/cmd_*.c and call into the library folders.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>

#include "lib/buf.h"
#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/runs.h"
#include "lib/utf8.h"
#include "ref/settings.h"

#define RECORD_BEFORE 1  /* ops.runs row written when the command starts */
#define RECORD_AFTER 2   /* written when it ends (migrate creates ops.runs) */

#define C(n, db, rec) { #n, cmd_##n, cmd_##n##_usage, cmd_##n##_summary, db, rec }
static const struct cmd commands[] = {
	C(migrate, 1, RECORD_AFTER),
	C(seed, 1, RECORD_BEFORE),
	C(goals, 1, RECORD_BEFORE),
	C(sync, 1, RECORD_BEFORE),
	C(transform, 1, RECORD_BEFORE),
	C(analyze, 1, RECORD_BEFORE),
	C(adjust, 1, RECORD_BEFORE),
	C(report, 1, RECORD_BEFORE),
	C(run, 1, RECORD_BEFORE),
	C(dispatch, 0, 0),
	C(status, 1, 0),
	C(rules, 1, 0),
	C(doctor, 0, 0),
	C(quarantine, 1, RECORD_BEFORE),
	C(auth, 0, 0),
	C(serve, 1, 0),
	C(demo, 0, 0),
	C(grafana, 1, 0),
};
#undef C

static const char usage_head[] =
	"usage: dwhbi [--verbose | --quiet] <command> [<args>]\n"
	"\n"
	"dwhbi keeps a PostgreSQL warehouse of your Toggl Track time (actual) and\n"
	"Google Calendar events (plan), compares them with your goals, estimates\n"
	"the coming days and renders a monthly report.\n"
	"\n"
	"commands:\n";

static const char usage_tail[] =
	"\n"
	"global options:\n"
	"  -v, --verbose   more detail on stderr (timestamps, debug messages)\n"
	"  -q, --quiet     errors only\n"
	"  -h, --help      this help; 'dwhbi <command> --help' for a command\n"
	"\n"
	"configuration comes from the environment (DATABASE_URL, DWHBI_TIMEZONE,\n"
	"TOGGL_API_TOKEN, GOOGLE_*, GITHUB_*); see README.md.\n"
	"exit status: 0 success, 1 the job failed, 2 usage or configuration error.\n";

static void usage(FILE *out)
{
	fputs(usage_head, out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs(usage_tail, out);
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Removes the global flags from anywhere before "--"; returns the new argc. */
static int strip_global_flags(int argc, char **argv)
{
	int out = 0, passthrough = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!passthrough && !strcmp(a, "--"))
			passthrough = 1;
		if (!passthrough && (!strcmp(a, "-v") || !strcmp(a, "--verbose"))) {
			log_set_level(LOG_DEBUG);
			continue;
		}
		if (!passthrough && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
			log_set_level(LOG_ERROR);
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

/* The job name stored in ops.runs: the command, plus the subcommand for the
 * commands that have them ("sync toggl", "run daily", "goals import"). */
static void job_name(const struct cmd *c, int argc, char **argv, struct buf *job,
		     struct buf *args)
{
	int first = 1;

	buf_puts(job, c->name);
	if (argc > 1 && argv[1][0] != '-' &&
	    (!strcmp(c->name, "sync") || !strcmp(c->name, "run") ||
	     !strcmp(c->name, "goals") || !strcmp(c->name, "quarantine") ||
	     (!strcmp(c->name, "adjust") &&
	      (!strcmp(argv[1], "accept") || !strcmp(argv[1], "reject"))))) {
		buf_printf(job, " %s", argv[1]);
		first = 2;
	}
	for (int i = first; i < argc; i++)
		buf_printf(args, "%s%s", args->len ? " " : "", argv[i]);
}

/* Leaves the connection usable for writing the run's outcome after a command
 * that failed mid-transaction or lost its connection. */
static void recover_connection(PGconn *db)
{
	if (PQstatus(db) != CONNECTION_OK)
		PQreset(db);
	if (PQstatus(db) == CONNECTION_OK && PQtransactionStatus(db) != PQTRANS_IDLE)
		db_rollback(db);
}

/* One time zone per warehouse: the zone is kept in ref.settings
 * ('timezone'), stored by the first command that runs with DWHBI_TIMEZONE
 * set.  Unset, the stored zone is used; set to another zone, it is a
 * configuration error (days would silently move).  Returns 0, 2 (message
 * printed) or -1 (database error, in err). */
static int resolve_zone(PGconn *db, struct config *cfg, int write, char *err, size_t errlen)
{
	static char stored[128];
	const char *env_zone = getenv("DWHBI_TIMEZONE");
	int rc;

	if (env_zone && !*env_zone)
		env_zone = NULL;
	rc = settings_zone(db, stored, sizeof(stored), err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		if (env_zone && strcmp(env_zone, stored)) {
			log_error("DWHBI_TIMEZONE=%s but this warehouse's days are in %s: unset "
				  "DWHBI_TIMEZONE, or change the warehouse's zone on purpose with "
				  "'dwhbi migrate --set-timezone %s' (the next transform rebuilds "
				  "the marts)", env_zone, stored, env_zone);
			return 2;
		}
		cfg->timezone = stored;
		return 0;
	}
	if (env_zone && write && settings_set_zone(db, env_zone, 0, err, errlen) < 0)
		return -1;
	return 0;
}

static int64_t parent_run_id(void)
{
	const char *v = getenv("DWHBI_PARENT_RUN_ID");
	int64_t n;

	return v && opt_parse_id(v, &n) == 0 ? n : 0;
}

int main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	const struct cmd *c;
	char err[1024];
	struct buf job = BUF_INIT, args = BUF_INIT;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	gsl_set_error_handler_off();
	memset(&ctx, 0, sizeof(ctx));
	ctx.argv0 = argv[0];

	argc = strip_global_flags(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2 && (c = find_cmd(argv[2])) != NULL) {
			fputs(c->usage, stdout);
			return 0;
		}
		if (argc > 2) {
			fprintf(stderr, "dwhbi: unknown command '%s'\n\n", argv[2]);
			usage(stderr);
			return 2;
		}
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("dwhbi 0.1");
		return 0;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "dwhbi: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	argc--;
	argv++;
	if (cmd_wants_help(argc, argv)) {
		/* Subcommands with their own help text ("sync toggl --help") are
		 * answered by the command itself. */
		if (strcmp(c->name, "sync") || argc < 2 || argv[1][0] == '-') {
			fputs(c->usage, stdout);
			return 0;
		}
	}

	if (config_load(&ctx.cfg, err, sizeof(err))) {
		log_error("%s", err);
		return 2;
	}
	ctx.parent_run_id = parent_run_id();
	if (cmd_wants_help(argc, argv))
		return c->fn(&ctx, argc, argv);

	if (c->needs_db && !ctx.cfg.database_url && !getenv("PGHOST") && !getenv("PGHOSTADDR") &&
	    !getenv("PGDATABASE") && !getenv("PGSERVICE") && !getenv("PGPORT")) {
		log_error("DATABASE_URL is not set: set it to your database, e.g. "
			  "postgresql://user@host:5432/dwhbi (or use libpq's PG* variables)");
		return 2;
	}
	if (c->needs_db) {
		ctx.db = db_connect(&ctx.cfg, err, sizeof(err));
		if (!ctx.db) {
			log_error("%s", err);
			return 1;
		}
	}
	if (c->needs_db && strcmp(c->name, "migrate")) {
		rc = resolve_zone(ctx.db, &ctx.cfg, c->record_run != 0, err, sizeof(err));
		if (rc) {
			if (rc < 0)
				log_error("cannot read the warehouse's time zone: %s", err);
			PQfinish(ctx.db);
			return rc < 0 ? 1 : 2;
		}
	}
	job_name(c, argc, argv, &job, &args);
	/* A file name that is not UTF-8 must not keep the run from being
	 * recorded (PostgreSQL refuses such text). */
	utf8_sanitize(args.data);
	if (c->record_run == RECORD_BEFORE) {
		ctx.run_id = run_start(ctx.db, job.data, args.data, ctx.parent_run_id, err, sizeof(err));
		if (ctx.run_id < 0) {
			if (db_missing_object())
				log_error("the database has no dwhbi tables yet: run 'dwhbi migrate' first");
			else
				log_error("cannot record the run in ops.runs: %s", err);
			PQfinish(ctx.db);
			buf_release(&job);
			buf_release(&args);
			return 1;
		}
	}

	log_clear_last_error();
	rc = c->fn(&ctx, argc, argv);

	if (c->record_run == RECORD_AFTER && ctx.db) {
		recover_connection(ctx.db);
		ctx.run_id = run_start(ctx.db, job.data, args.data, ctx.parent_run_id, err, sizeof(err));
		if (ctx.run_id < 0)
			ctx.run_id = 0; /* migrate failed before ops.runs existed */
	}
	if (ctx.run_id > 0 && rc == 2 && cmd_usage_error) {
		recover_connection(ctx.db);
		if (run_discard(ctx.db, ctx.run_id, err, sizeof(err)))
			log_warn("cannot remove run %" PRId64 " from ops.runs: %s", ctx.run_id, err);
		ctx.run_id = 0;
	}
	if (ctx.run_id > 0) {
		char *detail = ctx.detail ? cJSON_PrintUnformatted(ctx.detail) : NULL;
		const char *error_text = NULL;

		if (rc != 0)
			error_text = log_last_error() ? log_last_error() : "failed (no message)";
		recover_connection(ctx.db);
		if (run_finish(ctx.db, ctx.run_id, rc == 0, ctx.rows_read, ctx.rows_written,
			       ctx.rows_deleted, detail, error_text, err, sizeof(err)))
			log_warn("cannot record the end of run %" PRId64 " in ops.runs: %s",
				 ctx.run_id, err);
		free(detail);
	}
	cJSON_Delete(ctx.detail);
	if (ctx.db)
		PQfinish(ctx.db);
	buf_release(&job);
	buf_release(&args);
	return rc;
}
