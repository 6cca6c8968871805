#!/usr/bin/env bash
# The analysis cannot see the future: on a synthetic person with every
# behaviour of tests/fake/person.h (profile "all") through the real pipeline,
# perturbing every day after an as-of (and adding days that did not exist)
# leaves that as-of's estimates, scores, month projections and backtest
# errors identical; `analyze --evaluate` for that as-of scores the same
# pairs, against the changed actuals.
. "$SRCDIR/tests/lib.sh"

export DWHBI_TIMEZONE=Asia/Tokyo
FROM=2026-06-05
DAYS=182
TODAY=$(TZ=Asia/Tokyo date +%F)
AS_OF=2026-10-14
t_migrated_db
t_demo_person 5 $FROM $DAYS Asia/Tokyo all
t_ok "person 5 (all behaviours) through the pipeline" 't_person_warehouse $FROM'
t_ok "analyze as of $AS_OF" '"$DWHBI" -q analyze --as-of $AS_OF > /dev/null'
t_analyze_snapshot > "$T_TMP/before"
t_ok "the evaluation of $AS_OF alone" \
	'"$DWHBI" analyze --evaluate $AS_OF..$AS_OF > "$T_TMP/eval1"; grep "^summary: n=[1-9]" "$T_TMP/eval1"'
t_ok "every day after $AS_OF perturbed, and days added after the data" '
	t_psql "UPDATE marts.daily_category SET actual_minutes = actual_minutes * 3 + 100
	        WHERE date > '\''$AS_OF'\''" > /dev/null
	t_psql "INSERT INTO marts.daily_category (date, time, category, day_type, actual_minutes, complete)
	        SELECT d::date, d, '\''Work'\'', '\''weekday'\'', 9999, true
	        FROM generate_series('\''$TODAY'\''::date + 1, '\''$TODAY'\''::date + 40, interval '\''1 day'\'') d
	        ON CONFLICT DO NOTHING" > /dev/null
	[ "$(t_psql "SELECT count(*) FROM marts.daily_category WHERE date > '\''$AS_OF'\'' AND actual_minutes >= 100")" -gt 500 ]
'
t_ok "analyze as of $AS_OF again" '"$DWHBI" -q analyze --as-of $AS_OF > /dev/null'
t_ok "identical estimates, scores, projections and backtest errors" '
	t_analyze_snapshot > "$T_TMP/after"
	[ -s "$T_TMP/before" ] && diff "$T_TMP/before" "$T_TMP/after"
'
t_ok "the evaluation scores the same estimates against the changed actuals" '
	"$DWHBI" analyze --evaluate $AS_OF..$AS_OF > "$T_TMP/eval2"
	grep "^summary:" "$T_TMP/eval1" "$T_TMP/eval2"
	# same pairs scored, different errors (the actuals changed, the estimates did not)
	[ "$(grep -o "^summary: n=[0-9]*" "$T_TMP/eval1")" = "$(grep -o "^summary: n=[0-9]*" "$T_TMP/eval2")" ]
	! cmp -s "$T_TMP/eval1" "$T_TMP/eval2"
'
t_done
