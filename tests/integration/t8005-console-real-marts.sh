#!/usr/bin/env bash
# t8005: the console on marts built by the real pipeline (not fixtures):
# fake Toggl and Google serve the synthetic person; seed, goals import,
# sync, transform, analyze and adjust run for real; every page answers and
# the API's figures are the marts' own.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
t_demo_days 7 35
cat > "$T_TMP/goals.csv" <<CSV
category,day_type,period,minutes,direction,valid_from,valid_to
Sleep,any,day,900,more,$FROM,
Work,weekday,week,2400,less,$FROM,
Exercise,any,week,30,more,$FROM,
CSV
t_ok "the pipeline builds marts, estimates and proposals" '
	{
		t_demo_pipeline "$DAYS" "$T_TMP/goals.csv" &&
		"$DWHBI" -q analyze &&
		"$DWHBI" -q adjust
	} >"$T_TMP/pipeline.out" 2>&1 || { cat "$T_TMP/pipeline.out"; exit 1; }
'
export DWHBI_CONSOLE_TOKEN=console-token-for-t8005
console_start --reports-dir "$T_TMP/reports"

for page in / /runs /goals /reports; do
	http GET "$page" >/dev/null
	t_eq "page $page answers 200" 200 "$(http_status)"
done
status=$(http GET /api/status)
for s in toggl_track google_calendar; do
	t_eq "$s rows are the freshness mart's" \
		"$(t_psql "SELECT row_count FROM marts.source_freshness WHERE source = '$s'")" \
		"$(jq --arg s "$s" '.services[] | select((.name == "toggl" and $s == "toggl_track") or (.name == "gcal" and $s == "google_calendar")) | .row_count' <<<"$status")"
done
t_eq "both sources are fresh after their sync" "fresh fresh" "$(jq -r '[.services[].state] | join(" ")' <<<"$status")"
t_eq "every mart is listed" \
	"$(t_psql "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'marts' AND c.relkind IN ('r', 'p', 'v', 'm')")" \
	"$(jq '.marts | length' <<<"$status")"
t_eq "a mart's last refresh is its build in ops.model_builds" \
	"$(t_psql "SELECT to_char(built_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM ops.model_builds WHERE model = 'marts.daily_category'")" \
	"$(jq -r '.marts[] | select(.name == "daily_category") | .last_refresh' <<<"$status")"
t_eq "a mart's row count is its own" \
	"$(t_psql "SELECT count(*) FROM marts.daily_category")" \
	"$(jq '.marts[] | select(.name == "daily_category") | .row_count' <<<"$status")"

goals=$(http GET /api/goals)
t_eq "no notes once everything is built" 0 "$(jq '.notes // [] | length' <<<"$goals")"
gid=$(t_psql "SELECT goal_id FROM ref.goals WHERE category = 'Work'")
t_eq "this week's Work minutes are goal_achievement's" \
	"$(t_psql "SELECT actual_minutes FROM marts.goal_achievement WHERE goal_id = $gid AND period = 'week' AND period_start <= '$TODAY' ORDER BY period_start DESC LIMIT 1")" \
	"$(jq --argjson g "$gid" '.goals[] | select(.goal_id == $g) | .current_period.actual_minutes' <<<"$goals")"
t_ok "estimates of the latest snapshot are shown" '[ "$(jq ".estimates | length" <<<"$goals")" -gt 0 ]'
t_eq "pending proposals are the adjuster's" \
	"$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = 'pending'")" \
	"$(http GET '/api/proposals?state=pending' | jq '.proposals | length')"
t_done
