#!/usr/bin/env bash
# dwhbi analyze on marts loaded from a fixture: estimates with ordered,
# non-negative intervals, no NaN anywhere, sensible answers for categories
# without history, reproducible --as-of, backtest scores, month projection,
# plan -> actual flows, and the ops.runs record.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
AS_OF=2026-03-15

t_ok "--help answers, a bad date is a usage error" '
	"$DWHBI" analyze --help | grep -q -- "--as-of"
	set +e
	"$DWHBI" analyze --as-of 2026-13-45 2> "$T_TMP/bad.err"; rc=$?
	set -e
	[ $rc -eq 2 ] && grep -q "as-of" "$T_TMP/bad.err"
	set +e
	"$DWHBI" analyze --as-of 2> "$T_TMP/bad2.err"; rc=$?
	set -e
	[ $rc -eq 2 ] && grep -q "needs a date" "$T_TMP/bad2.err"
'

t_ok "without marts: exit 1 and says to run the transform" '
	set +e
	"$DWHBI" analyze --as-of $AS_OF > /dev/null 2> "$T_TMP/nomarts.err"; rc=$?
	set -e
	cat "$T_TMP/nomarts.err"
	[ $rc -eq 1 ] && grep -q "dwhbi transform" "$T_TMP/nomarts.err"
'

psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/analyzer/marts.sql" > /dev/null ||
	{ echo "cannot load the fixture" >&2; exit 1; }

t_ok "analyze --as-of succeeds" '"$DWHBI" analyze --as-of $AS_OF > "$T_TMP/out1"; cat "$T_TMP/out1"'

# 2026-03-16 .. 2026-03-31 (longer than 14 days) for each of the 7 categories.
t_eq "estimates for every category and every day to month end" "7|16|2026-03-16|2026-03-31" \
	"$(t_psql "SELECT count(DISTINCT category), count(DISTINCT target_date), min(target_date), max(target_date) FROM analytics.estimates")"

t_eq "no NaN anywhere in the analyzer tables" "0" "$(t_psql "
	SELECT (SELECT count(*) FROM analytics.estimates
	        WHERE 'NaN' IN (minutes, lower80, upper80, lower95, upper95))
	     + (SELECT count(*) FROM analytics.model_scores
	        WHERE 'NaN' IN (mae, coverage80, coverage95))
	     + (SELECT count(*) FROM analytics.month_projections
	        WHERE 'NaN' IN (actual_minutes, remaining_minutes, projected_minutes,
	                        lower80, upper80, lower95, upper95))
	     + (SELECT count(*) FROM analytics.plan_flows WHERE minutes = 'NaN')")"

t_eq "the data test transform/tests/analytics_no_nan.sql finds nothing" "0" \
	"$(t_psql "SELECT count(*) FROM ($(grep -v '^--' "$SRCDIR/transform/tests/analytics_no_nan.sql")) t")"
t_ok "the data test would catch a NaN" '
	t_psql "BEGIN; UPDATE analytics.estimates SET upper95 = '\''NaN'\'' WHERE category = '\''Work'\'';
	        SELECT count(*) FROM ($(grep -v "^--" "$SRCDIR/transform/tests/analytics_no_nan.sql")) t; ROLLBACK" > "$T_TMP/nan"
	[ "$(cat "$T_TMP/nan")" = 16 ]
'

t_eq "intervals are ordered and never below 0" "0" "$(t_psql "
	SELECT count(*) FROM analytics.estimates
	WHERE NOT (0 <= lower95 AND lower95 <= lower80 AND lower80 <= minutes + 1e-9
	           AND minutes <= upper80 + 1e-9 AND upper80 <= upper95)")"

t_eq "no history: zero" "no_history|0|0" "$(t_psql "
	SELECT DISTINCT method, minutes, upper95 FROM analytics.estimates WHERE category = 'Never'")"
t_eq "all zeros: zero" "0|0" "$(t_psql "
	SELECT max(minutes), max(upper95) FROM analytics.estimates WHERE category = 'Zeros'")"
t_eq "a single day: its value by a baseline" "mean_7d|90" "$(t_psql "
	SELECT DISTINCT method, minutes FROM analytics.estimates WHERE category = 'OneDay'")"
t_ok "missing and NaN days still give estimates near the usual 60 minutes" '
	v=$(t_psql "SELECT bool_and(minutes BETWEEN 30 AND 90) FROM analytics.estimates WHERE category = '\''Gaps'\''")
	[ "$v" = t ]
