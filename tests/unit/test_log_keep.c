/*
 * The log lines a run keeps (lib/log.c, stored by lib/runs.c): bounded to
 * the first LOG_KEEP_HEAD and the last LOG_KEEP_TAIL lines, each cut at
 * LOG_KEEP_LINE_BYTES, redacted, with the dropped lines counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/log.h"

static void bounded_head_and_tail(void **state)
{
	char want[64];
	(void)state;
	log_set_level(LOG_QUIET);   /* keep stderr clean: kept, not printed */
	log_add_secret("s3cret-token-value");
	for (int i = 0; i < 1000; i++)
		log_info("line %d with s3cret-token-value", i);
	assert_int_equal(log_kept_count(), LOG_KEEP_HEAD + LOG_KEEP_TAIL);
	assert_int_equal(log_kept_head(), LOG_KEEP_HEAD);
	assert_int_equal(log_kept_dropped(), 1000 - LOG_KEEP_HEAD - LOG_KEEP_TAIL);
	assert_string_equal(log_kept_line(0)->text, "line 0 with ***");
	snprintf(want, sizeof(want), "line %d with ***", LOG_KEEP_HEAD - 1);
	assert_string_equal(log_kept_line(LOG_KEEP_HEAD - 1)->text, want);
	snprintf(want, sizeof(want), "line %d with ***", 1000 - LOG_KEEP_TAIL);
	assert_string_equal(log_kept_line(LOG_KEEP_HEAD)->text, want);
	assert_string_equal(log_kept_line(LOG_KEEP_HEAD + LOG_KEEP_TAIL - 1)->text,
			    "line 999 with ***");
	assert_null(log_kept_line(LOG_KEEP_HEAD + LOG_KEEP_TAIL));
	for (unsigned i = 1; i < log_kept_count(); i++)
		assert_true(log_kept_line(i)->usec >= log_kept_line(i - 1)->usec);
}

static void long_lines_cut_levels_kept(void **state)
{
	char *big = malloc(10000);
	unsigned n;
	(void)state;
	memset(big, 'x', 9999);
	big[9999] = '\0';
	log_error("%s", big);
	log_warn("careful");
	log_debug("not kept below LOG_DEBUG");
	n = log_kept_count();
	assert_int_equal(strlen(log_kept_line(n - 2)->text), LOG_KEEP_LINE_BYTES);
	assert_int_equal(log_kept_line(n - 2)->level, LOG_ERROR);
	assert_string_equal(log_kept_line(n - 1)->text, "careful");
	assert_int_equal(log_kept_line(n - 1)->level, LOG_WARN);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounded_head_and_tail),
		cmocka_unit_test(long_lines_cut_levels_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
