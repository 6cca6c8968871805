/*
 * cmd_run: `dwhbi run daily` and `dwhbi run monthly` — the pipeline as one
 * command, for cron, GitHub Actions or a person.
 *
 * Each step is a child process of this same binary (ctx->argv0) with
 * DWHBI_PARENT_RUN_ID set to this run's ops.runs id, so every step is its own
 * row under this one.  Steps in their own processes keep their failures apart:
 * a source that fails has rolled back what it had not committed when its
 * process ends, so the transform that starts afterwards sees committed data
 * only.  The daily order is sync toggl, sync gcal (a failing source does not
 * stop the other), transform, data tests, analyze, adjust (these need the
 * transform to have succeeded).  A session-level advisory lock keeps two runs
 * from interleaving; a second run exits at once with a message or, with
 * --wait, waits a bounded time for the first.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "lib/buf.h"
#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/child.h"
#include "lib/timeutil.h"
#include "lib/config.h"
#include "connectors/github.h"

const char cmd_run_summary[] = "run the daily or monthly pipeline";
const char cmd_run_usage[] =
	"usage: dwhbi run daily [--no-sync] [--wait [SECS]] [--step-timeout SECS]\n"
	"       dwhbi run monthly [--month YYYY-MM] [-o PATH] [--release] [--wait [SECS]]\n"
	"\n"
	"daily:   sync toggl, sync gcal, transform (only the changed days, with\n"
	"         the data tests: marts are replaced only when they pass; the\n"
	"         'data tests' step is listed as done by it), analyze, adjust.\n"
	"         --no-sync skips the syncs (the transform workflow runs after\n"
	"         the sync workflows).  Analyze and adjust are skipped when the\n"
	"         transform changed no day and they already ran today.  A source\n"
	"         without credentials is skipped; a source that fails does not\n"
	"         stop the other; transform and what follows run on the data the\n"
	"         syncs committed, the later steps only after a good transform.\n"
	"monthly: report for --month (default: the last complete month in\n"
	"         DWHBI_TIMEZONE), written to -o PATH when given, drawn by the\n"
	"         configured renderer: DWHBI_REPORT_RENDERER=cairo (default) or\n"
	"         typst (DWHBI_TYPST, DWHBI_REPORT_TEMPLATE; see 'dwhbi report\n"
	"         --help').  With --release (or DWHBI_REPORT_RELEASE=1; off by\n"
	"         default) the PDF is then published as the asset\n"
	"         report-YYYY-MM.pdf of the GitHub Release of tag report-YYYY-MM\n"
	"         in GITHUB_REPOSITORY (made when missing; a rerun replaces the\n"
	"         asset), with GITHUB_TOKEN (contents:write).\n"
	"\n"
	"Every step is its own row in ops.runs with this run as parent_id\n"
	"('dwhbi status' shows them).  Only one run at a time: a second one exits\n"
	"with status 1, or with --wait waits up to SECS (default 1800) for the\n"
	"first to finish.\n"
	"\n"
	"  --step-timeout SECS  stop a step that runs longer (default 3600)\n"
	"\n"
	"exit status: 0 every step succeeded (or was skipped), 1 a step failed or\n"
	"another run holds the lock, 2 usage error.\n";

#define RUN_LOCK "dwhbi run"
#define MAX_STEP_ARGS 8

enum step_state { STEP_SKIPPED, STEP_OK, STEP_FAILED };

struct step {
	const char *name;                       /* "sync toggl", as printed */
	const char *job;                        /* its ops.runs job; NULL = name */
	const char *args[MAX_STEP_ARGS];        /* after the binary, NULL-ended */
	enum step_state state;
	int exit_code;                          /* -1 = did not exit normally */
	double seconds;
	char note[512];                         /* why skipped / failed */
	int64_t run_id;                         /* the step's ops.runs row */
};

