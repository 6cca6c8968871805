#!/usr/bin/env bash
# t5007: a pending proposal expires when adjust runs more than
# adjust.expire_days (default 7) after its as-of, and `dwhbi adjust list`
# shows every state (pending, accepted, rejected, superseded, expired) with
# its dates.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/adjuster/demo-lib.sh"

demo_db
demo_goals "Sleep,weekday,day,600,more" "Sleep,any,week,2400,more" "Sleep,holiday,day,650,more" \
	"Work,weekday,day,200,more"
DAY=$(goal_of Sleep weekday day)
WEEK=$(goal_of Sleep any week)
HOL=$(goal_of Sleep holiday day)
WORK=$(goal_of Work weekday day)
D0=$(days_ago 30)
state_of() { t_psql "SELECT string_agg(state, ',' ORDER BY as_of) FROM analytics.goal_proposals WHERE goal_id = $1"; }
pid() { t_psql "SELECT proposal_id FROM analytics.goal_proposals WHERE goal_id = $1 AND state = 'pending'"; }

t_ok "adjust as of $D0 proposes all four goals" '
	"$DWHBI" -q adjust --as-of "$D0" > /dev/null
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = '\''pending'\''")" -eq 4 ]
'
"$DWHBI" -q adjust accept "$(pid "$WORK")" > /dev/null
"$DWHBI" -q adjust reject "$(pid "$HOL")" > /dev/null
t_ok "7 days later a proposal is still pending (superseded by the new one, not expired)" '
	"$DWHBI" -q adjust --as-of "$(days_ago 23)" > /dev/null
	[ "$(state_of "$DAY")" = "superseded,pending" ]
'
t_ok "8 days after its as-of the pending proposal expires" '
	"$DWHBI" -q adjust --as-of "$(days_ago 15)" --expire-days 7 > /dev/null
	[ "$(state_of "$DAY")" = "superseded,expired,pending" ]
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = '\''expired'\''
	             AND decided_at IS NOT NULL")" -ge 1 ]
'
t_ok "adjust.expire_days in ref.settings sets the number of days" '
	t_psql "INSERT INTO ref.settings VALUES ('\''adjust.expire_days'\'', '\''20'\'')"
	"$DWHBI" -q adjust --as-of "$(days_ago 5)" > /dev/null
	[ "$(state_of "$DAY")" = "superseded,expired,superseded,pending" ]
'
"$DWHBI" adjust list > "$T_TMP/list"
t_ok "adjust list shows every state" '
	for s in pending accepted rejected superseded expired; do
		grep -qE "^ +[0-9]+  $s " "$T_TMP/list" || { echo "no $s"; exit 1; }
	done
'
t_ok "adjust list gives the dates: as-of, expiry, first day of the accepted goal, successor" '
	grep -qE "^ +[0-9]+  pending .*$(days_ago 5) .* expires after $(date -u -d "$(days_ago 5) +20 days" +%F)" "$T_TMP/list"
	grep -qE "^ +[0-9]+  accepted .*$D0 .*$(TZ=Asia/Tokyo date -u +%Y-)" "$T_TMP/list"
	v=$(t_psql "SELECT valid_from FROM ref.goals WHERE category = '\''Work'\'' AND valid_to IS NULL")
	grep -qE "accepted .* from $v" "$T_TMP/list"
	s=$(t_psql "SELECT proposal_id || '\'' '\'' || superseded_by FROM analytics.goal_proposals
	            WHERE goal_id = '"$DAY"' AND state = '\''superseded'\'' ORDER BY as_of LIMIT 1")
	grep -qE "^ +${s% *}  superseded .* by ${s#* }$" "$T_TMP/list"
'
t_ok "adjust list --state filters, a bad state is a usage error" '
	"$DWHBI" adjust list --state expired > "$T_TMP/exp"
	[ "$(grep -cE "^ +[0-9]+  " "$T_TMP/exp")" -eq "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = '\''expired'\''")" ]
	! grep -qE "^ +[0-9]+  pending" "$T_TMP/exp"
	set +e; "$DWHBI" adjust list --state maybe 2>/dev/null; rc=$?; set -e
	[ $rc -eq 2 ]
'
t_done
