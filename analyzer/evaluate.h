/*
 * evaluate: `dwhbi analyze --evaluate FROM..TO [--every N]`, the honest
 * out-of-sample evaluation of the analyzer and of the adjuster's P(met).
 *
 * For every as-of date FROM, FROM+N, ... <= TO the analysis is recomputed in
 * memory (nothing is written) from a copy of the history in which every day
 * after the as-of is missing, so no estimate can see the future.  Its
 * estimates (the days to the end of the month after the as-of, at least 14)
 * are compared with the actual minutes of the days that are complete in the
 * marts now:
 * - MAE of every method's forecast and of the chosen one, and the ratio of
 *   the chosen one's to the MAE of the baseline the backtest would have
 *   picked at the same as-of (the best single baseline chosen in advance);
 * - how often the 80 % and 95 % intervals hold the actual value, and the
 *   mean 80 % interval score (width + 2/0.2 x the miss);
 * - how often the month-end projection's 80 % / 95 % intervals hold the
 *   month's actual total (months complete in the data only);
 * - the adjuster's P(met) for each goal's next period (adjust_compute on the
 *   same in-memory estimates) against the outcome, as a Brier score, next
 *   to the Brier score of the goal's hit rate over the last periods.
 */
#ifndef DWHBI_ANALYZER_EVALUATE_H
#define DWHBI_ANALYZER_EVALUATE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/estimators.h"
#include "lib/buf.h"

struct eval_acc {
	long n;                         /* scored (as-of, target) pairs */
	double abs_chosen, abs_base;    /* sum of |error| of chosen / baseline in advance */
	long n_m[EST_NMETHODS];
	double abs_m[EST_NMETHODS];
	long in80, in95;
	double is80;                    /* sum of 80 % interval scores */
	long month_n, month80, month95;
	long brier_n;                   /* the adjuster's goal periods of the category */
	double brier, brier_hit;
};

struct eval_summary {
	int nasof;
	int ncategories;
	char **names;
	struct eval_acc *cat;           /* ncategories */
	struct eval_acc pooled;
	long brier_n;
	double brier, brier_hit;        /* sums of squared errors */
};

void eval_summary_release(struct eval_summary *s);

/* Runs the evaluation; 0, or -1 with a reason in err. */
int analyze_evaluate(PGconn *db, int32_t from, int32_t to, int every,
		     struct eval_summary *s, char *err, size_t errlen);

/* The report (table per category, pooled line, key=value summary line). */
void eval_summary_print(const struct eval_summary *s, int32_t from, int32_t to,
			int every, struct buf *out);

#endif
