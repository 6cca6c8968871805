/*
 * oauth: the refresh-token grant against GOOGLE_OAUTH_URL (see oauth.h).
 * The request carries the client secret and the refresh token in a form
 * body, never in the URL, so no secret can reach a log line through a URL;
 * the access token that comes back is registered as a secret at once.
 */
#include "connectors/oauth.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/config.h"
#include "connectors/http.h"
#include "lib/log.h"
#include "lib/timeutil.h"

/* A token that expires within this margin is refreshed before use, so a
 * request never starts with a token that dies on the way. */
#define OAUTH_EXPIRY_MARGIN_USEC (60 * USEC_PER_SEC)

void oauth_init(struct oauth *o, struct http_client *http,
		const struct config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->http = http;
	o->token_url = cfg->google_oauth_url;
	o->client_id = cfg->google_client_id;
	o->client_secret = cfg->google_client_secret;
	o->refresh_token = cfg->google_refresh_token;
}

void oauth_release(struct oauth *o)
{
	free(o->access_token);
	o->access_token = NULL;
	o->expires_at_usec = 0;
}

static void form_add(struct buf *b, const char *name, const char *value)
{
	if (b->len)
		buf_putc(b, '&');
	buf_puts(b, name);
	buf_putc(b, '=');
	http_url_encode(b, value ? value : "");
}

/* Reads Google's {"error": "...", "error_description": "..."} into a short
 * text for a message; the description never holds a secret. */
static void oauth_error_text(const struct http_response *r, char *out,
			     size_t outlen)
{
	cJSON *j = cJSON_ParseWithLength(r->body.data, r->body.len);
	const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
	const cJSON *d = j ? cJSON_GetObjectItemCaseSensitive(j, "error_description") : NULL;

	if (cJSON_IsString(e) && cJSON_IsString(d))
		snprintf(out, outlen, "%s: %s", e->valuestring, d->valuestring);
	else if (cJSON_IsString(e))
		snprintf(out, outlen, "%s", e->valuestring);
	else
		http_body_excerpt(r, out, outlen);
	cJSON_Delete(j);
}

static int is_invalid_grant(const struct http_response *r)
{
	cJSON *j = cJSON_ParseWithLength(r->body.data, r->body.len);
	const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
	int yes = cJSON_IsString(e) && strcmp(e->valuestring, "invalid_grant") == 0;

	cJSON_Delete(j);
	return yes;
}

int oauth_refresh(struct oauth *o, char *err, size_t errlen)
{
	struct buf form = BUF_INIT;
	struct http_response resp;
	const char *headers[] = {
		"Content-Type: application/x-www-form-urlencoded",
		"Accept: application/json",
		NULL
	};
	struct http_request req = { 0 };
	const cJSON *tok, *exp;
	char text[300];
	int rc = -1;

	if (!o->refresh_token || !*o->refresh_token || !o->client_id ||
	    !o->client_secret) {
		snprintf(err, errlen, "google credentials are incomplete: set "
			 "GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REFRESH_TOKEN");
		return -1;
	}
	form_add(&form, "client_id", o->client_id);
	form_add(&form, "client_secret", o->client_secret);
	form_add(&form, "refresh_token", o->refresh_token);
	form_add(&form, "grant_type", "refresh_token");

	req.method = "POST";
	req.url = o->token_url;
	req.headers = headers;
	req.body = form.data;
	req.body_len = form.len;
	req.want_json = 1;

	http_response_init(&resp);
	if (http_send(o->http, &req, &resp, text, sizeof(text)) < 0) {
		snprintf(err, errlen, "cannot get a google access token: %s", text);
		goto out;
	}
	if (resp.status == 400 && is_invalid_grant(&resp)) {
		snprintf(err, errlen, "%s", OAUTH_REVOKED_MESSAGE);
		rc = OAUTH_REVOKED;
		goto out;
	}
	if (resp.status != 200) {
		oauth_error_text(&resp, text, sizeof(text));
		snprintf(err, errlen, "google token endpoint answered %ld (%s): "
			 "check GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and "
			 "GOOGLE_OAUTH_URL", resp.status, text);
		goto out;
	}
	tok = resp.json ? cJSON_GetObjectItemCaseSensitive(resp.json, "access_token") : NULL;
	exp = resp.json ? cJSON_GetObjectItemCaseSensitive(resp.json, "expires_in") : NULL;
	if (!cJSON_IsString(tok) || !*tok->valuestring) {
		snprintf(err, errlen, "google token endpoint gave no access_token: "
			 "check GOOGLE_OAUTH_URL");
		goto out;
	}
	/* Registered before anything else can print it. */
	log_add_secret(tok->valuestring);
	/* It goes into an Authorization header: CR or LF would add headers of
	 * the server's choosing to every Calendar request. */
	if (http_header_unsafe(tok->valuestring)) {
		snprintf(err, errlen, "google token endpoint gave an access_token that "
			 "holds a CR, LF or other control byte; refusing it (check "
			 "GOOGLE_OAUTH_URL)");
		goto out;
	}
	free(o->access_token);
	o->access_token = strdup(tok->valuestring);
	if (!o->access_token)
		abort();
	/* Google says 3599 s; a missing or odd value gets a cautious minute. */
	o->expires_at_usec = time_now_usec() +
		(cJSON_IsNumber(exp) && exp->valuedouble > 0 &&
		 exp->valuedouble < 86400 ?
		 (int64_t)exp->valuedouble : 60) * USEC_PER_SEC;
	o->refreshes++;
	log_debug("google access token refreshed (expires in %.0f s)",
		  cJSON_IsNumber(exp) ? exp->valuedouble : 60.0);
	rc = 0;
out:
	http_response_release(&resp);
	buf_release(&form);
	return rc;
}

int oauth_access_token(struct oauth *o, const char **token, char *err,
		       size_t errlen)
{
	if (!o->access_token ||
	    time_now_usec() + OAUTH_EXPIRY_MARGIN_USEC >= o->expires_at_usec) {
		int rc = oauth_refresh(o, err, errlen);

		if (rc < 0)
			return rc;
	}
	*token = o->access_token;
	return 0;
}
