#!/usr/bin/env bash
# t5004: running `dwhbi adjust` night after night (5 successive as-of dates)
# on the demo person leaves at most one pending proposal per goal: each new
# proposal supersedes the older one, which is kept as `superseded` and
# points at its successor.  Re-running an older as-of does not add a second
# pending proposal next to a newer one.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/adjuster/demo-lib.sh"

demo_db
demo_goals "Sleep,weekday,day,600,more" "Sleep,any,week,2400,more" "Work,weekday,day,200,more"
SLEEP=$(goal_of Sleep weekday day)

t_ok "adjust runs for 5 successive as-of dates" '
	for n in 20 19 18 17 16; do
		"$DWHBI" -q adjust --as-of "$(days_ago $n)" > /dev/null || exit 1
	done
'
t_eq "at most one pending proposal per goal" 0 \
	"$(t_psql "SELECT count(*) FROM (SELECT goal_id FROM analytics.goal_proposals
	           WHERE state = 'pending' GROUP BY goal_id HAVING count(*) > 1) x")"
t_ok "the unreachable goal has one pending proposal, of the last as-of" '
	[ "$(t_psql "SELECT count(*), max(as_of) FROM analytics.goal_proposals
	             WHERE goal_id = '"$SLEEP"' AND state = '\''pending'\''")" = "1|$(days_ago 16)" ]
'
t_ok "the 4 older ones are kept as superseded, each by the next one" '
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals
	             WHERE goal_id = '"$SLEEP"' AND state = '\''superseded'\''")" -eq 4 ]
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals p
	             JOIN analytics.goal_proposals n ON n.proposal_id = p.superseded_by
	             WHERE p.goal_id = '"$SLEEP"' AND p.state = '\''superseded'\''
	               AND n.as_of = p.as_of + 1 AND p.decided_at IS NOT NULL")" -eq 4 ]
'
t_ok "re-running an older as-of keeps the newer proposal the only pending one" '
	"$DWHBI" adjust --as-of "$(days_ago 18)" > "$T_TMP/old"
	grep -q "Not stored: a proposal made as of a later date is pending" "$T_TMP/old"
	[ "$(t_psql "SELECT count(*), max(as_of) FROM analytics.goal_proposals
	             WHERE goal_id = '"$SLEEP"' AND state = '\''pending'\''")" = "1|$(days_ago 16)" ]
'
t_ok "a re-run of the same as-of updates the pending proposal in place" '
	before=$(t_psql "SELECT proposal_id FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"' AND state = '\''pending'\''")
	"$DWHBI" -q adjust --as-of "$(days_ago 16)" > /dev/null
	[ "$(t_psql "SELECT proposal_id FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"' AND state = '\''pending'\''")" = "$before" ]
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"'")" -eq 5 ]
'
t_ok "the database refuses a second pending proposal for a goal" '
	! t_psql "INSERT INTO analytics.goal_proposals (as_of, goal_id, category, day_type, period,
	          direction, current_minutes, proposed_minutes, probability_before, probability_after, reason)
	          SELECT as_of - 30, goal_id, category, day_type, period, direction, current_minutes,
	          proposed_minutes, probability_before, probability_after, reason
	          FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"' AND state = '\''pending'\''" 2>/dev/null
'
t_done