struct run_opts {
	int wait_secs;          /* 0 = do not wait for the lock */
	int step_timeout;
	const char *month;
	const char *output;
	int no_sync;
	int release;            /* publish the PDF as a GitHub Release asset */
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv0 with the step's arguments and DWHBI_PARENT_RUN_ID; returns the
 * exit status, -1 when it could not start or was killed (note says why). */
static int spawn_step(struct cmd_ctx *ctx, struct step *st, int timeout_s)
{
	const char *argv[MAX_STEP_ARGS + 3];
	int n = 0;
	char parent[32];
	pid_t pid;
	int status;

	argv[n++] = ctx->argv0;
	if (log_get_level() >= LOG_DEBUG)
		argv[n++] = "--verbose";
	else if (log_get_level() <= LOG_ERROR)
		argv[n++] = "--quiet";
	for (int i = 0; st->args[i] && n < MAX_STEP_ARGS + 2; i++)
		argv[n++] = st->args[i];
	argv[n] = NULL;
	snprintf(parent, sizeof(parent), "%lld", (long long)ctx->run_id);

	struct child_opts co = { .out = CHILD_KEEP, .parent_run_id = parent, .who = "dwhbi run" };
	char err[256];
	pid = child_start(ctx->argv0, argv + 1, &co, err, sizeof(err));
	if (pid < 0) {
		snprintf(st->note, sizeof(st->note), "%s", err);
		return -1;
	}
	/* Bounded wait: a step that hangs is stopped (TERM, then KILL). */
	int waited = child_wait(pid, timeout_s, 10, &status, err, sizeof(err));
	if (waited < 0) {
		snprintf(st->note, sizeof(st->note), "%s", err);
		return -1;
	}
	if (waited == 1) {
		snprintf(st->note, sizeof(st->note), "stopped after %d s (--step-timeout)", timeout_s);
		return -1;
	}

	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	snprintf(st->note, sizeof(st->note), "killed by signal %d", WTERMSIG(status));
	return -1;
}

/* Reads the step's own ops.runs row (the newest child of this run with the
 * step's job name): its id, error text and counts. */
static void read_step_row(struct cmd_ctx *ctx, struct step *st)
{
	char err[256], id[32];
	const char *params[2] = { id, st->job ? st->job : st->name };
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", (long long)ctx->run_id);
	res = db_query(ctx->db,
		       "SELECT id, coalesce(error, ''), rows_read, rows_written, rows_deleted"
		       " FROM ops.runs WHERE parent_id = $1 AND job = $2 ORDER BY id DESC LIMIT 1",
		       2, params, err, sizeof(err));
	if (!res) {
		log_warn("run: cannot read the row of step '%s': %s", st->name, err);
		return;
	}
	if (PQntuples(res) == 1) {
		st->run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		if (st->state == STEP_FAILED && !st->note[0])
			snprintf(st->note, sizeof(st->note), "%s", PQgetvalue(res, 0, 1));
		ctx->rows_read += strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		ctx->rows_written += strtoll(PQgetvalue(res, 0, 3), NULL, 10);
		ctx->rows_deleted += strtoll(PQgetvalue(res, 0, 4), NULL, 10);
	}
	PQclear(res);
}

static void run_step(struct cmd_ctx *ctx, struct step *st, const struct run_opts *o)
{
	double t0 = now_seconds();
	log_info("run: %s", st->name);
	st->exit_code = spawn_step(ctx, st, o->step_timeout);
	st->seconds = now_seconds() - t0;
	st->state = st->exit_code == 0 ? STEP_OK : STEP_FAILED;
	if (st->state == STEP_FAILED && !st->note[0] && st->exit_code == 127)
		snprintf(st->note, sizeof(st->note), "cannot run '%s'", ctx->argv0);
	read_step_row(ctx, st);
	if (st->state == STEP_FAILED && !st->note[0])
		snprintf(st->note, sizeof(st->note), "exit status %d", st->exit_code);
}

static void skip_step(struct step *st, const char *why)
{
	st->state = STEP_SKIPPED;
	st->exit_code = 0;
	snprintf(st->note, sizeof(st->note), "%s", why);
}

/* Prints the table, fills ctx->detail, and returns 0 or 1 with the failed
 * steps named in the run's error. */
static int report(struct cmd_ctx *ctx, const char *what, struct step *steps, int n)
{
	static const char *const state_name[] = { "skipped", "ok", "FAILED" };
	struct buf failed = BUF_INIT;
	int nfailed = 0;
	cJSON *arr;

	ctx->detail = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(ctx->detail, "steps");
	printf("dwhbi run %s (run %lld):\n", what, (long long)ctx->run_id);
	for (int i = 0; i < n; i++) {
		struct step *st = &steps[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "step", st->name);
		cJSON_AddStringToObject(j, "status", st->state == STEP_OK ? "success"
					: st->state == STEP_FAILED ? "failed" : "skipped");
		if (st->state != STEP_SKIPPED) {
			cJSON_AddNumberToObject(j, "exit", st->exit_code);
			cJSON_AddNumberToObject(j, "seconds", (double)(int64_t)(st->seconds * 10) / 10);
		}
		if (st->run_id)
			cJSON_AddNumberToObject(j, "run_id", (double)st->run_id);
		if (st->note[0])
			cJSON_AddStringToObject(j, "note", st->note);
		cJSON_AddItemToArray(arr, j);

		printf("  %-16s %-8s", st->name, state_name[st->state]);
		if (st->state != STEP_SKIPPED)
			printf(" %6.1fs", st->seconds);
		else
			printf("        ");
		printf("%s%s\n", st->note[0] ? "  " : "", st->note);
		if (st->state == STEP_FAILED) {
			buf_printf(&failed, "%s%s (%s)", nfailed ? "; " : "", st->name, st->note);
			nfailed++;
		}
	}
	fflush(stdout);
	if (nfailed) {
		log_error("run %s: %d of %d steps failed: %s", what, nfailed, n, failed.data);
		buf_release(&failed);
		return 1;
	}
	buf_release(&failed);
	return 0;
}

static int take_lock(struct cmd_ctx *ctx, const struct run_opts *o)
{
	char err[256];
	int rc = db_lock(ctx->db, RUN_LOCK, 0, err, sizeof(err));
	if (rc == 1)
		return 0;
	if (rc < 0)
		return log_error("run: cannot take the run lock: %s", err);
	if (o->wait_secs <= 0)
		return log_error("run: another 'dwhbi run' is in progress on this database "
				 "(advisory lock '%s'); try again later or pass --wait", RUN_LOCK);
	log_info("run: another 'dwhbi run' is in progress; waiting up to %d s", o->wait_secs);
	double deadline = now_seconds() + o->wait_secs;
	while (now_seconds() < deadline) {
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);
		rc = db_lock(ctx->db, RUN_LOCK, 0, err, sizeof(err));
		if (rc == 1)
			return 0;
		if (rc < 0)
			return log_error("run: cannot take the run lock: %s", err);
	}
	return log_error("run: the other 'dwhbi run' still holds the lock after %d s; "
			 "try again later", o->wait_secs);
}

