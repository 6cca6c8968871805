#!/usr/bin/env bash
# t8011: the run page and safe decisions.  A real sync (against the fake
# Google server) stores its log lines, redacted, and "sync now" shows the
# new sync time on the overview at once (no transform); /runs/ID shows a
# run's steps with durations and rows, its status and its log lines.
# Accepting or rejecting from a form needs the confirmation step; an
# accepted proposal can be undone until it takes effect, which restores the
# previous goal version exactly; after it took effect the undo is refused.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
console_fixture marts
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
export GCAL_CALENDAR_IDS=primary DWHBI_TIMEZONE=Asia/Tokyo
export TOGGL_API_TOKEN=tgl-secret-for-t8011-0123456789
TOKEN=console-token-for-t8011-xyz
export DWHBI_CONSOLE_TOKEN=$TOKEN
auth=(-H "Authorization: Bearer $TOKEN")
console_start
wait_run() {
	local i
	for i in $(seq 1 300); do
		[ "$(t_psql "SELECT status FROM ops.runs WHERE id = $1")" != running ] && return 0
		sleep 0.1
	done
	return 1
}

# -- live freshness ------------------------------------------------------------------
before=$(http GET /api/status | jq -r '.services[] | select(.name=="gcal") | .last_synced_at')
body=$(http POST /api/sync/gcal "${auth[@]}")
id=$(jq -r .run_id <<<"$body")
wait_run "$id"
t_eq "the sync succeeded" success "$(t_psql "SELECT status FROM ops.runs WHERE id = $id")"
after=$(http GET /api/status | jq -r '.services[] | select(.name=="gcal") | .last_synced_at')
want=$(t_psql "SELECT to_char(max(last_synced_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM ops.sync_state WHERE source LIKE 'google_calendar.%'")
t_ok "the overview's last sync moved at once, without a transform ($before -> $after)" \
	'[ "$after" != "$before" ] && [ "$after" = "$want" ]'
t_eq "no transform ran meanwhile" 0 \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE job = 'transform' AND started_at > now() - interval '5 minutes'")"
t_ok "the mart's build time is shown apart from the live sync time" \
	'http GET / | grep -q "data-testid=\"freshness-source\""'

# -- the run's log lines ---------------------------------------------------------------
t_ok "the sync stored its log lines" '[ "$(t_psql "SELECT count(*) FROM ops.run_logs WHERE run_id = $id")" -ge 1 ]'
run=$(http GET "/api/runs/$id")
t_eq "api/runs/ID carries the same log lines" \
	"$(t_psql "SELECT string_agg(message, '|' ORDER BY seq) FROM ops.run_logs WHERE run_id = $id")" \
	"$(jq -r '[.log[].message] | join("|")' <<<"$run")"
page=$(http GET "/runs/$id")
t_ok "the run page shows status, rows and each log line" '
	[ "$(http_status)" = 200 ]
	grep -q "data-testid=\"run-status\"><span class=\"badge success\">" <<<"$page"
	first=$(t_psql "SELECT message FROM ops.run_logs WHERE run_id = $id ORDER BY seq LIMIT 1")
	[ "$(grep -c "class=\"log-line" <<<"$page")" = "$(t_psql "SELECT count(*) FROM ops.run_logs WHERE run_id = $id")" ]'

# A failing command whose message carries a secret: stored redacted.
mkdir -p "$T_TMP/$TOGGL_API_TOKEN"
"$DWHBI" goals import "$T_TMP/$TOGGL_API_TOKEN/missing.csv" >/dev/null 2>"$T_TMP/err"
gid=$(t_psql "SELECT max(id) FROM ops.runs WHERE job = 'goals import'")
t_ok "a failed run keeps its error line in the log" \
	'[ "$(t_psql "SELECT count(*) FROM ops.run_logs WHERE run_id = $gid AND level = '"'error'"'")" -ge 1 ]'
t_ok "the stored log never holds a secret (it is masked)" '
	[ "$(t_psql "SELECT count(*) FROM ops.run_logs WHERE message LIKE '"'%$TOGGL_API_TOKEN%'"'")" = 0 ]
	[ "$(t_psql "SELECT count(*) FROM ops.run_logs WHERE run_id = $gid AND message LIKE '"'%***%'"'")" -ge 1 ]
	! http GET "/runs/$gid" | grep -q "$TOGGL_API_TOKEN"'

