#!/usr/bin/env bash
# t8003: the console's actions do what the buttons say.  "Sync now" without
# GitHub settings runs the real sync on this machine (against the fake
# Google server) and returns its ops.runs id, one at a time per job; with
# GITHUB_TOKEN + GITHUB_REPOSITORY it dispatches the workflow (seen by the
# fake GitHub server).  Accept/reject change the proposal and the goal
# versions through `dwhbi adjust`.  "Render" starts `dwhbi report`.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
console_fixture
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
GOOGLE_FAKE_URL=$FAKE_URL
export GCAL_CALENDAR_IDS=primary
TOKEN=console-token-for-t8003-xyz
export DWHBI_CONSOLE_TOKEN=$TOKEN
auth=(-H "Authorization: Bearer $TOKEN")
mkdir -p "$T_TMP/reports"
console_start --reports-dir "$T_TMP/reports"

# wait_run ID — until the run is no longer 'running' (at most 30 s).
wait_run() {
	local i
	for i in $(seq 1 300); do
		[ "$(t_psql "SELECT status FROM ops.runs WHERE id = $1")" != running ] && return 0
		sleep 0.1
	done
	return 1
}

# -- sync now, locally ------------------------------------------------------------
body=$(http POST /api/sync/gcal "${auth[@]}")
t_eq "local sync answers 202" 202 "$(http_status)"
t_eq "and says started" started "$(jq -r .status <<<"$body")"
id=$(jq -r .run_id <<<"$body")
t_eq "the run id is the new ops.runs row of 'sync gcal'" \
	"$(t_psql "SELECT max(id) FROM ops.runs WHERE job = 'sync gcal'")" "$id"
t_eq "it is a top-level run (no parent)" "" "$(t_psql "SELECT parent_id FROM ops.runs WHERE id = $id")"
t_ok "the run finishes" "wait_run $id"
t_eq "the sync succeeded against the fake" success "$(t_psql "SELECT status FROM ops.runs WHERE id = $id")"
t_ok "raw events arrived" '[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events")" -gt 0 ]'
t_eq "api/runs/ID shows the finished run" success "$(http GET "/api/runs/$id" | jq -r .run.status)"

# One at a time per job: hold the sync at the fake for a while.
curl -s -X POST -d '{"kind":"delay","delay_ms":2500,"count":1}' "$GOOGLE_FAKE_URL/__control/fault" >/dev/null
first=$(http POST /api/sync/gcal "${auth[@]}")
t_eq "a slow sync starts (202)" 202 "$(http_status)"
second=$(http POST /api/sync/gcal "${auth[@]}")
t_eq "a second sync of the same job while it runs: 409" 409 "$(http_status)"
t_eq "and it names the running run" "$(jq .run_id <<<"$first")" "$(jq .run_id <<<"$second")"
t_ok "the slow sync finishes" "wait_run $(jq .run_id <<<"$first")"
t_eq "only one sync gcal ran meanwhile" 1 \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE job = 'sync gcal' AND id >= $(jq .run_id <<<"$first")")"
body=$(http POST /api/sync/nosuch "${auth[@]}")
t_eq "an unknown service: 404" 404 "$(http_status)"