/* 1 when the night's transform (run id) changed no day, and `job` (analyze
 * or adjust) already succeeded today (in DWHBI_TIMEZONE, with the default
 * --as-of) after the last transform that changed something and after the
 * last change of goals or proposals: running it again would write the same
 * rows.  0 otherwise (and on any error). */
static int unchanged_since_last(struct cmd_ctx *ctx, int64_t transform_run, const char *job)
{
	char id[32], out[8], err[256];
	const char *params[3] = { id, job, ctx->cfg.timezone ? ctx->cfg.timezone : "UTC" };

	snprintf(id, sizeof(id), "%lld", (long long)transform_run);
	if (db_query_value(ctx->db,
		"WITH unchanged AS ("
		"  SELECT r.id FROM ops.runs r WHERE r.job = 'transform' AND r.status = 'success'"
		"  AND r.detail->>'refresh' = 'incremental' AND r.detail->>'changed_days' = '0'),"
		"last AS ("
		"  SELECT max(a.started_at) AS at FROM ops.runs a WHERE a.job = $2 AND a.status = 'success'"
		"  AND a.args = '' AND (a.started_at AT TIME ZONE $3)::date = (now() AT TIME ZONE $3)::date)"
		"SELECT EXISTS (SELECT 1 FROM unchanged WHERE id = $1::bigint) AND last.at IS NOT NULL"
		"  AND NOT EXISTS (SELECT 1 FROM ops.runs x WHERE x.started_at > last.at AND x.status = 'success'"
		"    AND ((x.job = 'transform' AND x.id NOT IN (SELECT id FROM unchanged))"
		"      OR x.job IN ('seed', 'goals import', 'adjust accept', 'adjust reject', 'analyze')))"
		"FROM last", 3, params, out, sizeof(out), err, sizeof(err)) < 0) {
		log_warn("run: cannot tell whether %s has work: %s", job, err);
		return 0;
	}
	return !strcmp(out, "t");
}

