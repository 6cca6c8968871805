/*
 * jobs: the console's actions that run other dwhbi commands.
 *
 * "sync now" without GitHub settings, and "render a report", start
 * `dwhbi <args>` (the running binary) as a background child, one at a time
 * per job and at most JOBS_MAX at once; the child records itself in ops.runs
 * like any command (DWHBI_PARENT_RUN_ID removed, so it is a top-level run)
 * and the console finds that row to return its id.  Accepting or rejecting
 * a proposal runs `dwhbi adjust accept|reject ID` and waits for it, so goal
 * versioning lives only in the adjuster.  With GITHUB_TOKEN and
 * GITHUB_REPOSITORY set, "sync now" dispatches the service's workflow instead
 * (jobs_dispatch).  The server loop calls jobs_reap() to collect children.
 */
#ifndef DWHBI_CONSOLE_JOBS_H
#define DWHBI_CONSOLE_JOBS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/buf.h"

#define JOBS_MAX 4

/* A service the console can sync: its URL name, the local command, the
 * GitHub workflow file and the prefix of its rows in source_freshness. */
struct service {
	const char *name;        /* "toggl" */
	const char *label;       /* "Toggl Track" */
	const char *job;         /* ops.runs job: "sync toggl" */
	const char *args[3];     /* dwhbi arguments, NULL-terminated */
	const char *workflow;    /* "sync-toggl.yml" */
	const char *source;      /* "toggl_track"; NULL for non-sources */
};

extern const struct service jobs_services[];   /* ends with name == NULL */
const struct service *jobs_service(const char *name);

struct job {
	char name[32];           /* ops.runs job name; "" = free */
	pid_t pid;
	int64_t started_usec;
	int64_t run_id;          /* 0 until found */
};

struct jobs {
	const char *argv0;
	struct job slot[JOBS_MAX];
};

void jobs_init(struct jobs *j, const char *argv0);
/* Starts `argv0 args...` as job name.  Returns 0 with the child's run id in
 * *run_id (0 if it had not recorded one within a few seconds), 1 when the
 * job is already running (*run_id = that run's id, if known), or -1 with a
 * reason in err (too many jobs, fork failed, the child failed before it
 * recorded a run). */
int jobs_start(struct jobs *j, PGconn *db, const char *name,
	       const char *const *args, int64_t *run_id, char *err, size_t errlen);
/* Collects finished children; never blocks. */
void jobs_reap(struct jobs *j);
/* The running job of that name, or NULL. */
const struct job *jobs_find(const struct jobs *j, const char *name);

/* Runs `argv0 args...` and waits at most timeout_s seconds, keeping up to
 * 4 KiB of its combined output in out.  Returns its exit status, or -1 with
 * a reason in err when it could not start, was killed, or timed out. */
int jobs_run_wait(const char *argv0, const char *const *args, int timeout_s,
		  struct buf *out, char *err, size_t errlen);

struct config;
/* 1 when GITHUB_TOKEN and GITHUB_REPOSITORY are set. */
int jobs_dispatch_configured(const struct config *cfg);
/* Dispatches workflow on GitHub.  Returns 0 when GitHub answered 204, else
 * -1 with the HTTP status (0 when no answer) in *http_status and the reason
 * in err. */
int jobs_dispatch(const struct config *cfg, const char *workflow,
		  int *http_status, char *err, size_t errlen);

#endif
