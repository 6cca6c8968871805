#!/usr/bin/env bash
# t5009: the goals file and the database tell one story.  After a proposal
# is accepted, importing the older goals file is refused with what happened
# and what to do (`goals export` to refresh the file, or --replace-from
# DATE), and changes nothing; the exported file imports as unchanged;
# --replace-from DATE applies the file's values from DATE.  `dwhbi demo`
# keeps working after a proposal is accepted in the console.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"
for f in toggl google; do
	[ -x "$BUILD/tests/fake/fake-$f" ] || { echo "fake-$f not built" >&2; exit 1; }
done
t_migrated_db
chmod 755 "$T_TMP"
export DWHBI_DEMO_DIR="$T_TMP/demo" BUILD DWHBI_TIMEZONE=Asia/Tokyo

t_ok "a first demo run succeeds" '"$DWHBI" demo --days 40 > "$T_TMP/demo1" 2>&1 || { tail -20 "$T_TMP/demo1"; exit 1; }'
PID=$(t_psql "SELECT min(proposal_id) FROM analytics.goal_proposals WHERE state = 'pending'")
TOKEN=console-token-t5009
export DWHBI_CONSOLE_TOKEN=$TOKEN
console_start
t_ok "a pending proposal ($PID) is accepted in the console" '
	[ -n "$PID" ]
	api_decide "$PID" accept -H "Authorization: Bearer $TOKEN" > /dev/null
	[ "$(http_status)" = 200 ]
	[ "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = '"$PID"'")" = accepted ]
'
console_stop
snapshot() { t_psql "SELECT string_agg(concat_ws(':', goal_id, minutes, valid_from, valid_to, source), ',' ORDER BY goal_id) FROM ref.goals"; }
BEFORE=$(snapshot)
CAT=$(t_psql "SELECT category FROM analytics.goal_proposals WHERE proposal_id = $PID")
t_ok "importing the older example file is refused with what to do, in one line" '
	set +e; "$DWHBI" goals import "$SRCDIR/config/goals.csv" > /dev/null 2> "$T_TMP/e"; rc=$?; set -e
	cat "$T_TMP/e"
	[ $rc -eq 1 ] && [ "$(wc -l < "$T_TMP/e")" -eq 1 ]
	grep -q "the file is older than the database" "$T_TMP/e"
	grep -q "$CAT" "$T_TMP/e"
	grep -q "accepted from a proposal" "$T_TMP/e"
	grep -q "dwhbi goals export" "$T_TMP/e"
	grep -q -- "--replace-from DATE" "$T_TMP/e"
	! grep -q "must be after" "$T_TMP/e"
'
t_eq "and nothing changed" "$BEFORE" "$(snapshot)"
t_ok "the exported file imports with every row unchanged" '
	"$DWHBI" -q goals export "$T_TMP/goals.csv"
	"$DWHBI" goals import "$T_TMP/goals.csv" | grep -qE "^[0-9]+ goals read: 0 new versions, 0 closed, [0-9]+ unchanged"
	[ "$BEFORE" = "$(snapshot)" ]
'
NEW_FROM=$(t_psql "SELECT valid_from FROM analytics.goal_proposals WHERE proposal_id = $PID")
t_ok "--replace-from a date before the accepted version started is refused" '
	set +e; "$DWHBI" goals import --replace-from 2020-01-02 "$SRCDIR/config/goals.csv" 2> "$T_TMP/e2"; rc=$?; set -e
	[ $rc -eq 1 ] && grep -q "must be after $NEW_FROM" "$T_TMP/e2" && [ "$BEFORE" = "$(snapshot)" ]
'
LATER=$(date -u -d "$NEW_FROM +7 days" +%F)
t_ok "--replace-from $LATER makes the file's value apply from that day" '
	"$DWHBI" goals import --replace-from "$LATER" "$SRCDIR/config/goals.csv" | grep -q "1 new versions, 1 closed"
	file=$(grep "^$CAT," "$SRCDIR/config/goals.csv" | cut -d, -f4 | head -1)
	[ "$(t_psql "SELECT minutes || '\''|'\'' || valid_from || '\''|'\'' || source FROM ref.goals
	             WHERE category = '\''$CAT'\'' AND valid_to IS NULL
	             AND day_type = (SELECT day_type FROM analytics.goal_proposals WHERE proposal_id = '"$PID"')
	             AND period = (SELECT period FROM analytics.goal_proposals WHERE proposal_id = '"$PID"')")" = "$file|$LATER|import" ]
	[ "$(t_psql "SELECT valid_to FROM ref.goals WHERE goal_id = (SELECT new_goal_id FROM analytics.goal_proposals
	             WHERE proposal_id = '"$PID"')")" = "$LATER" ]
'
t_ok "--replace-from needs a date" '
	set +e; "$DWHBI" goals import --replace-from soon x.csv 2>/dev/null; rc=$?; set -e; [ $rc -eq 2 ]
'
t_ok "the demo runs again after the acceptance, without a failed step" '
	"$DWHBI" demo --days 40 > "$T_TMP/demo2" 2>&1 || { tail -20 "$T_TMP/demo2"; exit 1; }
	grep -q "goals: kept as the database has them" "$T_TMP/demo2"
	! grep -q "failed" "$T_TMP/demo2"
'
t_done
