/*
 * Configuration validation, log redaction and the growing buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/config.h"
#include "lib/log.h"

static const char *vars[] = {
	"DATABASE_URL", "DWHBI_TIMEZONE", "TOGGL_API_TOKEN", "TOGGL_WORKSPACE_ID",
	"TOGGL_API_BASE", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN",
	"GCAL_CALENDAR_IDS", "GCAL_HOLIDAY_CALENDAR_ID", "GOOGLE_API_BASE", "GOOGLE_OAUTH_URL",
	"GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_BASE", "DWHBI_CONSOLE_TOKEN",
	"DWHBI_HTTP_WAIT_BUDGET", "DWHBI_HTTP_TIMEOUT", "PGPASSWORD",
};

static int clean_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	log_clear_secrets();
	return 0;
}

static void defaults(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	assert_int_equal(config_load(&c, err, sizeof(err)), 0);
	assert_string_equal(c.timezone, "UTC");
	assert_string_equal(c.gcal_calendar_ids, "primary");
	assert_string_equal(c.toggl_api_base, "https://api.track.toggl.com");
	assert_string_equal(c.google_oauth_url, "https://oauth2.googleapis.com/token");
	assert_int_equal(c.http_wait_budget, 300);
	assert_null(c.database_url);
	assert_int_equal(c.toggl_workspace_id, 0);
}

static void valid_values(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	setenv("DWHBI_TIMEZONE", "Asia/Tokyo", 1);
	setenv("TOGGL_WORKSPACE_ID", "9007199254740993", 1);  /* above 2^53 */
	setenv("GITHUB_REPOSITORY", "someone/dwhbi", 1);
	setenv("DWHBI_HTTP_WAIT_BUDGET", "5", 1);
	assert_int_equal(config_load(&c, err, sizeof(err)), 0);
	assert_string_equal(c.timezone, "Asia/Tokyo");
	assert_true(c.toggl_workspace_id == INT64_C(9007199254740993));
	assert_int_equal(c.http_wait_budget, 5);
}

static void expect_error(const char *var, const char *value, const char *needle)
{
	struct config c;
	char err[256] = "";
	setenv(var, value, 1);
	assert_int_equal(config_load(&c, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	unsetenv(var);
}

static void invalid_values(void **state)
{
	(void)state;
	expect_error("DWHBI_TIMEZONE", "Asia/Atlantis", "DWHBI_TIMEZONE");
	expect_error("TOGGL_WORKSPACE_ID", "12ab", "TOGGL_WORKSPACE_ID");
	expect_error("TOGGL_WORKSPACE_ID", "-5", "TOGGL_WORKSPACE_ID");
	expect_error("TOGGL_API_BASE", "ftp://x", "TOGGL_API_BASE");
	expect_error("GITHUB_REPOSITORY", "justaname", "GITHUB_REPOSITORY");
	expect_error("GITHUB_REPOSITORY", "a/b/c", "GITHUB_REPOSITORY");
	expect_error("DWHBI_HTTP_WAIT_BUDGET", "forever", "DWHBI_HTTP_WAIT_BUDGET");
}

static void require_names_the_variable(void **state)
{
	(void)state;
	struct config c;
	char err[256] = "";
	assert_int_equal(config_load(&c, err, sizeof(err)), 0);
	assert_int_equal(config_require(&c, "TOGGL_API_TOKEN", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "TOGGL_API_TOKEN is not set"));
	assert_int_equal(config_require(&c, "GOOGLE_REFRESH_TOKEN", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "GOOGLE_REFRESH_TOKEN"));
	setenv("TOGGL_API_TOKEN", "abcdef123456", 1);
	assert_int_equal(config_load(&c, err, sizeof(err)), 0);
	assert_int_equal(config_require(&c, "TOGGL_API_TOKEN", err, sizeof(err)), 0);
}

static void redaction(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	setenv("TOGGL_API_TOKEN", "tok-1234567890", 1);
	setenv("GOOGLE_REFRESH_TOKEN", "1//refresh-secret", 1);
	setenv("GITHUB_TOKEN", "ghp_secretsecret", 1);
	setenv("PGPASSWORD", "hunter22", 1);
	assert_int_equal(config_load(&c, err, sizeof(err)), 0);
	char *r = log_redact("token tok-1234567890 and 1//refresh-secret, ghp_secretsecret, hunter22!");
	assert_string_equal(r, "token *** and ***, ***, ***!");
	free(r);
	/* a secret inside a longer word is still hidden */
	r = log_redact("Basic:tok-1234567890:api_token");
	/* (Toggl's whole Basic pair token:api_token is itself a secret.) */
	assert_string_equal(r, "Basic:***");
	free(r);
	r = log_redact("x-tok-1234567890-y");
	assert_string_equal(r, "x-***-y");
	free(r);
	/* and so is its base64, as a server echoing Authorization sends it */
	r = log_redact("Authorization: Basic dG9rLTEyMzQ1Njc4OTA6YXBpX3Rva2Vu");
	assert_string_equal(r, "Authorization: Basic ***");
	free(r);
	/* short values are not treated as secrets (they would eat ordinary text) */
	log_add_secret("ab");
	r = log_redact("about");
	assert_string_equal(r, "about");
	free(r);

	/* what reaches stderr and log_last_error is redacted */
	char path[] = "/tmp/test_config.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	log_error("cannot use token '%s'", "tok-1234567890");
	log_warn("retrying with %s", "ghp_secretsecret");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char out[1024] = "";
	FILE *f = fopen(path, "r");
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	close(fd);
	unlink(path);
	assert_null(strstr(out, "tok-1234567890"));
	assert_null(strstr(out, "ghp_secretsecret"));
	assert_non_null(strstr(out, "cannot use token '***'"));
	assert_string_equal(log_last_error(), "cannot use token '***'");
}

static void buffer(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_string_equal(b.data, "");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_true(!strncmp(b.data, "0,1,2,", 6));
	buf_reset(&b);
	buf_copy_field(&b, "a\tb\nc\\d\re");
	buf_putc(&b, '\t');
	buf_copy_field(&b, NULL);
	assert_string_equal(b.data, "a\\tb\\nc\\\\d\\re\t\\N");
	buf_reset(&b);
	{
		const char *row[3] = { "x\ty", NULL, "" };
		buf_copy_row(&b, 3, row);
		buf_copy_row(&b, 1, row + 2);
	}
	assert_string_equal(b.data, "x\\ty\t\\N\t\n\n");
	char *s = buf_detach(&b);
	assert_string_equal(b.data, "");
	free(s);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(defaults, clean_env),
		cmocka_unit_test_setup(valid_values, clean_env),
		cmocka_unit_test_setup(invalid_values, clean_env),
		cmocka_unit_test_setup(require_names_the_variable, clean_env),
		cmocka_unit_test_setup(redaction, clean_env),
		cmocka_unit_test(buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