# The form flavour: log in, post, land on the run history with the run.
http POST /login -d "token=$TOKEN" -c "$T_TMP/jar" >/dev/null
csrf=$(http GET / -b "$T_TMP/jar" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="\(.*\)"/\1/')
http POST /sync/gcal -b "$T_TMP/jar" -d "csrf=$csrf" >/dev/null
t_ok "the sync form redirects to the job's runs" \
	'[ "$(http_status)" = 303 ] && grep -qi "^location: /runs?job=sync%20gcal" "$T_TMP/headers"'
id=$(t_psql "SELECT max(id) FROM ops.runs WHERE job = 'sync gcal'")
page=$(http GET '/runs?job=sync%20gcal' -b "$T_TMP/jar")
t_ok "the runs page shows the new run and the flash names it" \
	'grep -q "id=\"run-$id\"" <<<"$page" && grep -q "started sync gcal (run $id)" <<<"$page"'
wait_run "$id"

# -- sync now through GitHub ----------------------------------------------------------
console_stop
GH_TOKEN=ghp_console_fake_token_42
t_start_fake github --token "$GH_TOKEN" --repo octo/dwhbi
export GITHUB_API_BASE=$FAKE_URL GITHUB_REPOSITORY=octo/dwhbi GITHUB_TOKEN=$GH_TOKEN
console_start --reports-dir "$T_TMP/reports"
before=$(t_psql "SELECT count(*) FROM ops.runs WHERE job LIKE 'sync %'")
body=$(http POST /api/sync/toggl "${auth[@]}")
t_eq "with GitHub settings, sync answers 200" 200 "$(http_status)"
t_eq "and says triggered" triggered "$(jq -r .status <<<"$body")"
r=$(tail -n 1 "$FAKE_LOG")
t_eq "the fake saw the dispatch of sync-toggl.yml" \
	"POST /repos/octo/dwhbi/actions/workflows/sync-toggl.yml/dispatches 204" \
	"$(jq -r '"\(.method) \(.path) \(.status)"' <<<"$r")"
t_eq "on main" main "$(jq -r '.body | fromjson | .ref' <<<"$r")"
t_eq "no local run was started" "$before" "$(t_psql "SELECT count(*) FROM ops.runs WHERE job LIKE 'sync %'")"
t_ok "the GitHub token is not in the answer" '! grep -q "$GH_TOKEN" <<<"$body"'
console_stop
export GITHUB_REPOSITORY=octo/other
console_start --reports-dir "$T_TMP/reports"
body=$(http POST /api/sync/gcal "${auth[@]}")
t_eq "GitHub refusing the dispatch: 502" 502 "$(http_status)"
t_ok "with an error object naming GitHub's status" \
	'[ "$(jq .upstream_status <<<"$body")" = 404 ] && jq -e ".error | length > 0" <<<"$body" >/dev/null'
console_stop
unset GITHUB_API_BASE GITHUB_REPOSITORY GITHUB_TOKEN
console_start --reports-dir "$T_TMP/reports"

# -- accept / reject --------------------------------------------------------------------
if adjust_available; then
	goal=$(t_psql "SELECT goal_id FROM analytics.goal_proposals WHERE proposal_id = 1")
	cat_=$(t_psql "SELECT category FROM analytics.goal_proposals WHERE proposal_id = 1")
	proposed=$(t_psql "SELECT proposed_minutes FROM analytics.goal_proposals WHERE proposal_id = 1")
	versions=$(t_psql "SELECT count(*) FROM ref.goals WHERE category = '$cat_'")
	body=$(api_decide 1 accept "${auth[@]}")
	t_eq "accept answers 200" 200 "$(http_status)"
	t_eq "the proposal is accepted" accepted "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = 1")"
	t_ok "the old goal version is closed" '[ -n "$(t_psql "SELECT valid_to FROM ref.goals WHERE goal_id = $goal")" ]'
	t_eq "a new goal version holds the proposed minutes" "$proposed" \
		"$(t_psql "SELECT minutes FROM ref.goals WHERE category = '$cat_' AND valid_to IS NULL")"
	t_eq "one version more than before" $((versions + 1)) "$(t_psql "SELECT count(*) FROM ref.goals WHERE category = '$cat_'")"
	api_decide 1 accept "${auth[@]}" >/dev/null
	t_eq "accepting it again: 409" 409 "$(http_status)"
	goals_before=$(t_psql "SELECT count(*) FROM ref.goals")
	api_decide 2 reject "${auth[@]}" >/dev/null
	t_eq "reject answers 200" 200 "$(http_status)"
	t_eq "the proposal is rejected" rejected "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = 2")"
	t_eq "rejecting adds no goal version" "$goals_before" "$(t_psql "SELECT count(*) FROM ref.goals")"
	api_decide 424242 accept "${auth[@]}" >/dev/null
	t_eq "an unknown proposal: 404" 404 "$(http_status)"
	t_ok "the decisions are in the run history" \
		'[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE job IN ('"'"'adjust accept'"'"', '"'"'adjust reject'"'"') AND status = '"'"'success'"'"'")" = 2 ]'
else
	t_skip "accept/reject through dwhbi adjust" "dwhbi adjust accept is not implemented in this build"
fi

# -- render a report ------------------------------------------------------------------------
http POST '/api/reports/render?month=2026-13' "${auth[@]}" >/dev/null
t_eq "a bad month: 400" 400 "$(http_status)"
body=$(http POST /api/reports/render "${auth[@]}" -H 'Content-Type: application/json' -d '{"month":"2026-10"}')
t_eq "render answers 202" 202 "$(http_status)"
id=$(jq -r .run_id <<<"$body")
t_eq "it started dwhbi report for that month into the reports directory" \
	"--month 2026-10 -o $T_TMP/reports/report-2026-10.pdf" "$(t_psql "SELECT args FROM ops.runs WHERE id = $id AND job = 'report'")"
t_ok "the report run finishes" "wait_run $id"
if [ "$(t_psql "SELECT status FROM ops.runs WHERE id = $id")" = success ]; then
	t_ok "the rendered PDF is listed" 'http GET /api/reports | jq -e ".files[] | select(.name == \"report-2026-10.pdf\")" >/dev/null'
else
	t_ok "a failed render leaves its reason in ops.runs" \
		'[ -n "$(t_psql "SELECT error FROM ops.runs WHERE id = $id")" ]'
fi
t_done
