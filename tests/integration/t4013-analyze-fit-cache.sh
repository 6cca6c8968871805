#!/usr/bin/env bash
# The analyzer's fit cache (analytics.fit_cache, issue 18) changes the time
# analyze takes, never its results: on a synthetic person through the real
# pipeline, after a week of nightly runs the night's analyze serves most of
# its regression fits from the cache, and its estimates, scores, month
# projections and backtest errors are identical to those of a run with an
# empty cache; an edited day in the history is refitted, not served
# (identical to a cold run on the edited data, different from before); a
# malformed cache row is ignored.
. "$SRCDIR/tests/lib.sh"

export DWHBI_TIMEZONE=Asia/Tokyo
FROM=2026-06-05
DAYS=182
AS_OF=2026-11-12
t_migrated_db
t_demo_person 6 $FROM $DAYS Asia/Tokyo drift
t_ok "person 6 (drift) through the pipeline" 't_person_warehouse $FROM'
hits() { awk '/^fit cache /{ h += $(NF - 5) } END { print h + 0 }' "$1"; }
misses() { awk '/^fit cache /{ m += $(NF - 3) } END { print m + 0 }' "$1"; }

t_ok "seven nights before $AS_OF" '
	for d in 5 6 7 8 9 10 11; do "$DWHBI" -q analyze --as-of 2026-11-$(printf %02d $d) > /dev/null; done
	[ "$(t_psql "SELECT count(*) FROM analytics.fit_cache")" -gt 100 ]
'
t_ok "the night of $AS_OF serves most fits from the cache" '
	DWHBI_FIT_CACHE_TRACE=1 "$DWHBI" -q analyze --as-of $AS_OF 2> "$T_TMP/warm.trace" > /dev/null
	t_analyze_snapshot > "$T_TMP/warm"
	echo "hits $(hits "$T_TMP/warm.trace"), misses $(misses "$T_TMP/warm.trace")"
	[ "$(hits "$T_TMP/warm.trace")" -gt $((5 * $(misses "$T_TMP/warm.trace"))) ]
'
t_ok "an empty cache gives identical estimates, scores, projections and errors" '
	t_psql "TRUNCATE analytics.fit_cache" > /dev/null
	DWHBI_FIT_CACHE_TRACE=1 "$DWHBI" -q analyze --as-of $AS_OF 2> "$T_TMP/cold.trace" > /dev/null
	[ "$(hits "$T_TMP/cold.trace")" -eq 0 ]
	t_analyze_snapshot > "$T_TMP/cold"
	[ -s "$T_TMP/warm" ] && diff "$T_TMP/warm" "$T_TMP/cold"
'
t_ok "an edited day inside the fit windows is refitted, not served" '
	for d in 5 6 7 8 9 10 11; do "$DWHBI" -q analyze --as-of 2026-11-$(printf %02d $d) > /dev/null; done
	t_psql "UPDATE marts.daily_category SET actual_minutes = actual_minutes + 97
	        WHERE date = '\''2026-10-20'\'' AND category IN ('\''Work'\'', '\''Sleep'\'')" > /dev/null
	"$DWHBI" -q analyze --as-of $AS_OF > /dev/null
	t_analyze_snapshot > "$T_TMP/edited-warm"
	t_psql "TRUNCATE analytics.fit_cache" > /dev/null
	"$DWHBI" -q analyze --as-of $AS_OF > /dev/null
	t_analyze_snapshot > "$T_TMP/edited-cold"
	diff "$T_TMP/edited-warm" "$T_TMP/edited-cold"
	! cmp -s "$T_TMP/edited-warm" "$T_TMP/warm"
'
t_ok "a malformed cache row is ignored" '
	t_psql "UPDATE analytics.fit_cache SET model = regexp_replace(model, '\'' [0-9a-f]{16}$'\'', '\'' zz'\'')" > /dev/null
	"$DWHBI" -q analyze --as-of $AS_OF > /dev/null
	t_analyze_snapshot > "$T_TMP/malformed"
	diff "$T_TMP/edited-cold" "$T_TMP/malformed"
'
t_done
