/*
 * auth: who may do what on the console.  There is one secret, the console
 * token (DWHBI_CONSOLE_TOKEN, or a random one made at start when the console
 * listens on loopback and none is set).  A person trades it for a session on
 * the login form: the session id travels in an HttpOnly, SameSite=Strict
 * cookie and each session has its own CSRF token that every form carries.
 * API clients send the token itself as "Authorization: Bearer".  Sessions
 * live in a fixed table in memory (the oldest is evicted when it is full)
 * and end after AUTH_SESSION_HOURS; failed logins are rate-limited.
 */
#ifndef DWHBI_CONSOLE_AUTH_H
#define DWHBI_CONSOLE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_MAX_SESSIONS 32
#define AUTH_SESSION_HOURS 12
#define AUTH_MAX_FAILURES 10        /* failed logins per minute */
#define AUTH_COOKIE "dwhbi_session"

struct session {
	char id[65];                /* 64 hex digits; "" = free slot */
	char csrf[65];
	int64_t created_usec;
	char flash[400];            /* one message for the next page */
	int flash_error;
};

struct auth {
	char token[129];
	int token_generated;
	struct session sessions[AUTH_MAX_SESSIONS];
	int64_t fail_window_usec;
	int failures;
};

/* Uses token when non-empty, else makes a random one (token_generated = 1).
 * A configured token shorter than 8 bytes is refused.  Returns 0 or -1. */
int auth_init(struct auth *a, const char *token, char *err, size_t errlen);
/* Checks a login attempt.  Returns a new session, or NULL with *limited = 1
 * when too many attempts failed in the last minute, 0 when the token is
 * wrong. */
struct session *auth_login(struct auth *a, const char *token, int64_t now_usec,
			   int *limited);
/* The live session with this id, or NULL. */
struct session *auth_lookup(struct auth *a, const char *id, int64_t now_usec);
void auth_logout(struct session *s);
/* 1 when header is "Bearer <the console token>" (scheme in any case). */
int auth_bearer_ok(const struct auth *a, const char *header);
/* Fills out with 2*nbytes hex digits of kernel randomness; 0 or -1. */
int auth_random_hex(char *out, size_t nbytes);
void auth_flash(struct session *s, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
