/*
 * actions: the console's state-changing operations, shared by the HTML forms
 * (page_*.c) and the JSON API (api.c) so both behave the same.  Each fills an
 * action_result with the HTTP status to answer, a word for the outcome and
 * a one-line message for a person; none of them checks authorization (the
 * server did that before).
 */
#ifndef DWHBI_CONSOLE_ACTIONS_H
#define DWHBI_CONSOLE_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

struct console;

struct action_result {
	unsigned http_status;   /* 200, 202, 400, 404, 409, 500, 502 */
	const char *status;     /* "started", "running", "triggered", "accepted",
	                           "rejected", "undone", or NULL on failure */
	int64_t run_id;         /* local runs: the ops.runs id (0 = unknown) */
	int upstream_status;    /* GitHub's HTTP status when dispatching */
	char message[600];
};

/* "sync now" for a service name of jobs_services ("toggl", "gcal",
 * "transform"): dispatch the GitHub workflow when configured, else start
 * the job locally in the background. */
void action_sync(struct console *c, const char *service, struct action_result *r);
/* Accepts (accept = 1) or rejects a pending proposal through
 * `dwhbi adjust accept|reject ID`. */
void action_decide(struct console *c, int64_t proposal_id, int accept,
		   struct action_result *r);
/* The day ("YYYY-MM-DD" into out) from which accepting a proposal of
 * period ("day", "week", "month") decided on as_of ("YYYY-MM-DD") would
 * change the goal: the start of the period after today (or after as_of
 * when that is later) in the console's zone.  0, or -1 when period or
 * as_of do not parse. */
int action_takes_effect(const struct console *c, const char *period, const char *as_of,
			char *out, size_t outlen);
/* Undoes an accepted proposal whose new goal version has not taken effect
 * yet (its valid_from is after today in the console's zone): the previous
 * goal version is in effect again (ref/goals.c goals_undo_version) and the
 * proposal is pending again (superseded when a newer one is pending). */
void action_undo(struct console *c, int64_t proposal_id, struct action_result *r);
/* Renders the monthly report of month ("YYYY-MM") into the reports
 * directory in the background. */
void action_render(struct console *c, const char *month, struct action_result *r);

#endif
