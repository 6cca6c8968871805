/*
 * fuzz_oauth_reply: the whole reply of Google's token endpoint, raw bytes
 * on the wire (status line, headers, body), read by the real client path:
 * libcurl, connectors/http.c (headers, retry policy, JSON) and
 * connectors/oauth.c (access_token, expires_in, invalid_grant, errors).
 * Properties: a refresh that succeeds holds an access token that is safe in
 * a header; no message ever shows the client secret or the refresh token.
 * Retries do not sleep (the client's sleep hook), and the wait budget is
 * small, so one input costs at most a few round trips on loopback.
 */
#include <stdio.h>

#include "connectors/http.h"
#include "connectors/oauth.h"
#include "lib/config.h"
#include "lib/log.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/loopback.h"

static char token_url[64];

static void no_sleep(int64_t ms)
{
	(void)ms;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	int port = loopback_start();
	if (port < 0)
		abort();
	snprintf(token_url, sizeof(token_url), "http://127.0.0.1:%d/token", port);
	log_add_secret("fuzz-client-secret-9d2e");
	log_add_secret("fuzz-refresh-token-71aa");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct http_client http;
	struct oauth o;
	char err[1024];

	memset(&cfg, 0, sizeof(cfg));
	cfg.http_timeout = 5;
	cfg.http_wait_budget = 3;
	cfg.google_oauth_url = token_url;
	cfg.google_client_id = "fuzz-client-id";
	cfg.google_client_secret = "fuzz-client-secret-9d2e";
	cfg.google_refresh_token = "fuzz-refresh-token-71aa";
	loopback_serve(data, size);
	if (http_client_init(&http, "google", &cfg, err, sizeof(err)) < 0)
		abort();
	http.sleep_ms = no_sleep;
	http.max_body = 1 << 20;
	oauth_init(&o, &http, &cfg);
	err[0] = '\0';
	int rc = oauth_refresh(&o, err, sizeof(err));
	if (rc == 0) {
		FUZZ_ASSERT(o.access_token && *o.access_token);
		FUZZ_ASSERT(!http_header_unsafe(o.access_token));
		FUZZ_ASSERT(o.expires_at_usec > 0);
	} else {
		FUZZ_ASSERT(err[0] != '\0');
		char *shown = log_redact(err);
		FUZZ_ASSERT(strstr(shown, "fuzz-client-secret-9d2e") == NULL);
		FUZZ_ASSERT(strstr(shown, "fuzz-refresh-token-71aa") == NULL);
		free(shown);
	}
	oauth_release(&o);
	http_client_release(&http);
	log_clear_last_error();
	return 0;
}
