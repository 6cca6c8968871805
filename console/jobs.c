/*
 * jobs: background and foreground runs of other dwhbi commands for the
 * console (see jobs.h).
 */
#include "console/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/db.h"
#include "lib/timeutil.h"

const struct service jobs_services[] = {
	{ "toggl", "Toggl Track", "sync toggl", { "sync", "toggl", NULL },
	  "sync-toggl.yml", "toggl_track" },
	{ "gcal", "Google Calendar", "sync gcal", { "sync", "gcal", NULL },
	  "sync-gcal.yml", "google_calendar" },
	{ "transform", "Transform (marts)", "transform", { "transform", NULL, NULL },
	  "transform.yml", NULL },
	{ NULL, NULL, NULL, { NULL, NULL, NULL }, NULL, NULL },
};

const struct service *jobs_service(const char *name)
{
	for (const struct service *s = jobs_services; name && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

void jobs_init(struct jobs *j, const char *argv0)
{
	memset(j, 0, sizeof(*j));
	j->argv0 = argv0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const struct job *jobs_find(const struct jobs *j, const char *name)
{
	for (int i = 0; i < JOBS_MAX; i++)
		if (j->slot[i].name[0] && strcmp(j->slot[i].name, name) == 0)
			return &j->slot[i];
	return NULL;
}

static int64_t find_run(PGconn *db, const char *name, const char *since)
{
	const char *params[2] = { name, since };
	char id[32], err[256];

	if (db_query_value(db,
			   "SELECT id FROM ops.runs WHERE job = $1 AND started_at >= $2::timestamptz ORDER BY id LIMIT 1",
			   2, params, id, sizeof(id), err, sizeof(err)) == 1)
		return strtoll(id, NULL, 10);
	return 0;
}

int jobs_start(struct jobs *j, PGconn *db, const char *name,
	       const char *const *args, int64_t *run_id, char *err, size_t errlen)
{
	struct job *slot = NULL;
	const struct job *running;
	char since[64];
	pid_t pid;

	*run_id = 0;
	jobs_reap(j);
	running = jobs_find(j, name);
	if (running) {
		*run_id = running->run_id;
		return 1;
	}
	for (int i = 0; i < JOBS_MAX && !slot; i++)
		if (!j->slot[i].name[0])
			slot = &j->slot[i];
	if (!slot) {
		snprintf(err, errlen, "%d jobs are running already; try again when one has finished",
			 JOBS_MAX);
		return -1;
	}
	if (db_query_value(db, "SELECT clock_timestamp()::text", 0, NULL, since,
			   sizeof(since), err, errlen) != 1)
		return -1;
	struct child_opts co = { .out = CHILD_NULL, .detach = 1, .who = "dwhbi serve" };
	pid = child_start(j->argv0, args, &co, err, errlen);
	if (pid < 0)
		return -1;

	snprintf(slot->name, sizeof(slot->name), "%s", name);
	slot->pid = pid;
	slot->started_usec = time_now_usec();
	slot->run_id = 0;

	/* The child records its ops.runs row within milliseconds; wait a
	 * bounded while for it so the caller can show the run. */
	for (int tries = 0; tries < 100; tries++) {
		int status;
		pid_t done = waitpid(pid, &status, WNOHANG);

		slot->run_id = find_run(db, name, since);
		if (slot->run_id) {
			*run_id = slot->run_id;
			if (done == pid)
				memset(slot, 0, sizeof(*slot));
			return 0;
		}
		if (done == pid) {
			memset(slot, 0, sizeof(*slot));
			snprintf(err, errlen,
				 "'dwhbi %s' exited with status %d before it recorded a run; see the console's log",
				 name, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			return -1;
		}
		sleep_ms(50);
	}
	return 0;
}

void jobs_reap(struct jobs *j)
{
	for (int i = 0; i < JOBS_MAX; i++) {
		int status;
		if (j->slot[i].name[0] &&
		    waitpid(j->slot[i].pid, &status, WNOHANG) == j->slot[i].pid)
			memset(&j->slot[i], 0, sizeof(j->slot[i]));
	}
}

int jobs_run_wait(const char *argv0, const char *const *args, int timeout_s,
		  struct buf *out, char *err, size_t errlen)
{
	int fds[2], status = 0;
	int64_t deadline = time_now_usec() + (int64_t)timeout_s * USEC_PER_SEC;
	pid_t pid;
	int open_pipe = 1, timed_out = 0;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	/* dup2 in the child clears O_CLOEXEC on the copies. */
	struct child_opts co = { .out = fds[1], .err_too = 1, .detach = 1, .who = "dwhbi serve" };
	pid = child_start(argv0, args, &co, err, errlen);
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	while (open_pipe) {
		int64_t left = (deadline - time_now_usec()) / 1000;
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		char chunk[1024];
		ssize_t n;

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			break;
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			open_pipe = 0;
			break;
		}
		if (out->len < 4096)
			buf_append(out, chunk, (size_t)n > 4096 - out->len ? 4096 - out->len : (size_t)n);
	}
	close(fds[0]);
	/* The pipe closed; the process ends right after.  Bound that too. */
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(err, errlen, "lost track of 'dwhbi %s'", args[0]);
			return -1;
		}
		if (timed_out || time_now_usec() > deadline) {
			timed_out = 1;
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		sleep_ms(20);
	}
	if (timed_out) {
		snprintf(err, errlen, "'dwhbi %s' took longer than %d s and was stopped",
			 args[0], timeout_s);
		return -1;
	}
	if (!WIFEXITED(status)) {
		snprintf(err, errlen, "'dwhbi %s' was killed by signal %d", args[0],
			 WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}
