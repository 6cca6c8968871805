/*
 * test_oauth: the Google refresh-token grant (connectors/oauth.c) against a
 * tiny in-process token endpoint that answers from a script and keeps the
 * last form body, so the request encoding, the token's life in memory, the
 * invalid_grant contract and the redaction of the new token are checked
 * without a network or a fake process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/config.h"
#include "connectors/http.h"
#include "connectors/oauth.h"
#include "tests/unit/script_server.h"
#include "lib/log.h"

static void no_sleep(int64_t ms)
{
	(void)ms;
}

/* A client and an oauth on the scripted endpoint, with awkward secrets. */
struct rig {
	struct config cfg;
	struct http_client http;
	struct oauth o;
};

static void rig_init(struct rig *r, int n, const struct script_answer *a)
{
	char err[256];

	memset(r, 0, sizeof(*r));
	r->cfg.google_oauth_url = script_srv.url;
	r->cfg.google_client_id = "123-abc.apps.googleusercontent.com";
	r->cfg.google_client_secret = "GOCSPX-s/e+c&ret=";
	r->cfg.google_refresh_token = "1//0refresh&token+x";
	r->cfg.http_wait_budget = 10;
	r->cfg.http_timeout = 10;
	assert_int_equal(http_client_init(&r->http, "google", &r->cfg, err, sizeof(err)), 0);
	r->http.sleep_ms = no_sleep;
	oauth_init(&r->o, &r->http, &r->cfg);
	script_server_set(&script_srv, n, a);
	log_clear_secrets();
	log_set_level(LOG_QUIET);
}

static void rig_release(struct rig *r)
{
	oauth_release(&r->o);
	http_client_release(&r->http);
}

static void test_grant_encodes_the_form_and_keeps_the_token(void **state)
{
	(void)state;
	const struct script_answer a[] = {
		{ 200, NULL, "{\"access_token\": \"ya29.first-token\", \"expires_in\": 3599, "
		       "\"scope\": \"x\", \"token_type\": \"Bearer\"}" },
	};
	struct rig r;
	const char *tok = NULL;
	char err[256];

	rig_init(&r, 1, a);
	assert_int_equal(oauth_access_token(&r.o, &tok, err, sizeof(err)), 0);
	assert_string_equal(tok, "ya29.first-token");
	/* Reserved characters of the secrets are percent-encoded. */
	assert_non_null(strstr(script_srv.last_body.data, "client_secret=GOCSPX-s%2Fe%2Bc%26ret%3D"));
	assert_non_null(strstr(script_srv.last_body.data, "refresh_token=1%2F%2F0refresh%26token%2Bx"));
	assert_non_null(strstr(script_srv.last_body.data, "grant_type=refresh_token"));
	/* A valid token is reused: no second grant. */
	assert_int_equal(oauth_access_token(&r.o, &tok, err, sizeof(err)), 0);
	assert_int_equal(script_srv.served, 1);
	assert_int_equal(r.o.refreshes, 1);
	/* The new token is a secret from now on. */
	char *red = log_redact("Authorization: Bearer ya29.first-token");
	assert_string_equal(red, "Authorization: Bearer ***");
	free(red);
	rig_release(&r);
}

static void test_short_lived_token_is_refreshed_before_use(void **state)
{
	(void)state;
	const struct script_answer a[] = {
		{ 200, NULL, "{\"access_token\": \"ya29.short-1\", \"expires_in\": 30}" },
		{ 200, NULL, "{\"access_token\": \"ya29.short-2\", \"expires_in\": 3599}" },
	};
	struct rig r;
	const char *tok = NULL;
	char err[256];

	rig_init(&r, 2, a);
	assert_int_equal(oauth_access_token(&r.o, &tok, err, sizeof(err)), 0);
	assert_string_equal(tok, "ya29.short-1");
	/* 30 s is inside the one-minute margin: the next use refreshes. */
	assert_int_equal(oauth_access_token(&r.o, &tok, err, sizeof(err)), 0);
	assert_string_equal(tok, "ya29.short-2");
	assert_int_equal(script_srv.served, 2);
	rig_release(&r);
}

static void test_invalid_grant_is_revoked_and_not_retried(void **state)
{
	(void)state;
	const struct script_answer a[] = {
		{ 400, NULL, "{\"error\": \"invalid_grant\", \"error_description\": "
		       "\"Token has been expired or revoked.\"}" },
	};
	struct rig r;
	const char *tok = NULL;
	char err[256];

	rig_init(&r, 1, a);
	assert_int_equal(oauth_access_token(&r.o, &tok, err, sizeof(err)), OAUTH_REVOKED);
	assert_string_equal(err, OAUTH_REVOKED_MESSAGE);
	assert_int_equal(script_srv.served, 1);
	assert_null(r.o.access_token);
	rig_release(&r);
}

static void test_invalid_client_names_the_variables_not_the_secret(void **state)
{
	(void)state;
	const struct script_answer a[] = {
		{ 401, NULL, "{\"error\": \"invalid_client\", \"error_description\": "
		       "\"The OAuth client was not found.\"}" },
	};
	struct rig r;
	const char *tok = NULL;
	char err[512];

	rig_init(&r, 1, a);
	assert_int_equal(oauth_refresh(&r.o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "401"));
	assert_non_null(strstr(err, "invalid_client"));
	assert_non_null(strstr(err, "GOOGLE_CLIENT_SECRET"));
	assert_null(strstr(err, r.cfg.google_client_secret));
	assert_null(strstr(err, r.cfg.google_refresh_token));
	(void)tok;
	rig_release(&r);
}

static void test_server_errors_are_retried(void **state)
{
	(void)state;
	const struct script_answer a[] = {
		{ 503, NULL, "{\"error\": \"unavailable\"}" },
		{ 500, NULL, "{\"error\": \"internal\"}" },
		{ 200, NULL, "{\"access_token\": \"ya29.after-retries\", \"expires_in\": 3599}" },
	};
	struct rig r;
	const char *tok = NULL;
	char err[256];

	rig_init(&r, 3, a);
	assert_int_equal(oauth_access_token(&r.o, &tok, err, sizeof(err)), 0);
	assert_string_equal(tok, "ya29.after-retries");
	assert_int_equal(script_srv.served, 3);
	rig_release(&r);
}

static void test_missing_access_token_and_credentials(void **state)
{
	(void)state;
	const struct script_answer a[] = {
		{ 200, NULL, "{\"token_type\": \"Bearer\"}" },
	};
	struct rig r;
	char err[256];

	rig_init(&r, 1, a);
	assert_int_equal(oauth_refresh(&r.o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no access_token"));
	r.o.refresh_token = NULL;
	assert_int_equal(oauth_refresh(&r.o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "GOOGLE_REFRESH_TOKEN"));
	assert_int_equal(script_srv.served, 1);
	rig_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grant_encodes_the_form_and_keeps_the_token),
		cmocka_unit_test(test_short_lived_token_is_refreshed_before_use),
		cmocka_unit_test(test_invalid_grant_is_revoked_and_not_retried),
		cmocka_unit_test(test_invalid_client_names_the_variables_not_the_secret),
		cmocka_unit_test(test_server_errors_are_retried),
		cmocka_unit_test(test_missing_access_token_and_credentials),
	};

	script_srv.path = "token";
	script_srv.after = (struct script_answer){ 500, NULL, "{\"error\": \"script ended\"}" };
	script_srv.every_header = "Content-Type: application/json";
	return cmocka_run_group_tests(tests, script_server_setup, script_server_teardown);
}
