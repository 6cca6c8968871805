/*
 * backtest: rolling-origin scoring and the choice of method (backtest.h).
 *
 * A method that could not forecast some scored pair (too little history at
 * that origin, a singular fit) is not eligible: comparing its MAE over fewer,
 * easier days with another's over all days would be unfair.
 */
#include <math.h>
#include <stdio.h>

#include "analyzer/backtest.h"

int backtest_run(const struct est_series *s, int origin, struct bt_result *r,
		 char *err, size_t errlen)
{
	double abs_sum[EST_NMETHODS] = { 0 };
	int in80[EST_NMETHODS] = { 0 }, in95[EST_NMETHODS] = { 0 };
	struct est_point pts[BT_HORIZON];
	struct est_model *model[EST_NMETHODS] = { NULL };
	int fit_at[EST_NMETHODS] = { 0 };
	char why[256];
	int o, h, m, i, start;

	if (origin >= s->n) {
		snprintf(err, errlen, "backtest origin %d outside the series of %d days", origin, s->n);
		return -1;
	}
	for (m = 0; m < EST_NMETHODS; m++)
		r->score[m].n = 0;
	r->n_scored = 0;
	r->history_days = 0;
	for (i = 0; i <= origin; i++)
		r->history_days += isfinite(s->y[i]) != 0;

	/* origins before the first known day cannot be forecast from by any
	 * method; scoring them would only make every method ineligible */
	start = origin - BT_DAYS;
	for (i = 0; i <= origin && !isfinite(s->y[i]); i++)
		;
	if (start < i)
		start = i;
	for (o = start; o < origin; o++) {
		int horizon = origin - o < BT_HORIZON ? origin - o : BT_HORIZON;

		for (h = 1; h <= horizon; h++)
			r->n_scored += isfinite(s->y[o + h]) != 0;
		for (m = 0; m < EST_NMETHODS; m++) {
			int rc;

			if (est_is_baseline(m)) {
				rc = est_forecast(m, s, o, horizon, pts, why, sizeof(why));
			} else {
				/* refit weekly; a failed fit is retried at the next origin */
				if (!model[m] || o - fit_at[m] >= BT_REFIT_DAYS) {
					est_model_free(model[m]);
					model[m] = NULL;
					fit_at[m] = o;
					rc = est_fit(m, s, o, &model[m], why, sizeof(why));
					if (rc < 0)
						goto fail;
				}
				rc = model[m] ? est_predict(model[m], s, o, horizon, pts, why,
							    sizeof(why)) : 1;
			}
			if (rc < 0)
				goto fail;
			if (rc > 0)
				continue;
			for (h = 1; h <= horizon; h++) {
				double a = s->y[o + h];
				const struct est_point *p = &pts[h - 1];

				if (!isfinite(a))
					continue;
				r->score[m].n++;
				abs_sum[m] += fabs(a - p->minutes);
				in80[m] += a >= p->lower80 && a <= p->upper80;
				in95[m] += a >= p->lower95 && a <= p->upper95;
			}
		}
	}
	for (m = 0; m < EST_NMETHODS; m++)
		est_model_free(model[m]);
	for (m = 0; m < EST_NMETHODS; m++) {
		struct bt_score *sc = &r->score[m];

		if (sc->n == 0) {
			sc->mae = sc->coverage80 = sc->coverage95 = NAN;
			continue;
		}
		sc->mae = abs_sum[m] / sc->n;
		sc->coverage80 = (double)in80[m] / sc->n;
		sc->coverage95 = (double)in95[m] / sc->n;
	}
	return 0;
fail:
	for (m = 0; m < EST_NMETHODS; m++)
		est_model_free(model[m]);
	snprintf(err, errlen, "backtest: %s", why);
	return -1;
}

static int choose(const struct bt_result *r, int baselines_only)
{
	int m, best = -1;

	if (r->n_scored == 0)
		return -1;
	for (m = 0; m < EST_NMETHODS; m++) {
		const struct bt_score *sc = &r->score[m];

		if (baselines_only && !est_is_baseline(m))
			continue;
		if (!est_is_baseline(m) && r->history_days < EST_MIN_HISTORY)
			continue;
		if (sc->n != r->n_scored)
			continue;
		/* strictly better only: ties stay with the simpler, earlier method */
		if (best < 0 || sc->mae < r->score[best].mae - 1e-9)
			best = m;
	}
	return best;
}

int backtest_choose(const struct bt_result *r)
{
	return choose(r, 0);
}

int backtest_best_baseline(const struct bt_result *r)
{
	return choose(r, 1);
}

const char *backtest_method_name(int method)
{
	if (method == BT_NO_HISTORY)
		return "no_history";
	return est_method_name(method);
}

int backtest_estimate(const struct est_series *s, int origin, int horizon,
		      struct bt_result *r, int *method, struct est_point *out,
		      char *err, size_t errlen)
{
	int tries[3], ntries = 0, i, h, rc;
	char why[256];

	if (backtest_run(s, origin, r, err, errlen) < 0)
		return -1;
	tries[ntries++] = backtest_choose(r);
	tries[ntries++] = backtest_best_baseline(r);
	tries[ntries++] = EST_MEAN_7D;
	for (i = 0; i < ntries; i++) {
		if (tries[i] < 0)
			continue;
		rc = est_forecast(tries[i], s, origin, horizon, out, why, sizeof(why));
		if (rc < 0) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		if (rc == 0) {
			*method = tries[i];
			return 0;
		}
	}
	for (h = 0; h < horizon; h++)
		est_zero(&out[h]);
	*method = BT_NO_HISTORY;
	return 0;
}
