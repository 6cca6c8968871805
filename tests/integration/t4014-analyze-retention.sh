#!/usr/bin/env bash
# The analyzer's snapshots stay bounded over many nights (issue 15's
# follow-up): with analyze.keep_days = 5 and analyze.keep_months = 1 in
# ref.settings, 57 nightly runs on a synthetic person through the real
# pipeline leave at most 5 snapshots of backtest errors
# (analytics.estimate_errors) and at most 5 + 3 months x 3 report snapshots
# of estimates, model scores and month projections, never more after any
# night; a re-run of a night replaces its snapshot.  What the readers need
# is still there after the nights that follow: the October report's
# forecast accuracy (the snapshot made before October, reporter/
# load_forecast.sql) and its month projection (the newest of October,
# load_month_projections.sql) are the same as on the night they were
# made; `dwhbi adjust` for a kept as-of day still finds its snapshot's
# errors; a run for a date in the future (a typo) and the next night's
# run remove none of the recent snapshots.  A bad setting is a
# configuration error (exit 2).
. "$SRCDIR/tests/lib.sh"

export DWHBI_TIMEZONE=Asia/Tokyo
FROM=2026-06-05
t_migrated_db
t_demo_person 3 $FROM 182
t_ok "person 3 through the pipeline" 't_person_warehouse $FROM'
t_psql "INSERT INTO ref.settings VALUES ('analyze.keep_days', '5'), ('analyze.keep_months', '1')" > /dev/null

snapshots() {  # distinct calculated_at of table $1
	t_psql "SELECT count(DISTINCT calculated_at) FROM analytics.$1"
}
forecast() {   # what the report's forecast-accuracy loader reads for October
	# (sums to 6 decimals: their last bits depend on the order of the rows)
	t_psql "PREPARE f(date, date) AS $(sed 's/;[[:space:]]*$//' "$SRCDIR/reporter/load_forecast.sql");
	        EXECUTE f('2026-10-01', '2026-11-01')" |
		awk -F'|' -v OFS='|' '{ for (i = 3; i <= NF; i++) $i = sprintf("%.6f", $i); print }'
}
projection() { # what the report's month-projection loader reads for October
	t_psql "PREPARE p(date) AS $(sed 's/;[[:space:]]*$//' "$SRCDIR/reporter/load_month_projections.sql");
	        EXECUTE p('2026-10-01')"
}

c_nights() {
	local d=2026-09-25 max_e=0 max_s=0 n=0 e s p m
	while [ "$d" \< 2026-11-21 ]; do
		"$DWHBI" -q analyze --as-of $d > /dev/null || { echo "analyze --as-of $d failed"; return 1; }
		[ $d = 2026-09-30 ] && forecast > "$T_TMP/forecast.then"
		[ $d = 2026-10-30 ] && projection > "$T_TMP/projection.then"
		e=$(snapshots estimate_errors); s=$(snapshots estimates)
		p=$(snapshots model_scores); m=$(snapshots month_projections)
		[ "$e" -le 5 ] || { echo "night $d: $e snapshots of estimate_errors"; return 1; }
		[ "$s" -le 14 ] && [ "$p" -le 14 ] && [ "$m" -le 14 ] ||
			{ echo "night $d: $s / $p / $m snapshots"; return 1; }
		[ "$e" -gt "$max_e" ] && max_e=$e
		[ "$s" -gt "$max_s" ] && max_s=$s
		n=$((n + 1))
		d=$(date -d "$d +1 day" +%F)
	done
	echo "nights $n, at most $max_e error snapshots and $max_s estimate snapshots"
	# the bound is reached, not an accident of few runs
	[ "$max_e" -eq 5 ] && [ "$max_s" -ge 6 ]
}
t_ok "57 nights: at most 5 error snapshots and 14 estimate, score and projection snapshots after each" c_nights

