#!/usr/bin/env bash
# t8006: the goals page and /api/goals show, for every current goal, the
# adjuster's status and probability for this period (analytics.latest_goal_status,
# written by `dwhbi adjust`), also for goals without a proposal; with no
# snapshot or without the view they fall back to the proposals' probability
# ("—" otherwise) and never fail.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/adjuster/person.sql" >/dev/null ||
	{ echo "fixture failed"; exit 1; }
goal_id() { # CATEGORY DAY_TYPE -> the open day/week goal's id
	t_psql "SELECT goal_id FROM ref.goals WHERE category = '$1' AND day_type = '$2' AND valid_to IS NULL"
}
SLEEP=$(goal_id Sleep weekday)
WORK=$(goal_id Work weekday)
LEISURE=$(goal_id Leisure weekday)
NEUTRAL=$(goal_id Leisure holiday)
row() { grep "data-goal-id=\"$1\"" <<<"$2"; } # GOAL_ID PAGE -> its table row
console_start

goals=$(http GET /api/goals)
t_eq "before any adjust, api/goals answers" 200 "$(http_status)"
t_ok "no goal has a status or a chance yet, and a note says to run adjust" '
	[ "$(jq "[.goals[] | select(.status != null or .probability != null)] | length" <<<"$goals")" = 0 ]
	jq -e ".notes[] | select(test(\"run .dwhbi adjust.\"))" <<<"$goals" >/dev/null
'
page=$(http GET /goals)
t_ok "the goals page shows — for the chance and the status" '
	[ "$(http_status)" = 200 ]
	row '"$WORK"' "$page" | grep -q "data-probability-source=\"none\"><span class=\"muted\">—</span></td><td class=\"nowrap\" data-label=\"Status\" data-testid=\"goal-status\"><span class=\"muted\">—</span>"
'

"$DWHBI" -q adjust --as-of 2026-11-20 > /dev/null || { echo "adjust failed"; exit 1; }
goals=$(http GET /api/goals)
t_ok "Work and Leisure have no proposal (the test is about such goals)" '
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE goal_id IN ('"$WORK"', '"$LEISURE"')")" = 0 ]
'
t_eq "every goal's probability and status are goal_status's" \
	"$(t_psql "SELECT string_agg(concat_ws(' ', goal_id, coalesce(round(probability * 10000)::text, 'null'), status), ',' ORDER BY goal_id) FROM analytics.latest_goal_status")" \
	"$(jq -r '[.goals[] | "\(.goal_id) \(if .probability == null then "null" else (.probability * 10000 | round | tostring) end) \(.status)"] | sort_by(split(" ")[0] | tonumber) | join(",")' <<<"$goals")"
t_eq "a goal without a proposal takes its chance from goal_status" goal_status \
	"$(jq -r --argjson g "$LEISURE" '.goals[] | select(.goal_id == $g) | .probability_source' <<<"$goals")"
t_eq "the snapshot's period and expected minutes are in the API" \
	"$(t_psql "SELECT concat_ws(' ', as_of, period_start, period_end, expected) FROM analytics.latest_goal_status WHERE goal_id = $WORK")" \
	"$(jq -r --argjson g "$WORK" '.goals[] | select(.goal_id == $g) | "\(.goal_status.as_of) \(.goal_status.period_start) \(.goal_status.period_end) \(.goal_status.expected)"' <<<"$goals")"
page=$(http GET /goals)
t_ok "the goals page shows the chance and status of a goal without a proposal" '
	want=$(t_psql "SELECT round(probability * 100) || '\''%'\'' FROM analytics.latest_goal_status WHERE goal_id = '"$LEISURE"'")
	st=$(t_psql "SELECT replace(status, '\''_'\'', '\'' '\'') FROM analytics.latest_goal_status WHERE goal_id = '"$LEISURE"'")
	r=$(row '"$LEISURE"' "$page")
	grep -qF "data-probability-source=\"goal_status\">$want</td>" <<<"$r" || { echo "$r"; exit 1; }
	grep -qF ">$st</span>" <<<"$r"
	r=$(row '"$WORK"' "$page")
	grep -qF "data-probability-source=\"goal_status\">$(t_psql "SELECT round(probability * 100) || '\''%'\'' FROM analytics.latest_goal_status WHERE goal_id = '"$WORK"'")</td>" <<<"$r"
'
t_ok "a neutral goal shows its status and no chance" '
	r=$(row '"$NEUTRAL"' "$page")
	grep -q "<span class=\"muted\">—</span></td><td class=\"nowrap\" data-label=\"Status\" data-testid=\"goal-status\"><span class=\"badge neutral\">neutral</span>" <<<"$r" || { echo "$r"; exit 1; }
'
t_ok "a goal with a proposal shows this period's chance, not the next period's" '
	r=$(row '"$SLEEP"' "$page")
	want=$(t_psql "SELECT round(probability * 100) || '\''%'\'' FROM analytics.latest_goal_status WHERE goal_id = '"$SLEEP"'")
	grep -qF "data-probability-source=\"goal_status\">$want</td>" <<<"$r" || { echo "$r"; exit 1; }
'

t_psql "DROP VIEW analytics.latest_goal_status" >/dev/null
goals=$(http GET /api/goals)
t_eq "without the view api/goals still answers" 200 "$(http_status)"
t_ok "without the view, goals fall back to their proposals' probability, else null" '
	[ "$(jq -r --argjson g '"$SLEEP"' ".goals[] | select(.goal_id == \$g) | .probability_source" <<<"$goals")" = proposal ]
	[ "$(jq -r --argjson g '"$LEISURE"' ".goals[] | select(.goal_id == \$g) | \"\(.probability) \(.status)\"" <<<"$goals")" = "null null" ]
	jq -e ".notes[] | select(test(\"latest_goal_status does not exist\"))" <<<"$goals" >/dev/null
'
page=$(http GET /goals)
t_ok "without the view the goals page answers with — for goals without a proposal" '
	[ "$(http_status)" = 200 ]
	row '"$LEISURE"' "$page" | grep -q "data-probability-source=\"none\"><span class=\"muted\">—</span>"
'
t_done
