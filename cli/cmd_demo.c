/*
 * cmd_demo: front end of `dwhbi demo` — the whole pipeline on a synthetic
 * person with nothing configured.  The demo starts and stops servers
 * (PostgreSQL, fake-toggl, fake-google) and runs this binary's commands in
 * order, which a shell script says most plainly: this command finds
 * scripts/demo of the checkout the binary was built in and runs it with
 * DWHBI pointing at this binary.  The demo needs a built checkout anyway (the
 * fake servers are test programs, not installed).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/log.h"

const char cmd_demo_summary[] = "the whole pipeline on a local throwaway database";
const char cmd_demo_usage[] =
	"usage: dwhbi demo [--days N] [--dir DIR]\n"
	"       dwhbi demo --stop\n"
	"\n"
	"Runs the whole pipeline on a synthetic person (Tokyo, half a year of\n"
	"Toggl entries and calendar plan, Japanese holidays): starts a throwaway\n"
	"PostgreSQL under .demo/ (reused by the next run; when DATABASE_URL is set,\n"
	"that database is used instead), serves the person from the fake Toggl and\n"
	"Google servers, points the real connectors at them, and runs migrate,\n"
	"seed, goals import, a Toggl backfill, 'run daily' and 'run monthly' for\n"
	"the last complete month.  It prints where the PDF and the goal proposals\n"
	"are and the connection string of the demo database.  Run it from a built\n"
	"checkout ('make demo').\n"
	"\n"
	"  --days N    days of history on the first run (default 190)\n"
	"  --dir DIR   state directory (default .demo in the checkout)\n"
	"  --stop      stop the demo's PostgreSQL ('make demo-clean' does, then\n"
	"              removes .demo)\n";

static int is_file(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The absolute path of this binary; dir gets its directory. */
static int self_path(const char *argv0, char *exe, size_t exelen, char *dir, size_t dirlen)
{
	ssize_t n = readlink("/proc/self/exe", exe, exelen - 1);

	if (n > 0)
		exe[n] = '\0';
	else if (exelen < PATH_MAX || !realpath(argv0, exe))
		return -1;
	snprintf(dir, dirlen, "%s", exe);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int cmd_demo(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *action = "run";
	char dir[PATH_MAX], exe[PATH_MAX];
	struct buf script = BUF_INIT;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--stop")) {
			action = "stop";
		} else if (!strcmp(a, "--days") && i + 1 < argc) {
			int n;
			if (opt_int("demo", "--days", argv[++i], 35, 1000, "days", &n))
				return 2;
			setenv("DWHBI_DEMO_DAYS", argv[i], 1);
		} else if (!strcmp(a, "--dir") && i + 1 < argc) {
			setenv("DWHBI_DEMO_DIR", argv[++i], 1);
		} else {
			return cmd_bad_usage("demo", "unknown option '%s'", a);
		}
	}

	if (self_path(ctx->argv0, exe, sizeof(exe), dir, sizeof(dir)) < 0)
		return log_error("demo: cannot tell where this binary lives (%s)", strerror(errno)) ? 1 : 1;
	/* ./dwhbi sits in the checkout root; build-asan/dwhbi one level down. */
	const char *datadir = getenv("DWHBI_DATADIR");
	const char *const candidates[] = { datadir && *datadir ? datadir : NULL, dir, ".." };
	for (size_t i = 0; i < 3 && !script.len; i++) {
		if (!candidates[i])
			continue;
		buf_printf(&script, "%s%s%s/scripts/demo", i == 2 ? dir : "", i == 2 ? "/" : "",
			   candidates[i]);
		if (!is_file(script.data))
			buf_reset(&script);
	}
	if (!script.len) {
		log_error("demo: scripts/demo not found next to %s: 'dwhbi demo' runs from a built "
			  "checkout; run 'make demo' in the source tree", dir);
		return 1;
	}
	setenv("DWHBI", exe, 1);
	size_t dl = strlen(dir);
	if (!getenv("BUILD") && dl >= 11 && !strcmp(dir + dl - 11, "/build-asan"))
		setenv("BUILD", dir, 1);

	fflush(stdout);
	fflush(stderr);
	char *args[] = { "bash", script.data, (char *)action, NULL };
	execvp("bash", args);
	log_error("demo: cannot run %s: %s", script.data, strerror(errno));
	buf_release(&script);
	return 1;
}
