/*
 * auth: console token, sessions, CSRF tokens and login rate limiting (see
 * auth.h).
 */
#include "console/auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "console/form.h"
#include "lib/timeutil.h"

int auth_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t got = 0;

	if (nbytes > sizeof(raw))
		return -1;
	while (got < nbytes) {
		ssize_t n = getrandom(raw + got, nbytes - got, 0);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}

int auth_init(struct auth *a, const char *token, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (token && *token) {
		if (strlen(token) < 8 || strlen(token) >= sizeof(a->token)) {
			snprintf(err, errlen,
				 "DWHBI_CONSOLE_TOKEN must be 8 to 128 characters long; choose a longer random token");
			return -1;
		}
		snprintf(a->token, sizeof(a->token), "%s", token);
		return 0;
	}
	if (auth_random_hex(a->token, 16) < 0) {
		snprintf(err, errlen, "cannot read kernel randomness for the console token");
		return -1;
	}
	a->token_generated = 1;
	return 0;
}

static int expired(const struct session *s, int64_t now_usec)
{
	return now_usec - s->created_usec >
	       (int64_t)AUTH_SESSION_HOURS * 3600 * USEC_PER_SEC;
}

struct session *auth_login(struct auth *a, const char *token, int64_t now_usec,
			   int *limited)
{
	struct session *slot = NULL;

	*limited = 0;
	if (now_usec - a->fail_window_usec > 60 * USEC_PER_SEC) {
		a->fail_window_usec = now_usec;
		a->failures = 0;
	}
	if (a->failures >= AUTH_MAX_FAILURES) {
		*limited = 1;
		return NULL;
	}
	if (!token || !form_secret_equal(token, a->token)) {
		a->failures++;
		return NULL;
	}
	/* A free or expired slot, else the oldest session makes room. */
	for (int i = 0; i < AUTH_MAX_SESSIONS; i++) {
		struct session *s = &a->sessions[i];
		if (!s->id[0] || expired(s, now_usec)) {
			slot = s;
			break;
		}
		if (!slot || s->created_usec < slot->created_usec)
			slot = s;
	}
	memset(slot, 0, sizeof(*slot));
	if (auth_random_hex(slot->id, 32) < 0 ||
	    auth_random_hex(slot->csrf, 32) < 0) {
		memset(slot, 0, sizeof(*slot));
		return NULL;
	}
	slot->created_usec = now_usec;
	return slot;
}

struct session *auth_lookup(struct auth *a, const char *id, int64_t now_usec)
{
	if (!id || strlen(id) != 64)
		return NULL;
	for (int i = 0; i < AUTH_MAX_SESSIONS; i++) {
		struct session *s = &a->sessions[i];
		if (s->id[0] && form_secret_equal(id, s->id)) {
			if (expired(s, now_usec)) {
				memset(s, 0, sizeof(*s));
				return NULL;
			}
			return s;
		}
	}
	return NULL;
}

void auth_logout(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

int auth_bearer_ok(const struct auth *a, const char *header)
{
	/* The scheme is case-insensitive (RFC 9110 11.1). */
	if (!header || strncasecmp(header, "Bearer", 6) != 0 ||
	    (header[6] != ' ' && header[6] != '\t'))
		return 0;
	header += 7;
	while (*header == ' ' || *header == '\t')
		header++;
	return form_secret_equal(header, a->token);
}

void auth_flash(struct session *s, int error, const char *fmt, ...)
{
	va_list ap;

	if (!s)
		return;
	va_start(ap, fmt);
	vsnprintf(s->flash, sizeof(s->flash), fmt, ap);
	va_end(ap);
	s->flash_error = error;
}
