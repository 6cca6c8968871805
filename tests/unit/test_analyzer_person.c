/*
 * test_analyzer_person: the backtest on the demo person's own history
 * (tests/fake/person.c, the generator behind the fakes and `dwhbi demo`),
 * without a database: a year of Toggl entries is split at local midnight
 * into minutes per project per day — a close stand-in for the categories the
 * transform maps projects to — and every series must choose a method whose
 * out-of-fold quantile score (the criterion of the choice) is no worse than
 * the best baseline's, with finite, ordered intervals.  Whether the choice
 * is any good on held-out days is t4011-t4013's (analyze --evaluate).  The end-to-end check through seed, sync and transform is
 * tests/integration/t4002-analyze-demo.sh.  person.c lives with the fakes
 * (unit tests do not link them), so it is included here, as test_person does.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/backtest.h"
#include "tests/fake/person.c"

#define TZ "Asia/Tokyo"
#define NDAYS 365
#define HORIZON 14

static void check_seed(uint64_t seed)
{
	struct person p;
	char err[256] = "";
	int32_t first = time_days_from_civil(2025, 3, 1);
	int n = NDAYS + HORIZON, k, i, regressions = 0;
	double *y;
	unsigned char holiday[NDAYS + HORIZON];
	struct day_piece pieces[8];

	if (person_generate(&p, seed, first, NDAYS, TZ, 0, err, sizeof(err)) != 0)
		fail_msg("person_generate: %s", err);
	y = calloc((p.nprojects + 1) * (size_t)n, sizeof(double));
	assert_non_null(y);
	for (i = 0; i < n; i++)
		holiday[i] = time_weekday(first + i) >= 5 || person_jp_holiday(first + i) != NULL;
	for (k = 0; k <= (int)p.nprojects; k++)
		for (i = NDAYS; i < n; i++)
			y[(size_t)k * n + i] = NAN;
	for (i = 0; i < (int)p.nentries; i++) {
		const struct person_entry *e = &p.entries[i];
		int np, j;
		size_t proj = p.nprojects;   /* last series: entries without a project */

		if (e->deleted_usec || !e->stop_usec)
			continue;
		for (j = 0; j < (int)p.nprojects; j++)
			if (p.projects[j].id == e->project_id)
				proj = j;
		np = tz_split(TZ, e->start_usec, e->stop_usec, pieces, 8);
		assert_true(np >= 1 && np <= 8);
		for (j = 0; j < np; j++) {
			int off = pieces[j].day - first;

			if (off >= 0 && off < NDAYS)
				y[proj * n + off] += (pieces[j].stop - pieces[j].start) / 60e6;
		}
	}

	for (k = 0; k <= (int)p.nprojects; k++) {
		struct est_series s = { first, n, y + (size_t)k * n, holiday };
		struct est_point pts[HORIZON];
		struct bt_result r;
		int method, b, h;
		double total = 0;

		for (i = 0; i < NDAYS; i++)
			total += s.y[i];
		if (total == 0)
			continue;
		assert_int_equal(backtest_estimate(&s, NDAYS - 1, HORIZON, &r, &method, pts,
						   err, sizeof(err)), 0);
		b = backtest_best_baseline(&r);
		assert_true(method >= 0);
		print_message("seed %llu %-22s %-17s mae %6.1f qs %5.2f cover %.2f/%.2f  best "
			      "baseline %-17s mae %6.1f qs %5.2f\n", (unsigned long long)seed,
			      k < (int)p.nprojects ? p.projects[k].name : "(no project)",
			      est_method_name(method), r.score[method].mae, r.score[method].qscore,
			      r.score[method].coverage80, r.score[method].coverage95,
			      b >= 0 ? est_method_name(b) : "-", b >= 0 ? r.score[b].mae : NAN,
			      b >= 0 ? r.score[b].qscore : NAN);
		if (b >= 0)
			assert_true(r.score[method].qscore <= r.score[b].qscore + 1e-9);
		regressions += !est_is_baseline(method);
		for (h = 0; h < HORIZON; h++) {
			assert_true(isfinite(pts[h].minutes) && pts[h].minutes >= 0);
			assert_true(pts[h].lower95 <= pts[h].lower80 && pts[h].upper80 <= pts[h].upper95);
			assert_true(pts[h].upper95 <= 1440 * 3);
		}
	}
	print_message("seed %llu: %d series chose a regression\n", (unsigned long long)seed,
		      regressions);
	free(y);
	person_release(&p);
}

static void test_demo_person_choice_never_worse_than_baseline(void **state)
{
	(void)state;
	check_seed(1);
	check_seed(42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_person_choice_never_worse_than_baseline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