c_rows() {
	local rows per
	rows=$(t_psql "SELECT count(*) FROM analytics.estimate_errors")
	per=$(t_psql "SELECT count(*) FROM analytics.estimate_errors
	              WHERE calculated_at = (SELECT max(calculated_at) FROM analytics.estimate_errors)")
	echo "estimate_errors: $rows rows, $per in the newest snapshot"
	[ "$per" -gt 100 ] && [ "$rows" -le $((5 * per + 5 * 13)) ] && [ "$rows" -gt $((4 * per)) ]
}
t_ok "the rows are bounded too (the errors of 5 snapshots)" c_rows
c_kept() {
	t_psql "SELECT DISTINCT as_of FROM analytics.estimates ORDER BY 1" > "$T_TMP/kept"
	printf "%s\n" 2026-09-30 2026-10-30 2026-10-31 2026-11-16 2026-11-17 2026-11-18 2026-11-19 \
		2026-11-20 > "$T_TMP/want"
	t_cmp "$T_TMP/want" "$T_TMP/kept" &&
	t_psql "SELECT DISTINCT as_of FROM analytics.estimate_errors ORDER BY 1" > "$T_TMP/kept.errors" &&
	tail -5 "$T_TMP/want" > "$T_TMP/want.errors" &&
	t_cmp "$T_TMP/want.errors" "$T_TMP/kept.errors"
}
t_ok "kept: the last 5 as-of days, and the report's snapshots of Oct..Dec without errors" c_kept
c_forecast() {
	forecast > "$T_TMP/forecast.now"
	[ -s "$T_TMP/forecast.then" ] && t_cmp "$T_TMP/forecast.then" "$T_TMP/forecast.now" &&
	[ "$(cut -d'|' -f2 "$T_TMP/forecast.now" | sort -u)" = 2026-09-30 ]
}
t_ok "October's forecast accuracy still reads the snapshot made before October" c_forecast
c_projection() {
	projection > "$T_TMP/projection.now"
	[ -s "$T_TMP/projection.then" ] && t_cmp "$T_TMP/projection.then" "$T_TMP/projection.now" &&
	[ "$(cut -d'|' -f2 "$T_TMP/projection.now" | sort -u)" = 2026-10-30 ]
}
t_ok "October's month projection is the one of its last night" c_projection
c_report() {
	"$DWHBI" -q report --month 2026-10 --format typst -o "$T_TMP/oct" \
		--generated-at 2026-12-01T00:00:00Z > /dev/null &&
	[ "$(jq -r .forecast.as_of "$T_TMP/oct/report.json")" = 2026-09-30 ] &&
	[ "$(jq ".forecast.rows | length" "$T_TMP/oct/report.json")" -gt 5 ]
}
t_ok "the October report shows that forecast" c_report
c_rerun() {
	local before
	before=$(snapshots estimates)
	"$DWHBI" -q analyze --as-of 2026-11-20 > /dev/null &&
	[ "$(snapshots estimates)" = "$before" ] &&
	[ "$(t_psql "SELECT count(DISTINCT calculated_at) FROM analytics.estimates
	             WHERE as_of = '2026-11-20'")" = 1 ]
}
t_ok "a re-run of the last night replaces its snapshot" c_rerun
c_adjust() {
	"$DWHBI" adjust --as-of 2026-11-17 --format json > "$T_TMP/adjust.json" &&
	[ "$(jq .calibrated "$T_TMP/adjust.json")" = true ] &&
	[ "$(jq .error_rows "$T_TMP/adjust.json")" -gt 100 ]
}
t_ok "adjust as of a kept day uses that snapshot's backtest errors" c_adjust
c_future() {
	"$DWHBI" -q analyze --as-of 2027-06-30 > /dev/null &&
	t_psql "SELECT DISTINCT as_of FROM analytics.estimate_errors WHERE as_of < '2027-01-01'
	        ORDER BY 1" > "$T_TMP/kept.future" &&
	t_cmp "$T_TMP/want.errors" "$T_TMP/kept.future" &&
	"$DWHBI" -q analyze --as-of 2026-11-20 > /dev/null &&
	t_psql "SELECT DISTINCT as_of FROM analytics.estimate_errors WHERE as_of < '2027-01-01'
	        ORDER BY 1" > "$T_TMP/kept.back" &&
	t_cmp "$T_TMP/want.errors" "$T_TMP/kept.back" &&
	forecast > "$T_TMP/forecast.future" && t_cmp "$T_TMP/forecast.then" "$T_TMP/forecast.future" &&
	# the future date's own snapshot went with the next run
	[ "$(t_psql "SELECT count(*) FROM analytics.estimates WHERE as_of = '2027-06-30'")" = 0 ]
}
t_ok "a run for a future date keeps the recent snapshots; the next run removes its own" c_future
c_bad() {
	t_psql "UPDATE ref.settings SET value = '0' WHERE key = 'analyze.keep_days'" > /dev/null
	t_must_fail 2 "$DWHBI" analyze --as-of 2026-11-20 2> "$T_TMP/bad.err" &&
	grep "analyze.keep_days" "$T_TMP/bad.err"
}
t_ok "a bad analyze.keep_days stops analyze with exit 2, naming the key" c_bad
t_done