# A run with steps: a parent and two children (as `run daily` records them).
t_psql "INSERT INTO ops.runs (id, job, started_at, finished_at, status) VALUES
          (9001, 'run daily', now() - interval '10 min', now() - interval '8 min', 'failed');
        INSERT INTO ops.runs (id, parent_id, job, args, started_at, finished_at, status, rows_read, rows_written, rows_deleted, error) VALUES
          (9002, 9001, 'sync toggl', '', now() - interval '10 min', now() - interval '9 min 30 s', 'success', 120, 14, 2, NULL),
          (9003, 9001, 'transform', '', now() - interval '9 min 29 s', now() - interval '8 min', 'failed', 0, 0, 0, 'model <x> failed');
        INSERT INTO ops.run_logs VALUES (9003, 1, now(), 'error', 'model <x> failed: see <b>here</b>')" >/dev/null
page=$(http GET /runs/9001)
t_ok "the run page lists its steps with duration and rows" '
	grep -q "<tr class=\"step\" data-run-id=\"9002\" data-status=\"success\">" <<<"$page"
	grep -q "<tr class=\"step\" data-run-id=\"9003\" data-status=\"failed\">" <<<"$page"
	grep -q "30 s" <<<"$page"
	grep -q "data-label=\"Read\">120</td><td class=\"num\" data-label=\"Written\">14</td><td class=\"num\" data-label=\"Deleted\">2</td>" <<<"$page"'
page=$(http GET /runs/9003)
t_ok "a step links to its parent and shows its log escaped" '
	grep -q "href=\"/runs/9001\"" <<<"$page"
	grep -qF "model &lt;x&gt; failed: see &lt;b&gt;here&lt;/b&gt;" <<<"$page" && ! grep -qF "<b>here" <<<"$page"'
http GET /runs/987654 >/dev/null
t_eq "an unknown run page is a 404" 404 "$(http_status)"
http GET /runs/abc >/dev/null
t_eq "a malformed run id is a 404" 404 "$(http_status)"
t_ok "the runs list links each run to its page" 'http GET /runs | grep -q "href=\"/runs/9001\""'

# -- confirmation ------------------------------------------------------------------------
http POST /login -d "token=$TOKEN" -c "$T_TMP/jar" >/dev/null
page=$(http GET /goals -b "$T_TMP/jar")
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' <<<"$page" | head -1 | sed 's/.*value="\([0-9a-f]*\)"/\1/')
t_ok "Accept is a link to a confirmation page, not a one-click post" \
	'grep -q "href=\"/proposals/1/confirm?action=accept\" data-testid=\"accept-1\"" <<<"$page"'
http POST /proposals/1/accept -b "$T_TMP/jar" -d "csrf=$csrf" >/dev/null
t_ok "a form post without the confirmation goes to the confirmation page and changes nothing" '
	[ "$(http_status)" = 303 ] && grep -qi "^location: /proposals/1/confirm?action=accept" "$T_TMP/headers"
	[ "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = 1")" = pending ]'
page=$(http GET "/proposals/1/confirm?action=accept" -b "$T_TMP/jar")
t_ok "the confirmation page says what changes and when" '
	grep -q "data-testid=\"confirm-accept\"" <<<"$page" && grep -q "data-testid=\"takes-effect\"" <<<"$page"'
http GET "/proposals/1/confirm?action=accept" >/dev/null
t_ok "logged out, the confirmation page asks to log in first" \
	'[ "$(http_status)" = 303 ] && grep -qi "^location: /login?next=" "$T_TMP/headers"'

goals_before=$(t_psql "SELECT string_agg(concat_ws(' ', goal_id, minutes, valid_from, coalesce(valid_to::text, 'open'), source), ',' ORDER BY goal_id) FROM ref.goals")
http POST /proposals/1/accept -b "$T_TMP/jar" -d "csrf=$csrf&confirm=yes" >/dev/null
t_eq "confirmed, the proposal is accepted" accepted "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = 1")"
new_goal=$(t_psql "SELECT new_goal_id FROM analytics.goal_proposals WHERE proposal_id = 1")
t_ok "a new goal version starts in the future ($new_goal)" \
	'[ -n "$new_goal" ] && [ "$(t_psql "SELECT valid_from > (now() AT TIME ZONE '"'Asia/Tokyo'"')::date FROM ref.goals WHERE goal_id = $new_goal")" = t ]'
