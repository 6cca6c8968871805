/*
 * child: fork + exec with the descriptors and environment a dwhbi child
 * needs, and a bounded wait (see lib/child.h).
 */
#include "lib/child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILD_MAX_ARGS 30

static void exec_child(const char *argv0, const char *const *argv, const struct child_opts *o)
{
	int null_fd = -1;

	if (o->parent_run_id)
		setenv("DWHBI_PARENT_RUN_ID", o->parent_run_id, 1);
	else
		unsetenv("DWHBI_PARENT_RUN_ID");
	if (o->detach || o->out == CHILD_NULL)
		null_fd = open("/dev/null", O_RDWR);
	if (o->detach) {
		signal(SIGPIPE, SIG_DFL);
		if (null_fd >= 0)
			dup2(null_fd, 0);
	}
	if (o->out == CHILD_NULL && null_fd >= 0)
		dup2(null_fd, 1);
	else if (o->out >= 0) {
		dup2(o->out, 1);
		if (o->err_too)
			dup2(o->out, 2);
	}
	if (o->detach)
		close_range(3, ~0U, 0);	/* sockets and the database stay with the parent */
	if (strchr(argv0, '/'))
		execv(argv0, (char *const *)argv);
	else
		execvp(argv0, (char *const *)argv);
	dprintf(2, "%s: cannot run '%s': %s\n", o->who ? o->who : "dwhbi", argv0, strerror(errno));
	_exit(127);
}

pid_t child_start(const char *argv0, const char *const *args, const struct child_opts *o,
		  char *err, size_t errlen)
{
	const char *argv[CHILD_MAX_ARGS + 2];
	int n = 0;
	pid_t pid;

	argv[n++] = argv0;
	for (int i = 0; args && args[i]; i++) {
		if (n > CHILD_MAX_ARGS) {
			snprintf(err, errlen, "cannot start '%s': more than %d arguments", argv0,
				 CHILD_MAX_ARGS);
			return -1;
		}
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot start '%s': %s", argv0, strerror(errno));
		return -1;
	}
	if (pid == 0)
		exec_child(argv0, argv, o);
	return pid;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int child_wait(pid_t pid, int timeout_s, int grace_s, int *status, char *err, size_t errlen)
{
	double deadline = now_seconds() + timeout_s, killed_at = 0;

	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return killed_at ? 1 : 0;
		if (w < 0 && errno != EINTR) {
			snprintf(err, errlen, "lost the child process: %s", strerror(errno));
			return -1;
		}
		double t = now_seconds();
		if (timeout_s > 0 && !killed_at && t > deadline) {
			kill(pid, SIGTERM);
			killed_at = t;
		} else if (killed_at && t > killed_at + grace_s) {
			kill(pid, SIGKILL);
		}
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}
