/*
 * analyze_math: times the analyzer's arithmetic alone (no database) for N
 * categories of synthetic daily history: backtest of every method over the
 * last 8 weeks, choice, and a 45-day forecast per category.  Prints one line
 * of figures.  Usage: analyze_math [CATEGORIES [DAYS]] (default 10 1095).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "analyzer/backtest.h"
#include "lib/timeutil.h"

#define HORIZON 45

static double now_sec(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int ncat = argc > 1 ? atoi(argv[1]) : 10;
	int ndays = argc > 2 ? atoi(argv[2]) : 3 * 365;
	int n = ndays + HORIZON, k, i, method, chosen_regression = 0;
	double *y = malloc(sizeof(double) * n);
	unsigned char *holiday = malloc(n);
	struct est_point pts[HORIZON];
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double t0, c0, total = 0, cpu = 0;
	char err[256];

	if (ncat < 1 || ndays < 1 || !y || !holiday || !rng) {
		fprintf(stderr, "usage: analyze_math [CATEGORIES [DAYS]]\n");
		return 2;
	}
	for (k = 0; k < ncat; k++) {
		struct est_series s = { time_days_from_civil(2023, 1, 2), n, y, holiday };
		struct bt_result r;
		double level = 60 + 50 * k;

		for (i = 0; i < n; i++) {
			int wd = time_weekday(s.first_day + i);

			holiday[i] = wd >= 5;
			y[i] = i < ndays ? fmax(0, level * (holiday[i] ? 0.5 : 1.1) +
					       gsl_ran_gaussian(rng, level / 5)) : NAN;
		}
		t0 = now_sec(CLOCK_MONOTONIC);
		c0 = now_sec(CLOCK_PROCESS_CPUTIME_ID);
		if (backtest_estimate(&s, ndays - 1, HORIZON, &r, &method, pts, err,
				      sizeof(err)) < 0) {
			fprintf(stderr, "analyze_math: %s\n", err);
			return 1;
		}
		total += now_sec(CLOCK_MONOTONIC) - t0;
		cpu += now_sec(CLOCK_PROCESS_CPUTIME_ID) - c0;
		chosen_regression += method == EST_OLS || method == EST_ROBUST;
	}
	printf("analyzer math: %d categories x %d days, backtest (%d origins x %d methods, "
	       "horizons 1..%d) + %d-day forecast: %.1f ms wall, %.1f ms cpu (%.2f ms cpu "
	       "per category; %d chose a regression)\n",
	       ncat, ndays, BT_DAYS, EST_NMETHODS, BT_HORIZON, HORIZON, total * 1000,
	       cpu * 1000, cpu * 1000 / ncat, chosen_regression);
	gsl_rng_free(rng);
	free(y);
	free(holiday);
	return 0;
}
