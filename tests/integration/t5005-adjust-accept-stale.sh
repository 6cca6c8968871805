#!/usr/bin/env bash
# t5005: accepting a proposal made as of 60 days ago never rewrites the past:
# the new goal versions start with the next period that has not started yet
# (tomorrow for a day goal, the next Monday for a week goal, the next 1st
# for a month goal), and after the next transform every
# marts.goal_achievement row is what it was before the acceptance.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/adjuster/demo-lib.sh"

demo_db
demo_goals "Sleep,weekday,day,600,more" "Sleep,any,week,2400,more" "Sleep,any,month,9500,more"
DAY=$(goal_of Sleep weekday day)
WEEK=$(goal_of Sleep any week)
MONTH=$(goal_of Sleep any month)
ASOF=$(days_ago 60)
TOMORROW=$(TZ=Asia/Tokyo date -d tomorrow +%F)
MONDAY=$(t_psql "SELECT (date_trunc('week', '$TODAY'::date) + interval '7 days')::date")
FIRST=$(t_psql "SELECT (date_trunc('month', '$TODAY'::date) + interval '1 month')::date")

t_ok "adjust as of $ASOF proposes new values for the three goals" '
	"$DWHBI" -q adjust --as-of "$ASOF" > /dev/null
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = '\''pending'\''
	             AND goal_id IN ('"$DAY,$WEEK,$MONTH"')")" -eq 3 ]
'
ach() {
	t_psql "SELECT string_agg(concat_ws(':', period, period_start, goal_id, goal_minutes,
	        actual_minutes, met, complete), ',' ORDER BY period, period_start, goal_id)
	        FROM marts.goal_achievement"
}
"$DWHBI" -q transform > /dev/null
BEFORE=$(ach)
pid() { t_psql "SELECT proposal_id FROM analytics.goal_proposals WHERE goal_id = $1 AND state = 'pending'"; }
t_ok "the three stale proposals can be accepted" '
	"$DWHBI" adjust accept "$(pid "$DAY")" > "$T_TMP/a1"
	"$DWHBI" adjust accept "$(pid "$WEEK")" > "$T_TMP/a2"
	"$DWHBI" adjust accept "$(pid "$MONTH")" > "$T_TMP/a3"
	grep -q "from $TOMORROW" "$T_TMP/a1"
'
new_from() { t_psql "SELECT valid_from FROM ref.goals WHERE category = 'Sleep' AND day_type = '$1'
                     AND period = '$2' AND valid_to IS NULL"; }
t_eq "the day goal's new version starts tomorrow, not on as-of + 1" "$TOMORROW" "$(new_from weekday day)"
t_eq "the week goal's new version starts next Monday" "$MONDAY" "$(new_from any week)"
t_eq "the month goal's new version starts on the next 1st" "$FIRST" "$(new_from any month)"
t_ok "the old versions end where the new ones start, and the proposals say so" '
	[ "$(t_psql "SELECT valid_to FROM ref.goals WHERE goal_id = '"$DAY"'")" = "$TOMORROW" ]
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals p JOIN ref.goals g ON g.goal_id = p.new_goal_id
	             WHERE p.state = '\''accepted'\'' AND p.valid_from = g.valid_from")" -eq 3 ]
'
"$DWHBI" -q transform > /dev/null
AFTER=$(ach)
t_ok "goal_achievement was not empty before" '[ -n "$BEFORE" ] && [ "$(echo "$BEFORE" | tr , "\n" | wc -l)" -gt 60 ]'
t_eq "after the next transform no goal_achievement row changed" "$BEFORE" "$AFTER"
t_done