'
t_ok "weekend and holiday days get the holiday level of sleep" '
	v=$(t_psql "SELECT avg(minutes) FILTER (WHERE d.day_type = '\''holiday'\'')
	                 - avg(minutes) FILTER (WHERE d.day_type = '\''weekday'\'')
	            FROM analytics.estimates e JOIN core.days d ON d.date = e.target_date
	            WHERE category = '\''Sleep'\''")
	echo "holiday - weekday sleep: $v"
	awk -v v="$v" "BEGIN { exit !(v > 40 && v < 80) }"
'

t_eq "one chosen method per category with history" "6|6" "$(t_psql "
	SELECT count(*), count(DISTINCT category) FROM analytics.model_scores WHERE chosen")"
# The choice is by the out-of-fold quantile score (a proper score of the whole
# predictive distribution); held-out quality is t4010-t4013's (--evaluate).
t_eq "the chosen method's backtest quantile score is never worse than the best baseline's" "0" "$(t_psql "
	SELECT count(*) FROM analytics.model_scores c
	WHERE c.chosen AND c.quantile_score > (SELECT min(b.quantile_score) FROM analytics.model_scores b
	                            WHERE b.category = c.category
	                              AND b.method IN ('mean_7d', 'same_weekday_4w', 'same_daytype_30d')
	                              AND b.n_predictions = c.n_predictions) + 1e-9")"
t_ok "a category with a weekly pattern and trend does not choose mean_7d" '
	m=$(t_psql "SELECT method FROM analytics.model_scores WHERE chosen AND category = '\''Work'\''")
	echo "Work: $m"
	[ -n "$m" ] && [ "$m" != mean_7d ]
'
t_ok "scores cover 8 weeks of predictions with sane coverage" '
	t_psql "SELECT category, method, round(mae::numeric,1), round(coverage80::numeric,2), round(coverage95::numeric,2), n_predictions FROM analytics.model_scores WHERE category IN ('\''Sleep'\'', '\''Work'\'') ORDER BY 1, 2"
	v=$(t_psql "SELECT bool_and(n_predictions >= 300 AND coverage95 >= 0.8) FROM analytics.model_scores WHERE category IN ('\''Sleep'\'', '\''Work'\'', '\''Leisure'\'') AND method IN ('\''ols'\'', '\''robust'\'')")
	[ "$v" = t ]
'

# The projection is actual so far + the remaining estimates + the median of
# the backtest's errors of whole remaining-month sums, so it stays near the
# plain sum of the estimates (within 10 % of the month here).
t_eq "month projection = actual so far + remaining estimates, corrected by the backtest" "0" "$(t_psql "
	SELECT count(*) FROM analytics.month_projections p
	WHERE p.month <> '2026-03-01' OR p.days_elapsed <> 15 OR p.days_remaining <> 16
	   OR abs(p.actual_minutes - (SELECT coalesce(sum(nullif(actual_minutes, 'NaN')), 0)
	                              FROM marts.daily_category m
	                              WHERE m.category = p.category
	                                AND m.date BETWEEN '2026-03-01' AND '2026-03-15')) > 1e-6
	   OR abs(p.remaining_minutes - (p.projected_minutes - p.actual_minutes)) > 1e-6
	   OR abs(p.projected_minutes - p.actual_minutes
	          - (SELECT sum(minutes) FROM analytics.estimates e
	             WHERE e.category = p.category AND e.target_date <= '2026-03-31'))
	      > 0.1 * p.projected_minutes + 1e-6
	   OR NOT (p.actual_minutes <= p.lower95 AND p.lower95 <= p.lower80
	           AND p.lower80 <= p.projected_minutes AND p.projected_minutes <= p.upper80
	           AND p.upper80 <= p.upper95)")"

# Flows recomputed in SQL from the definition: shortfall_i * excess_j / total excess.
t_eq "day flows match the definition" "0" "$(t_psql "
	WITH d AS (SELECT date, category, plan_minutes p, actual_minutes a FROM marts.plan_actual_daily
	           WHERE date <= '2026-03-15'),
	     t AS (SELECT date, sum(greatest(a - p, 0)) excess FROM d GROUP BY date),
	     want AS (SELECT s.date, s.category f, o.category t,
	                     (s.p - s.a) * (o.a - o.p) / t.excess AS minutes
	              FROM d s JOIN d o ON o.date = s.date AND o.a > o.p
	              JOIN t ON t.date = s.date
	              WHERE s.p > s.a AND t.excess > 0
	              UNION ALL
	              SELECT date, category, category, least(p, a) FROM d WHERE p > 0 AND least(p, a) > 0)
	SELECT count(*) FROM want w FULL JOIN
	       (SELECT * FROM analytics.plan_flows WHERE period = 'day') g
	       ON g.period_start = w.date AND g.from_category = w.f AND g.to_category = w.t
	WHERE w.minutes IS NULL OR g.minutes IS NULL OR abs(w.minutes - g.minutes) > 1e-6")"
t_ok "some planned work went elsewhere" '
	v=$(t_psql "SELECT count(*) FROM analytics.plan_flows WHERE period = '\''day'\'' AND from_category = '\''Work'\'' AND to_category <> '\''Work'\''")
	[ "$v" -gt 0 ]
'
t_eq "the month flow is the sum of its days" "0" "$(t_psql "
	SELECT count(*) FROM (SELECT from_category, to_category, sum(minutes) s
	                      FROM analytics.plan_flows WHERE period = 'day' GROUP BY 1, 2) d
	FULL JOIN (SELECT * FROM analytics.plan_flows WHERE period = 'month'
	           AND period_start = '2026-03-01') m USING (from_category, to_category)
	WHERE d.s IS NULL OR m.minutes IS NULL OR abs(d.s - m.minutes) > 1e-6")"

t_ok "ops.runs records the counts and the chosen methods" '
	row=$(t_psql "SELECT status, rows_written = (SELECT count(*) FROM analytics.estimates)
	                                        + (SELECT count(*) FROM analytics.model_scores)
	                                        + (SELECT count(*) FROM analytics.month_projections)
	                                        + (SELECT count(*) FROM analytics.plan_flows)
	                                        + (SELECT count(*) FROM analytics.estimate_errors),
	                     detail->>'\''as_of'\'', detail->'\''chosen'\''->>'\''Never'\''
	              FROM ops.runs WHERE job = '\''analyze'\'' AND status = '\''success'\''")
	echo "$row"
	[ "$row" = "success|t|2026-03-15|no_history" ]
'

# Reproducibility: change everything after as_of, run again.
t_psql "SELECT target_date, category, method, minutes, lower80, upper80, lower95, upper95
        FROM analytics.estimates ORDER BY 1, 2" > "$T_TMP/est1"
t_psql "SELECT category, method, mae, coverage80, coverage95, n_predictions, chosen
        FROM analytics.model_scores ORDER BY 1, 2" > "$T_TMP/scores1"
t_psql "UPDATE marts.daily_category SET actual_minutes = 1000 WHERE date > '2026-03-15'" > /dev/null
t_ok "a second run with the same --as-of" '"$DWHBI" -q analyze --as-of $AS_OF > /dev/null'
# the second run of an as-of replaces the first (analyze.keep_days retention)
t_eq "one snapshot (the re-run replaced the first), the latest view shows it" "1|112" "$(t_psql "
	SELECT (SELECT count(DISTINCT calculated_at) FROM analytics.estimates),
	       (SELECT count(*) FROM analytics.latest_estimates)")"
t_ok "the same numbers: data after as_of is never read" '
	t_psql "SELECT target_date, category, method, minutes, lower80, upper80, lower95, upper95
	        FROM analytics.latest_estimates ORDER BY 1, 2" > "$T_TMP/est2"
	t_psql "SELECT category, method, mae, coverage80, coverage95, n_predictions, chosen
	        FROM analytics.latest_model_scores ORDER BY 1, 2" > "$T_TMP/scores2"
	diff "$T_TMP/est1" "$T_TMP/est2" && diff "$T_TMP/scores1" "$T_TMP/scores2"
'
t_ok "a later as_of sees the new data" '
	"$DWHBI" -q analyze --as-of 2026-03-18 > /dev/null
	v=$(t_psql "SELECT min(minutes) FROM analytics.latest_estimates WHERE category = '\''Zeros'\''")
	[ "$v" != 0 ]
'
t_ok "a day not complete at the last sync is not read as history" '
	t_psql "UPDATE marts.daily_category SET complete = false, actual_minutes = 100000
	        WHERE date = '\''2026-03-18'\'' AND category = '\''Zeros'\''" > /dev/null
	"$DWHBI" -q analyze --as-of 2026-03-18 > /dev/null
	v=$(t_psql "SELECT max(upper95) < 5000 FROM analytics.latest_estimates WHERE category = '\''Zeros'\''")
	[ "$v" = t ]
'

t_ok "a second analyze waits for the first (advisory lock), then runs" '
	psql -X -q -c "SELECT pg_advisory_lock(hashtextextended('\''dwhbi.analyze'\'', 0)), pg_sleep(3)" > /dev/null &
	holder=$!
	for i in $(seq 1 50); do
		[ "$(t_psql "SELECT count(*) FROM pg_locks WHERE locktype = '\''advisory'\'' AND granted")" = 1 ] && break
		sleep 0.1
	done
	start=$(date +%s%N)
	"$DWHBI" -q analyze --as-of $AS_OF > /dev/null
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	wait $holder
	echo "waited $took ms"
	[ $took -ge 1500 ]
'

t_done
