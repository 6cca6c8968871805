#!/usr/bin/env bash
# t8001: the console's pages and JSON API show the database's data — first
# before the marts exist (a note, never a 500), then with the marts — and
# render hostile text escaped and secrets redacted.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"

t_migrated_db
console_fixture
mkdir -p "$T_TMP/reports"
printf '%%PDF-1.4\n%% console test\n%%%%EOF\n' > "$T_TMP/reports/report-2026-10.pdf"
: > "$T_TMP/reports/report-2026-11.pdf"   # being written: empty
printf '%%PDF-1.4\n%% half written\n' > "$T_TMP/reports/report-2026-09.pdf"
echo 'not a pdf' > "$T_TMP/reports/notes.txt"
export TOGGL_API_TOKEN=tgl-secret-value-0123456789
t_psql "INSERT INTO ops.runs (job, status, finished_at, error)
        VALUES ('sync toggl', 'failed', now(), 'sent tgl-secret-value-0123456789 and got 403')" >/dev/null
export DWHBI_CONSOLE_TOKEN=console-token-for-t8001
console_start --reports-dir "$T_TMP/reports"

# -- without marts ------------------------------------------------------------
status=$(http GET /api/status)
t_eq "api/status answers without marts" 200 "$(http_status)"
t_eq "toggl is failing (its last run failed)" failing \
	"$(jq -r '.services[] | select(.name=="toggl") | .state' <<<"$status")"
t_eq "gcal is failing too" failing \
	"$(jq -r '.services[] | select(.name=="gcal") | .state' <<<"$status")"
t_ok "freshness is read live from ops.sync_state, and the mart's build time is separate (none yet)" \
	'[ "$(jq -r .freshness_from <<<"$status")" = ops.sync_state ] && [ "$(jq -r .freshness_mart_built_at <<<"$status")" = null ]'