static int daily(struct cmd_ctx *ctx, const struct run_opts *o)
{
	struct step steps[] = {
		{ .name = "sync toggl", .args = { "sync", "toggl" } },
		{ .name = "sync gcal", .args = { "sync", "gcal" } },
		/* --test: the new marts are committed only if the data tests
		 * pass, so a failing test leaves yesterday's marts in place.
		 * That is the night's one run of the data tests: the next step
		 * stays in the table (and ops.runs detail) as skipped. */
		{ .name = "transform", .args = { "transform", "--test" } },
		{ .name = "data tests", .job = "transform", .args = { "transform", "--test-only" } },
		{ .name = "analyze", .args = { "analyze" } },
		{ .name = "adjust", .args = { "adjust" } },
	};
	enum { TOGGL, GCAL, TRANSFORM, TESTS, ANALYZE, ADJUST, NSTEPS };
	const struct config *c = &ctx->cfg;

	if (o->no_sync) {
		skip_step(&steps[TOGGL], "--no-sync");
		skip_step(&steps[GCAL], "--no-sync");
	} else if (!c->toggl_api_token || !*c->toggl_api_token)
		skip_step(&steps[TOGGL], "TOGGL_API_TOKEN is not set");
	else
		run_step(ctx, &steps[TOGGL], o);
	if (o->no_sync)
		;
	else if (!c->google_refresh_token || !*c->google_refresh_token ||
		 !c->google_client_id || !*c->google_client_id)
		skip_step(&steps[GCAL], "GOOGLE_CLIENT_ID/GOOGLE_REFRESH_TOKEN are not set");
	else
		run_step(ctx, &steps[GCAL], o);

	/* Both syncs have ended: what they committed is all there is. */
	run_step(ctx, &steps[TRANSFORM], o);
	if (steps[TRANSFORM].state == STEP_OK) {
		skip_step(&steps[TESTS], "run by the transform step (transform --test)");
		/* Nothing changed since they last ran today: skip them. */
		if (unchanged_since_last(ctx, steps[TRANSFORM].run_id, "analyze"))
			skip_step(&steps[ANALYZE], "nothing changed since its last run today");
		else
			run_step(ctx, &steps[ANALYZE], o);
		if (steps[ANALYZE].state == STEP_SKIPPED &&
		    unchanged_since_last(ctx, steps[TRANSFORM].run_id, "adjust"))
			skip_step(&steps[ADJUST], "nothing changed since its last run today");
		else
			run_step(ctx, &steps[ADJUST], o);
	} else {
		for (int i = TESTS; i < NSTEPS; i++)
			skip_step(&steps[i], "the transform failed");
	}
	/* A data-test failure is reported but does not undo the marts. */
	return report(ctx, "daily", steps, NSTEPS);
}

#define RELEASE_MAX_BYTES ((size_t)64 << 20)

/* Reads the PDF (at most max bytes) into b; -1 with err on failure. */
static int read_asset(struct buf *b, const char *path, size_t max, char *err, size_t errlen)
{
	if (buf_read_file(b, path, max) == 0)
		return 0;
	if (errno == EFBIG)
		snprintf(err, errlen, "'%s' has more than the %zu MB a release asset may have here",
			 path, max >> 20);
	else
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
	return -1;
}

/* The "publish release" step: the report's PDF as a release asset. */
static void publish_release(struct cmd_ctx *ctx, struct step *st, const char *month,
			    const char *pdf)
{
	struct github_client gh;
	struct github_published pub;
	char tag[32], asset[48], title[64], body[160], err[768];
	size_t len = 0;
	struct buf data = BUF_INIT;
	long status = 0;
	double t0 = now_seconds();

	snprintf(tag, sizeof(tag), "report-%s", month);
	snprintf(asset, sizeof(asset), "report-%s.pdf", month);
	snprintf(title, sizeof(title), "Monthly report %s", month);
	snprintf(body, sizeof(body), "The dwhbi monthly report of %s, published by "
		 "'dwhbi run monthly --release'.", month);
	st->state = STEP_FAILED;
	st->exit_code = 1;
	if (github_init(&gh, &ctx->cfg, err, sizeof(err)) < 0) {
		snprintf(st->note, sizeof(st->note), "%s; or leave out --release", err);
		goto done;
	}
	if (read_asset(&data, pdf, RELEASE_MAX_BYTES, err, sizeof(err)) < 0) {
		snprintf(st->note, sizeof(st->note), "%s", err);
		github_release(&gh);
		goto done;
	}
	len = data.len;
	if (github_publish_asset(&gh, tag, title, body, asset, "application/pdf", data.data, len,
				 &pub, &status, err, sizeof(err)) < 0) {
		snprintf(st->note, sizeof(st->note), "%s", err);
	} else {
		st->state = STEP_OK;
		st->exit_code = 0;
		snprintf(st->note, sizeof(st->note), "%s %s (%zu bytes) in release %s%s: %s", asset,
			 pub.replaced ? "replaced" : "uploaded", len, tag,
			 pub.created_release ? " (new)" : "",
			 pub.download_url[0] ? pub.download_url : pub.release_url);
	}
	github_release(&gh);
done:
	buf_release(&data);
	st->seconds = now_seconds() - t0;
}

