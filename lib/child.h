/*
 * child: start another dwhbi (or any program) as a child process, and wait
 * for it with a bound.  Written once for `dwhbi run` (its steps) and the
 * console (its jobs).
 */
#ifndef DWHBI_CHILD_H
#define DWHBI_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#define CHILD_KEEP (-1)   /* stdout as the parent's */
#define CHILD_NULL (-2)   /* stdout to /dev/null */

struct child_opts {
	int out;                    /* CHILD_KEEP, CHILD_NULL or a descriptor */
	int err_too;                /* stderr goes where stdout goes (a descriptor only) */
	int detach;                 /* stdin from /dev/null, descriptors >= 3 closed,
	                               SIGPIPE back to default */
	const char *parent_run_id;  /* DWHBI_PARENT_RUN_ID for the child; NULL removes it */
	const char *who;            /* "dwhbi run", for the child's own error line */
};

/* Starts argv0 with args (NULL-terminated, at most 30, argv0 not among
 * them): a path is run as is, a bare name is looked up in PATH.  Returns the
 * pid, or -1 with the reason in err. */
pid_t child_start(const char *argv0, const char *const *args, const struct child_opts *o,
		  char *err, size_t errlen);

/* Waits for pid at most timeout_s seconds (<= 0: no limit); past it the
 * child gets SIGTERM, and SIGKILL grace_s seconds later.  Returns 0 when it
 * ended by itself (*status as waitpid gives it), 1 when it had to be
 * stopped, -1 when waiting failed (reason in err). */
int child_wait(pid_t pid, int timeout_s, int grace_s, int *status, char *err, size_t errlen);

#endif
