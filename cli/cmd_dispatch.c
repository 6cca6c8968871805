/*
 * cmd_dispatch: front end of `dwhbi dispatch` — start one of the project's
 * GitHub Actions workflows by workflow_dispatch, or list recent runs.  The
 * API work is connectors/github.c; this file parses options and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "connectors/github.h"
#include "lib/log.h"

const char cmd_dispatch_summary[] = "trigger a GitHub Actions workflow";
const char cmd_dispatch_usage[] =
	"usage: dwhbi dispatch WORKFLOW [--input NAME=VALUE ...] [--ref REF]\n"
	"       dwhbi dispatch --list [--limit N]\n"
	"\n"
	"Starts a workflow of the repository in GITHUB_REPOSITORY through GitHub's\n"
	"workflow_dispatch API, with GITHUB_TOKEN (it needs actions:write).\n"
	"WORKFLOW is a file under .github/workflows, with or without .yml:\n"
	"sync-toggl, sync-gcal, transform, report-monthly, ci.\n"
	"\n"
	"  --input NAME=VALUE  a workflow input (repeatable), e.g. --input days=7\n"
	"  --ref REF           the branch or tag to run on (default main)\n"
	"  --list              show the most recent workflow runs instead\n"
	"  --limit N           how many runs --list shows (1-100, default 10)\n"
	"\n"
	"GITHUB_API_BASE overrides https://api.github.com (tests).\n"
	"exit status: 0 triggered (GitHub answered 204), 1 GitHub refused or\n"
	"could not be reached, 2 usage or a missing GITHUB_TOKEN/GITHUB_REPOSITORY.\n";

#define MAX_INPUTS 10   /* GitHub accepts at most 10 inputs per workflow */

static int list_runs(struct github_client *gh, int limit)
{
	struct github_run *runs;
	size_t n;
	char err[1024];

	if (github_list_runs(gh, limit, &runs, &n, NULL, err, sizeof(err)) < 0)
		return log_error("%s", err) ? 1 : 1;
	if (n == 0)
		printf("no workflow runs in %s yet\n", gh->repository);
	else
		printf("%-12s %-20s %-18s %-12s %-10s %s\n", "ID", "CREATED", "WORKFLOW",
		       "STATUS", "RESULT", "URL");
	for (size_t i = 0; i < n; i++)
		printf("%-12lld %-20s %-18s %-12s %-10s %s\n", (long long)runs[i].id,
		       runs[i].created_at, runs[i].name, runs[i].status,
		       runs[i].conclusion[0] ? runs[i].conclusion : "-", runs[i].html_url);
	free(runs);
	return 0;
}

int cmd_dispatch(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *workflow = NULL, *ref = "main";
	const char *names[MAX_INPUTS], *values[MAX_INPUTS];
	char keys[MAX_INPUTS][64];
	int ninputs = 0, list = 0, limit = 10;
	struct github_client gh;
	char err[1024], file[256];
	int rc;

	if (cmd_wants_help(argc, argv)) {
		fputs(cmd_dispatch_usage, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--list")) {
			list = 1;
		} else if (!strcmp(a, "--limit") || !strcmp(a, "--ref") || !strcmp(a, "--input")) {
			if (i + 1 >= argc)
				return cmd_bad_usage("dispatch", "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--ref")) {
				ref = v;
			} else if (!strcmp(a, "--limit")) {
				if (opt_int("dispatch", "--limit", v, 1, 100, NULL, &limit))
					return 2;
			} else {
				const char *eq = strchr(v, '=');
				if (!eq || eq == v || (size_t)(eq - v) >= sizeof(keys[0]))
					return cmd_bad_usage("dispatch", "--input wants NAME=VALUE, not '%s'", v);
				if (ninputs == MAX_INPUTS)
					return cmd_bad_usage("dispatch", "at most %d inputs", MAX_INPUTS);
				memcpy(keys[ninputs], v, (size_t)(eq - v));
				keys[ninputs][eq - v] = '\0';
				names[ninputs] = keys[ninputs];
				values[ninputs] = eq + 1;
				ninputs++;
			}
		} else if (a[0] == '-') {
			return cmd_bad_usage("dispatch", "unknown option '%s'", a);
		} else if (!workflow) {
			workflow = a;
		} else {
			return cmd_bad_usage("dispatch", "one workflow at a time ('%s' and '%s')",
					     workflow, a);
		}
	}
	if (list && (workflow || ninputs))
		return cmd_bad_usage("dispatch", "--list takes no workflow or inputs");
	if (!list && !workflow)
		return cmd_bad_usage("dispatch", "which workflow? e.g. 'dwhbi dispatch sync-toggl'");
	if (!*ref)
		return cmd_bad_usage("dispatch", "--ref wants a branch or tag name");

	if (config_require(&ctx->cfg, "GITHUB_TOKEN", err, sizeof(err)) ||
	    config_require(&ctx->cfg, "GITHUB_REPOSITORY", err, sizeof(err))) {
		log_error("dispatch: %s", err);
		return 2;
	}
	if (github_init(&gh, &ctx->cfg, err, sizeof(err)) < 0)
		return log_error("dispatch: %s", err) ? 1 : 1;
	if (list) {
		rc = list_runs(&gh, limit);
	} else if (github_dispatch(&gh, workflow, ref, names, values, ninputs, NULL,
				   err, sizeof(err)) < 0) {
		rc = log_error("%s", err) ? 1 : 1;
	} else {
		github_workflow_file(workflow, file, sizeof(file));
		printf("triggered %s on %s (ref %s); see 'dwhbi dispatch --list'\n", file,
		       gh.repository, ref);
		rc = 0;
	}
	github_release(&gh);
	return rc;
}