page=$(http GET /goals -b "$T_TMP/jar")
t_ok "the decided list offers an undo for it" 'grep -q "data-testid=\"undo-1\"" <<<"$page"'

# -- undo ------------------------------------------------------------------------------------
http POST /proposals/1/undo -b "$T_TMP/jar" -d "csrf=$csrf" >/dev/null
t_eq "undo answers with the goals page" 303 "$(http_status)"
t_eq "undo restores the previous goal versions exactly" "$goals_before" \
	"$(t_psql "SELECT string_agg(concat_ws(' ', goal_id, minutes, valid_from, coalesce(valid_to::text, 'open'), source), ',' ORDER BY goal_id) FROM ref.goals")"
t_eq "the proposal is pending again" "pending|-|-" \
	"$(t_psql "SELECT concat_ws('|', state, coalesce(new_goal_id::text, '-'), coalesce(valid_from::text, '-')) FROM analytics.goal_proposals WHERE proposal_id = 1")"
t_ok "the page says so" 'http GET /goals -b "$T_TMP/jar" | grep -q "proposal 1 undone"'
http POST /api/proposals/1/undo "${auth[@]}" >/dev/null
t_eq "undoing a pending proposal is a 409" 409 "$(http_status)"
http POST /proposals/1/undo -d "csrf=x" >/dev/null
t_eq "an undo without a session is refused" 401 "$(http_status)"

# After the version took effect, the undo is refused and changes nothing.
api_decide 1 accept "${auth[@]}" >/dev/null
new_goal=$(t_psql "SELECT new_goal_id FROM analytics.goal_proposals WHERE proposal_id = 1")
t_psql "UPDATE analytics.goal_proposals SET valid_from = (now() AT TIME ZONE 'Asia/Tokyo')::date WHERE proposal_id = 1" >/dev/null
snap=$(t_psql "SELECT string_agg(concat_ws(' ', goal_id, minutes, valid_from, coalesce(valid_to::text, 'open')), ',' ORDER BY goal_id) FROM ref.goals")
body=$(http POST /api/proposals/1/undo "${auth[@]}")
t_ok "once it took effect the undo is refused (409) and says why" \
	'[ "$(http_status)" = 409 ] && jq -e ".error | test(\"no longer be undone\")" <<<"$body" >/dev/null'
t_eq "and nothing changed" "$snap" \
	"$(t_psql "SELECT string_agg(concat_ws(' ', goal_id, minutes, valid_from, coalesce(valid_to::text, 'open')), ',' ORDER BY goal_id) FROM ref.goals")"

# -- goal bars: one status definition ---------------------------------------------------------
t_psql "UPDATE marts.goal_achievement SET actual_minutes = 8000, achievement_rate = 3.333, met = false
        WHERE goal_id = 2" >/dev/null
page=$(http GET /goals)
row2=$(grep 'data-goal-id="2"' <<<"$page")
t_ok "a 'less' goal at 333 % is off track with a red (off_track) bar, never a full green one" '
	grep -q "data-status=\"off_track\"" <<<"$row2" && grep -q "<svg class=\"bar off_track\"" <<<"$row2" &&
	grep -q "badge off-track\">off track</span>" <<<"$row2" && grep -q "333%" <<<"$row2"'
t_ok "each goal shows one status (no second met column to contradict it)" '
	! grep -q "<th>Met</th>" <<<"$page" && [ "$(grep -o "data-testid=\"goal-status\"" <<<"$page" | wc -l)" = "$(grep -c "<tr data-goal-id=" <<<"$page")" ]'
t_ok "a 'more' goal already reached this period is met (green bar)" '
	t_psql "UPDATE marts.goal_achievement SET actual_minutes = 200, achievement_rate = 1.11, met = true WHERE goal_id = 3" >/dev/null
	http GET /goals | grep "data-goal-id=\"3\"" | grep -q "<svg class=\"bar met\""'

# -- reject needs confirmation too; one login link when logged out --------------------------
http POST /proposals/2/reject -b "$T_TMP/jar" -d "csrf=$csrf" >/dev/null
t_eq "a reject without confirmation changes nothing" pending \
	"$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = 2")"
http POST /proposals/2/reject -b "$T_TMP/jar" -d "csrf=$csrf&confirm=yes" >/dev/null
t_eq "confirmed, it is rejected" rejected "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = 2")"
console_stop
t_done