static int release_setting(void)
{
	const char *v = getenv("DWHBI_REPORT_RELEASE");

	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

static int monthly(struct cmd_ctx *ctx, const struct run_opts *o)
{
	char month[16];
	struct step st = { .name = "report" };
	int n = 0;

	if (o->month)
		snprintf(month, sizeof(month), "%s", o->month);
	else
		time_last_month(ctx->cfg.timezone, month, sizeof(month));
	st.args[n++] = "report";
	st.args[n++] = "--month";
	st.args[n++] = month;
	if (o->output) {
		st.args[n++] = "-o";
		st.args[n++] = o->output;
	}
	st.args[n] = NULL;
	run_step(ctx, &st, o);
	if (!o->release)
		return report(ctx, "monthly", &st, 1);

	struct step steps[2];
	char pdf[64];

	steps[0] = st;
	memset(&steps[1], 0, sizeof(steps[1]));
	steps[1].name = "publish release";
	snprintf(pdf, sizeof(pdf), "report-%s.pdf", month);
	if (st.state != STEP_OK)
		skip_step(&steps[1], "the report failed");
	else
		publish_release(ctx, &steps[1], month, o->output ? o->output : pdf);
	return report(ctx, "monthly", steps, 2);
}

static int parse_secs(const char *opt, const char *v, int *out)
{
	return opt_int("run", opt, v, 1, 86400, "seconds", out);
}

int cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run_opts o = { .wait_secs = 0, .step_timeout = 3600 };
	const char *what;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "daily") && strcmp(argv[1], "monthly")))
		return cmd_bad_usage("run", "say 'run daily' or 'run monthly'");
	what = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--wait")) {
			o.wait_secs = 1800;
			if (i + 1 < argc && argv[i + 1][0] != '-' &&
			    parse_secs(a, argv[++i], &o.wait_secs))
				return 2;
		} else if (!strcmp(what, "daily") && !strcmp(a, "--no-sync")) {
			o.no_sync = 1;
		} else if (!strcmp(a, "--step-timeout") && i + 1 < argc) {
			if (parse_secs(a, argv[++i], &o.step_timeout))
				return 2;
		} else if (!strcmp(what, "monthly") && !strcmp(a, "--month") && i + 1 < argc) {
			int32_t day;
			char probe[16];
			o.month = argv[++i];
			snprintf(probe, sizeof(probe), "%s-01", o.month);
			if (strlen(o.month) != 7 || time_parse_date(probe, &day) < 0)
				return cmd_bad_usage("run", "--month wants YYYY-MM, not '%s'", o.month);
		} else if (!strcmp(what, "monthly") && (!strcmp(a, "-o") || !strcmp(a, "--output")) &&
			   i + 1 < argc) {
			o.output = argv[++i];
		} else if (!strcmp(what, "monthly") && !strcmp(a, "--release")) {
			o.release = 1;
		} else {
			return cmd_bad_usage("run", "unknown option '%s' for 'run %s'", a, what);
		}
	}
	if (!strcmp(what, "monthly") && release_setting())
		o.release = 1;
	if (!ctx->run_id)
		return log_error("run: no ops.runs row for this run; run 'dwhbi migrate' first") ? 1 : 1;

	if (take_lock(ctx, &o) < 0)
		return 1;
	rc = !strcmp(what, "daily") ? daily(ctx, &o) : monthly(ctx, &o);
	char err[256];
	if (db_unlock(ctx->db, RUN_LOCK, err, sizeof(err)) < 0)
		log_warn("run: cannot release the run lock: %s", err);
	return rc;
}
