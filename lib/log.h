/*
 * log: diagnostics on stderr with levels, UTC timestamps and secret redaction.
 *
 * Program output goes to stdout; everything here goes to stderr.  Every
 * message passes through log_redact() first, so a value registered with
 * log_add_secret() (config_load registers every configured secret) is never
 * printed, whatever the caller formats into it.  log_error() returns -1 so a
 * failing path reads `return log_error("cannot open '%s'", path);`.
 * The last error message is kept (redacted) for ops.runs.error.
 */
#ifndef DWHBI_LOG_H
#define DWHBI_LOG_H

#include <stddef.h>

enum log_level { LOG_QUIET = -1, LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Registers a secret value (ignored when NULL or shorter than 4 bytes);
 * from now on it is replaced by "***" in every message. */
void log_add_secret(const char *value);
/* Registers the HTTP Basic credentials user:password as secrets: the raw
 * pair and its base64 (with and without padding), the form a server that
 * echoes the Authorization header sends back.  Ignored when user is NULL. */
void log_add_basic_secret(const char *user, const char *password);
/* Forgets every registered secret (tests). */
void log_clear_secrets(void);
/* Replaces every registered secret in s by "***"; returns a new string that
 * the caller frees. */
char *log_redact(const char *s);

int log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress line on stderr, only when stderr is a terminal and level >= INFO;
 * rewrites the current line ("\r").  log_progress_done() ends the line. */
void log_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_progress_done(void);
/* Whether progress lines are shown: stderr is a terminal and the level is
 * info or more.  DWHBI_PROGRESS=1 forces them where stderr is not a
 * terminal (tests, a log someone watches with tail -f): each update is then
 * a line of its own; DWHBI_PROGRESS=0 turns them off. */
int log_progress_wanted(void);

/* The last message given to log_error() (redacted), or NULL. */
const char *log_last_error(void);
void log_clear_last_error(void);

/* Every message of this process at level INFO or more severe (DEBUG too
 * when the level is DEBUG) is also kept, redacted, for the run's log
 * (ops.run_logs, written as they come by lib/runs.c): the first LOG_KEEP_HEAD lines and
 * the last LOG_KEEP_TAIL, each cut at LOG_KEEP_LINE_BYTES bytes; the lines
 * in between are counted in log_kept_dropped(). */
#define LOG_KEEP_HEAD 100
#define LOG_KEEP_TAIL 300
#define LOG_KEEP_LINE_BYTES 2000

struct log_line {
	long long usec;          /* UTC, microseconds since the epoch */
	enum log_level level;
	const char *text;        /* redacted */
};
/* The kept lines in order: n from 0 to log_kept_count() - 1; the lines
 * dropped between the head and the tail are not among them. */
unsigned log_kept_count(void);
const struct log_line *log_kept_line(unsigned n);
unsigned long log_kept_dropped(void);
/* The index of the first tail line (lines before it are the head). */
unsigned log_kept_head(void);
/* Called after each line is kept (with its level), so the run's log can be
 * stored while the run goes on (lib/runs.c); NULL removes it.  The hook
 * may log (such lines are kept but do not call it again). */
void log_set_keep_hook(void (*hook)(enum log_level));

#endif
