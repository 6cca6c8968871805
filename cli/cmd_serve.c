/*
 * cmd_serve: front end of `dwhbi serve`, the web console.  It parses the
 * options and hands over to console/ (console_serve), which serves until
 * SIGINT or SIGTERM.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "console/console.h"
#include "lib/log.h"

const char cmd_serve_summary[] = "the web console";
const char cmd_serve_usage[] =
	"usage: dwhbi serve [--listen ADDR:PORT] [--reports-dir DIR] [--stale-hours H]\n"
	"\n"
	"Serves the web console: sources and their freshness with \"sync now\", the\n"
	"run history, goals with pending proposals to accept or reject, and the\n"
	"monthly PDF reports; the same data as JSON under /api/.\n"
	"\n"
	"  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0 picks\n"
	"                      a free one).  A non-loopback address needs\n"
	"                      DWHBI_CONSOLE_TOKEN.\n"
	"  --reports-dir DIR   where report PDFs are listed and rendered (default\n"
	"                      $DWHBI_REPORTS_DIR, else the working directory: where\n"
	"                      'dwhbi run monthly' and 'dwhbi report' write them)\n"
	"  --stale-hours H     a source not synced for H hours is stale (default 36)\n"
	"\n"
	"Every action (POST) needs the console token: log in with it on the page,\n"
	"or send 'Authorization: Bearer <token>'.  The token is DWHBI_CONSOLE_TOKEN;\n"
	"without it, serve makes one for this run and prints it on stdout.\n"
	"\"Sync now\" dispatches the GitHub workflow when GITHUB_TOKEN and\n"
	"GITHUB_REPOSITORY are set, and otherwise runs the sync on this machine.\n";

int cmd_serve(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct console_options opt = { "127.0.0.1:8080", NULL, 36 };
	char err[1024], self[PATH_MAX];
	const char *argv0 = ctx->argv0;
	ssize_t n;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
			opt.listen = argv[++i];
		} else if (!strcmp(argv[i], "--reports-dir") && i + 1 < argc) {
			opt.reports_dir = argv[++i];
		} else if (!strcmp(argv[i], "--stale-hours") && i + 1 < argc) {
			if (opt_int("serve", "--stale-hours", argv[++i], 1, 100000, "hours",
				    &opt.stale_hours))
				return 2;
		} else {
			return cmd_bad_usage("serve", "unknown option '%s'", argv[i]);
		}
	}
	/* Jobs re-run this very binary; argv[0] may be a bare name found on
	 * PATH, so prefer the kernel's answer. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		argv0 = self;
	}
	rc = console_serve(&opt, &ctx->cfg, ctx->db, argv0, err, sizeof(err));
	if (rc != 0)
		log_error("%s", err);
	return rc;
}
