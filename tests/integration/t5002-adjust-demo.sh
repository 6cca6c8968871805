#!/usr/bin/env bash
# t5002: the adjuster on the demo person through the real pipeline: fake
# Toggl and Google servers serve the synthetic person of tests/fake/person.h;
# seed, sync, transform and analyze produce the marts and estimates the
# adjuster reads.  Goals are set against what the person really does: an
# obviously unreachable one (Sleep 600 minutes a weekday) must get a lower
# proposal, an always-met one (Sleep 1500 minutes over a week's weekdays) a
# higher one (on weekdays only: the calibrated estimates are tight enough that
# a whole-week sleep goal at p 0.7 runs into the holiday day budget), and a
# reasonable one (Work on the next weekday at the analyzer's own estimate)
# none.  Accepting a proposal creates a goal version that the marts show
# after the next transform; --as-of output is reproducible.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
t_demo_days 11 71

t_ok "seed, sync and transform build the marts" '
	{
		t_demo_pipeline "$DAYS" -
	} >"$T_TMP/pipeline.out" 2>&1 || { cat "$T_TMP/pipeline.out"; exit 1; }
'
# The as-of date: the last day before a weekday that the data holds, so the
# day a day goal's new version starts (as-of + 1) is in the marts.
ASOF=$(t_psql "SELECT max(date) - 1 FROM core.days WHERE day_type = 'weekday'
               AND date <= '$TODAY' AND date > '$FROM'::date + 40")
NEXT=$(date -u -d "$ASOF +1 day" +%F)
t_ok "analyze runs as of $ASOF" '"$DWHBI" -q analyze --as-of "$ASOF" > "$T_TMP/analyze.out"'

# Work on the first weekday after as-of, at the analyzer's own estimate
# rounded to 5 minutes: a coin toss, inside the default band.
WORK=$(t_psql "SELECT (round(e.minutes / 5) * 5)::int FROM analytics.estimates e
               JOIN core.days d ON d.date = e.target_date
               WHERE e.as_of = '$ASOF' AND e.category = 'Work' AND d.day_type = 'weekday'
               AND e.upper80 > e.lower80 ORDER BY e.target_date LIMIT 1")
cat > "$T_TMP/goals.csv" <<CSV
category,day_type,period,minutes,direction,valid_from,valid_to
Sleep,weekday,day,600,more,$FROM,
Sleep,weekday,week,1500,more,$FROM,
Work,weekday,day,${WORK:-0},more,$FROM,
CSV
t_ok "the goals import (Work at the estimate: $WORK min)" '
	[ -n "$WORK" ] && [ "$WORK" -gt 0 ]
	"$DWHBI" -q goals import "$T_TMP/goals.csv" > /dev/null
'
gid() { t_psql "SELECT goal_id FROM ref.goals WHERE category = '$1' AND day_type = '$2' AND period = '$3'"; }
SLEEP_DAY=$(gid Sleep weekday day)
SLEEP_WEEK=$(gid Sleep weekday week)
WORK_DAY=$(gid Work weekday day)
proposed() { t_psql "SELECT proposed_minutes FROM analytics.goal_proposals WHERE goal_id = $1 AND state = 'pending'"; }

t_ok "adjust runs on the demo data" '"$DWHBI" adjust --as-of "$ASOF" > "$T_TMP/adjust1" 2>"$T_TMP/err" || { cat "$T_TMP/err"; exit 1; }'
p_after() { t_psql "SELECT round(probability_after::numeric, 2) FROM analytics.goal_proposals WHERE goal_id = $1 AND state = 'pending'"; }
t_ok "the unreachable goal (Sleep 600 a weekday) gets a lower proposal, met with p near 0.7" '
	v=$(proposed "$SLEEP_DAY"); [ -n "$v" ] && [ "$v" -lt 600 ] && [ $((v % 5)) -eq 0 ]
	p=$(p_after "$SLEEP_DAY"); awk -v p="$p" "BEGIN { exit !(p >= 0.6 && p <= 0.8) }"
'
SLEEP_NEW=$(proposed "$SLEEP_DAY")
t_ok "the always-met goal (Sleep 1500 a weekday week) gets a higher proposal, met with p near 0.7" '
	v=$(proposed "$SLEEP_WEEK"); [ -n "$v" ] && [ "$v" -gt 1500 ]
	p=$(p_after "$SLEEP_WEEK"); awk -v p="$p" "BEGIN { exit !(p >= 0.6 && p <= 0.8) }"
'
t_ok "the reasonable goal (Work at its estimate) gets none" '
	[ -z "$(proposed "$WORK_DAY")" ]
	grep -qE "^ +$WORK_DAY  Work .* (on_track|at_risk) " "$T_TMP/adjust1"
'
t_ok "--as-of output is reproducible, text and JSON, with the same proposal ids" '
	"$DWHBI" adjust --as-of "$ASOF" > "$T_TMP/adjust2"
	cmp "$T_TMP/adjust1" "$T_TMP/adjust2"
	"$DWHBI" adjust --as-of "$ASOF" --format json > "$T_TMP/j1"
	"$DWHBI" adjust --as-of "$ASOF" --format json > "$T_TMP/j2"
	cmp "$T_TMP/j1" "$T_TMP/j2"
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals")" -eq 2 ]
'
t_ok "a newer analyzer snapshot for a later date does not change the as-of output" '
	"$DWHBI" -q analyze --as-of "$NEXT" > /dev/null
	[ "$(t_psql "SELECT max(as_of) FROM analytics.estimates")" = "$NEXT" ]
	"$DWHBI" adjust --as-of "$ASOF" > "$T_TMP/adjust3"
	cmp "$T_TMP/adjust1" "$T_TMP/adjust3"
	"$DWHBI" adjust --as-of "$ASOF" --format json > "$T_TMP/j3"
	cmp "$T_TMP/j1" "$T_TMP/j3"
'
PID=$(t_psql "SELECT proposal_id FROM analytics.goal_proposals WHERE goal_id = $SLEEP_DAY")
# The new version starts tomorrow (the first day that has not started), not
# on as-of + 1, which may lie in the past.
EFF=$(TZ=Asia/Tokyo date -d tomorrow +%F)
t_ok "accept creates a new goal version from tomorrow ($EFF)" '
	"$DWHBI" adjust accept "$PID" | grep -q "600 -> $SLEEP_NEW min from $EFF"
	[ "$(t_psql "SELECT minutes || '\''|'\'' || valid_from FROM ref.goals
	             WHERE category = '\''Sleep'\'' AND day_type = '\''weekday'\'' AND period = '\''day'\''
	               AND valid_to IS NULL")" = "$SLEEP_NEW|$EFF" ]
'
t_ok "after the next transform the marts show the new goal from $EFF" '
	"$DWHBI" -q transform > /dev/null
	[ "$(t_psql "SELECT goal_minutes::int FROM marts.daily_category
	             WHERE category = '\''Sleep'\'' AND date >= '\''$EFF'\'' AND day_type = '\''weekday'\''
	             ORDER BY date LIMIT 1")" -eq "$SLEEP_NEW" ]
	[ "$(t_psql "SELECT goal_minutes::int FROM marts.daily_category
	             WHERE category = '\''Sleep'\'' AND day_type = '\''weekday'\'' AND date < '\''$EFF'\''
	             ORDER BY date DESC LIMIT 1")" -eq 600 ]
	# No day that has begun is judged against the new version.
	[ "$(t_psql "SELECT count(*) FROM marts.goal_achievement WHERE period_start < '\''$EFF'\''
	             AND goal_id = (SELECT goal_id FROM ref.goals
	             WHERE category = '\''Sleep'\'' AND day_type = '\''weekday'\'' AND valid_to IS NULL)")" -eq 0 ]
	[ "$(t_psql "SELECT count(*) FROM marts.goal_achievement WHERE goal_id = '"$SLEEP_DAY"'")" -gt 0 ]
'
t_done
