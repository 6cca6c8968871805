/*
 * test_github: the parts of connectors/github.c that need no server (the
 * request and answer cases are t7001 against fake-github): workflow file
 * names, the credentials check, and a failed connection that reports the
 * repository but never the token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/config.h"
#include "connectors/github.h"
#include "lib/log.h"

static void workflow_file(void **state)
{
	char out[64];
	(void)state;
	github_workflow_file("sync-toggl", out, sizeof(out));
	assert_string_equal(out, "sync-toggl.yml");
	github_workflow_file("ci.yml", out, sizeof(out));
	assert_string_equal(out, "ci.yml");
	github_workflow_file("release.yaml", out, sizeof(out));
	assert_string_equal(out, "release.yaml");
	github_workflow_file("161335", out, sizeof(out));   /* a workflow id */
	assert_string_equal(out, "161335");
	github_workflow_file("yml", out, sizeof(out));
	assert_string_equal(out, "yml.yml");
}

static void needs_credentials(void **state)
{
	struct config cfg;
	struct github_client gh;
	char err[256];
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.github_repository = "octo/dwhbi";
	assert_int_equal(github_init(&gh, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "GITHUB_TOKEN"));
	cfg.github_token = "ghp_unit_test_token";
	cfg.github_repository = NULL;
	assert_int_equal(github_init(&gh, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "GITHUB_REPOSITORY"));
}

static void unreachable(void **state)
{
	struct config cfg;
	struct github_client gh;
	char err[512] = "";
	long status = -1;
	const char *names[] = { "days" }, *values[] = { "3" };
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.github_token = "ghp_unit_test_token";
	cfg.github_repository = "octo/dwhbi";
	cfg.github_api_base = "http://127.0.0.1:1";   /* nothing listens there */
	cfg.http_wait_budget = 1;
	cfg.http_timeout = 5;
	log_add_secret(cfg.github_token);
	assert_int_equal(github_init(&gh, &cfg, err, sizeof(err)), 0);
	assert_int_equal(github_dispatch(&gh, "sync-toggl", "main", names, values, 1, &status,
					 err, sizeof(err)), -1);
	assert_int_equal(status, 0);
	assert_true(err[0] != '\0');
	assert_null(strstr(err, "ghp_unit_test_token"));
	struct github_run *runs = (struct github_run *)1;
	size_t n = 9;
	assert_int_equal(github_list_runs(&gh, 5, &runs, &n, &status, err, sizeof(err)), -1);
	assert_null(runs);
	assert_int_equal(n, 0);
	github_release(&gh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(workflow_file),
		cmocka_unit_test(needs_credentials),
		cmocka_unit_test(unreachable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
