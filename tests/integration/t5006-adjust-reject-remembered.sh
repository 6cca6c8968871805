#!/usr/bin/env bash
# t5006: a rejected proposal is remembered.  On the next night's data, when
# nothing changed materially (the probability of meeting the current goal
# moved by less than adjust.material, default 0.15), the same change is not
# proposed again; the setting (ref.settings or --material) decides what
# "materially" is.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/adjuster/demo-lib.sh"

demo_db
demo_goals "Sleep,weekday,day,600,more" "Sleep,any,week,2400,more"
DAY=$(goal_of Sleep weekday day)
WEEK=$(goal_of Sleep any week)
D1=$(days_ago 10)
D2=$(days_ago 9)
pending() { t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE goal_id = $1 AND state = 'pending'"; }

t_ok "adjust as of $D1 proposes both goals; the Sleep day proposal is rejected" '
	"$DWHBI" -q adjust --as-of "$D1" > /dev/null
	[ "$(pending "$DAY")" -eq 1 ] && [ "$(pending "$WEEK")" -eq 1 ]
	"$DWHBI" adjust reject "$(t_psql "SELECT proposal_id FROM analytics.goal_proposals
	                                  WHERE goal_id = '"$DAY"' AND state = '\''pending'\''")" | grep -q rejected
'
t_ok "the next night ($D2) does not propose the rejected change again" '
	"$DWHBI" adjust --as-of "$D2" > "$T_TMP/n2"
	[ "$(pending "$DAY")" -eq 0 ]
	grep -q "Not stored: you rejected this change as of $D1" "$T_TMP/n2"
'
t_ok "the goal that was not rejected keeps getting its proposal" '[ "$(pending "$WEEK")" -eq 1 ]'
t_ok "the rejection stays rejected (not superseded, not expired)" '
	[ "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE goal_id = '"$DAY"'")" = rejected ]
'
t_ok "with --material 0 any move counts and the change is proposed again" '
	"$DWHBI" -q adjust --as-of "$D2" --material 0 > /dev/null
	[ "$(pending "$DAY")" -eq 1 ]
'
t_ok "the setting adjust.material in ref.settings does the same, and a bad value is refused" '
	"$DWHBI" -q adjust --as-of "$D2" > /dev/null
	[ "$(pending "$DAY")" -eq 0 ]
	t_psql "INSERT INTO ref.settings VALUES ('\''adjust.material'\'', '\''0'\'')"
	"$DWHBI" -q adjust --as-of "$D2" > /dev/null
	[ "$(pending "$DAY")" -eq 1 ]
	t_psql "UPDATE ref.settings SET value = '\''lots'\'' WHERE key = '\''adjust.material'\''"
	set +e; "$DWHBI" adjust --as-of "$D2" > /dev/null 2> "$T_TMP/e"; rc=$?; set -e
	[ $rc -eq 2 ] && grep -q "adjust.material" "$T_TMP/e" && [ "$(wc -l < "$T_TMP/e")" -eq 1 ]
'
t_done