t_eq "last sync of toggl comes from ops.sync_state" \
	"$(t_psql "SELECT to_char(max(last_synced_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM ops.sync_state WHERE source LIKE 'toggl_track.%'")" \
	"$(jq -r '.services[] | select(.name=="toggl") | .last_synced_at' <<<"$status")"

page=$(http GET /)
t_eq "overview answers without marts" 200 "$(http_status)"
t_ok "overview says where freshness comes from and shows both sources" \
	'grep -q "read live from <code>ops.sync_state" <<<"$page" && grep -q "Toggl Track" <<<"$page" && grep -q "Google Calendar" <<<"$page"'
t_ok "an error text with <script> is rendered escaped" \
	'grep -qF "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" <<<"$page" && ! grep -qF "<script>alert" <<<"$page"'

goals=$(http GET /api/goals)
t_eq "api/goals lists the current goals" \
	"$(t_psql "SELECT count(*) FROM ref.goals WHERE valid_to IS NULL")" "$(jq '.goals | length' <<<"$goals")"
t_eq "a goal's chance is its latest proposal's probability" \
	"$(t_psql "SELECT probability_before FROM analytics.goal_proposals WHERE proposal_id = 1")" \
	"$(jq '.goals[] | select(.goal_id==3) | .probability' <<<"$goals")"
t_ok "api/goals notes the missing achievement mart" \
	'jq -e ".notes[] | select(test(\"goal_achievement does not exist\"))" <<<"$goals" >/dev/null'
page=$(http GET /goals)
t_eq "goals page answers without marts" 200 "$(http_status)"
t_ok "goals page shows Japanese names and escapes markup in names and reasons" \
	'grep -q "睡眠" <<<"$page" && grep -qF "Work &lt;b&gt;deep&lt;/b&gt;" <<<"$page" &&
	 grep -qF "&lt;script&gt;alert(1)&lt;/script&gt;" <<<"$page" && ! grep -qF "<b>deep" <<<"$page"'
t_ok "logged out, the goals page offers one login link instead of buttons" \
	'! grep -q "data-testid=\"accept-" <<<"$page" && [ "$(grep -o "data-testid=\"login-to-act\"" <<<"$page" | wc -l)" = 1 ]'
page=$(http GET /goals -H "Authorization: Bearer $DWHBI_CONSOLE_TOKEN")
t_ok "with the token, it has accept and reject buttons for each pending proposal" \
	'[ "$(grep -o "data-testid=\"accept-[0-9]*\"" <<<"$page" | wc -l)" = "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = '"'"'pending'"'"'")" ]'

props=$(http GET '/api/proposals?state=pending')
t_eq "api/proposals filters by state" \
	"$(t_psql "SELECT string_agg(proposal_id::text, ',' ORDER BY proposal_id) FROM analytics.goal_proposals WHERE state = 'pending'")" \
	"$(jq -r '[.proposals[].proposal_id] | sort | map(tostring) | join(",")' <<<"$props")"
http GET '/api/proposals?state=bogus' >/dev/null
t_eq "a bad state filter is a 400" 400 "$(http_status)"

runs=$(http GET '/api/runs?job=sync%20gcal')
t_eq "api/runs filters by job" \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE job = 'sync gcal'")" "$(jq '.runs | length' <<<"$runs")"
t_eq "api/runs carries the error text" \
	"$(t_psql "SELECT error FROM ops.runs WHERE job = 'sync gcal'")" "$(jq -r '.runs[0].error' <<<"$runs")"
page=$(http GET '/runs?job=sync%20gcal')
t_ok "runs page filtered by job shows only that job" \
	'grep -q "data-run-id" <<<"$page" && ! grep -q ">sync toggl</a>" <<<"$page" && grep -q ">sync gcal</a>" <<<"$page"'
id=$(t_psql "SELECT max(id) FROM ops.runs")
t_eq "api/runs/ID returns that run" "$id" "$(http GET "/api/runs/$id" | jq .run.id)"
http GET /api/runs/987654321 >/dev/null
t_eq "an unknown run is a 404" 404 "$(http_status)"

t_ok "a configured secret is never rendered" \
	'! http GET /runs | grep -q tgl-secret-value && ! http GET /api/runs | grep -q tgl-secret-value &&
	 http GET /api/runs | grep -q "sent \*\*\* and got 403"'

# -- with the marts -----------------------------------------------------------
console_fixture_marts() { psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/browser/console-marts.sql" >/dev/null; }
console_fixture_marts
status=$(http GET /api/status)
t_psql "INSERT INTO raw.toggl_track__time_entries (source_id, data) VALUES ('1', '{}'), ('2', '{}');
        INSERT INTO raw.toggl_track__time_entries (source_id, data, deleted_at) VALUES ('3', '{}', now())" >/dev/null
status=$(http GET /api/status)
t_eq "row counts are live from the raw tables, not the mart's" "2 1" \
	"$(jq -r '.services[] | select(.name=="toggl") | "\(.row_count) \(.deleted_count)"' <<<"$status")"
t_eq "each raw table of a source is listed" \
	"$(t_psql "SELECT count(*) FROM pg_tables WHERE schemaname = 'raw' AND tablename LIKE 'toggl\_track\_\_%'")" \
	"$(jq '.services[] | select(.name=="toggl") | .tables | length' <<<"$status")"
t_ok "marts are listed with their row counts" \
	'[ "$(jq ".marts[] | select(.name==\"goal_achievement\") | .row_count" <<<"$status")" = "$(t_psql "SELECT count(*) FROM marts.goal_achievement")" ]'
t_ok "no note once the marts exist" '[ "$(jq ".notes // [] | length" <<<"$status")" = 0 ]'
t_psql "INSERT INTO ops.runs (job, status, finished_at) VALUES ('sync gcal', 'success', now())" >/dev/null
t_eq "a source last synced longer ago than --stale-hours (36) is stale" stale \
	"$(http GET /api/status | jq -r '.services[] | select(.name=="gcal") | .state')"
t_ok "the overview shows the stale badge" 'http GET / | grep -q "badge stale"'
console_stop
console_start --reports-dir "$T_TMP/reports" --stale-hours 72
t_eq "with --stale-hours 72 it is fresh again" fresh \
	"$(http GET /api/status | jq -r '.services[] | select(.name=="gcal") | .state')"
goals=$(http GET /api/goals)
t_eq "this period's actual minutes come from goal_achievement" \
	"$(t_psql "SELECT actual_minutes FROM marts.goal_achievement WHERE goal_id = 3 ORDER BY period_start DESC LIMIT 1")" \
	"$(jq '.goals[] | select(.goal_id==3) | .current_period.actual_minutes' <<<"$goals")"
t_ok "goals page shows the achievement rate" 'http GET /goals | grep -q "25%"'

# -- reports and static files ---------------------------------------------------
reports=$(http GET /api/reports)
t_eq "api/reports lists only the complete PDFs (never one being written)" '["report-2026-10.pdf"]' "$(jq -c '[.files[].name]' <<<"$reports")"
t_eq "api/reports says where the directory really is" "$(cd "$T_TMP/reports" && pwd -P)" "$(jq -r .directory_path <<<"$reports")"
http GET /reports/files/report-2026-10.pdf > "$T_TMP/got.pdf"
t_ok "a report downloads byte for byte as a PDF" \
	'[ "$(http_status)" = 200 ] && cmp -s "$T_TMP/got.pdf" "$T_TMP/reports/report-2026-10.pdf" &&
	 grep -qi "^content-type: application/pdf" "$T_TMP/headers"'
http GET /reports/files/report-2026-09.pdf >/dev/null
t_eq "a PDF still being written does not download (404)" 404 "$(http_status)"
http GET /reports/files/..%2f..%2fetc%2fpasswd.pdf >/dev/null
t_eq "a path outside the reports directory is a 404" 404 "$(http_status)"
http GET /reports/files/notes.txt >/dev/null
t_eq "a file that is not a PDF is a 404" 404 "$(http_status)"
http GET /static/console.css >/dev/null
t_ok "the stylesheet is served from the binary" \
	'[ "$(http_status)" = 200 ] && grep -qi "^content-type: text/css" "$T_TMP/headers"'
http GET /no/such/page >/dev/null
t_eq "an unknown page is a 404" 404 "$(http_status)"
http GET /api/nothing >/dev/null
t_ok "an unknown API path is a JSON 404" \
	'[ "$(http_status)" = 404 ] && jq -e .error "$T_TMP/body" >/dev/null'
t_done
