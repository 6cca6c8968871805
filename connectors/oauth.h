/*
 * oauth: Google's OAuth 2.0 refresh-token grant, the only way dwhbi gets a
 * Google access token.  The person authorizes once (outside dwhbi) and puts
 * the long-lived refresh token in GOOGLE_REFRESH_TOKEN; every run trades it
 * for a short-lived access token at GOOGLE_OAUTH_URL.  The access token lives
 * in memory only (never in the database, a file or a log line: it is
 * registered with log_add_secret() as soon as it arrives).
 *
 * Google answers a revoked or expired refresh token with 400
 * {"error": "invalid_grant"}.  That never heals by retrying, so it is
 * reported as OAUTH_REVOKED with the message the person needs to act on.
 */
#ifndef DWHBI_OAUTH_H
#define DWHBI_OAUTH_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct http_client;

/* Returned by oauth_refresh()/oauth_access_token() for invalid_grant. */
#define OAUTH_REVOKED (-2)
#define OAUTH_REVOKED_MESSAGE \
	"Google authorization expired or revoked: re-authorize and update GOOGLE_REFRESH_TOKEN"

struct oauth {
	struct http_client *http;       /* borrowed; the connector's client */
	const char *token_url;          /* borrowed from the config */
	const char *client_id;
	const char *client_secret;
	const char *refresh_token;
	char *access_token;             /* owned, NULL until the first refresh */
	int64_t expires_at_usec;        /* when access_token stops working */
	int refreshes;                  /* grants made this run (statistics) */
};

/* Borrows http and the Google fields of cfg (which must outlive o). */
void oauth_init(struct oauth *o, struct http_client *http,
		const struct config *cfg);
/* Frees the access token; o can be initialised again. */
void oauth_release(struct oauth *o);

/* Trades the refresh token for a new access token.  Returns 0; -1 with a
 * one-line reason in err; OAUTH_REVOKED (err = OAUTH_REVOKED_MESSAGE) when
 * Google refuses the grant. */
int oauth_refresh(struct oauth *o, char *err, size_t errlen);

/* Sets *token to a usable access token (owned by o, valid until the next
 * refresh), refreshing first when there is none or it expires within a
 * minute.  Same returns as oauth_refresh(). */
int oauth_access_token(struct oauth *o, const char **token, char *err,
		       size_t errlen);

#endif
