#!/usr/bin/env bash
# t1003 — every scripted fault of the fake Toggl: the sync either succeeds
# after bounded retries or fails with a clear one-line message and exit 1;
# either way raw holds whole pages only and the cursor or checkpoint never
# passes uncommitted data.  402 feature gating fails at once, a 402 quota
# with a long reset stops cleanly naming the wait, a bad token is not
# retried.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
TOKEN="tok-$RANDOM-faults"
FROM=$(TZ=Asia/Tokyo date -d '-9 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "9:$FROM:10" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
export DWHBI_HTTP_WAIT_BUDGET=20
OUT="$T_TMP/out"
WANT=$(curl -sf "$FAKE_URL/__control/dump" | jq '[.time_entries[] | select(.server_deleted_at == null)] | length')

fault() { curl -sf -X POST -d "$1" "$FAKE_URL/__control/fault" >/dev/null; }
entries() { t_psql "SELECT count(*) FROM raw.toggl_track__time_entries"; }
cursor() { t_psql "SELECT cursor FROM ops.sync_state WHERE source = 'toggl_track.time_entries'"; }
# requests to PATH logged after line $1 of the request log
hits() { tail -n +$(($1 + 1)) "$FAKE_LOG" | jq -c --arg p "$2" 'select(.path == $p)' | wc -l; }
TE=/api/v9/me/time_entries

# Faults the sync must ride out: each fires once on the time-entry listing.
for spec in \
	'429-retry-after|{"kind":"status","status":429,"headers":{"Retry-After":"1"},"body":"Too Many Requests"}' \
	'429-bare|{"kind":"status","status":429}' \
	'500|{"kind":"status","status":500,"body":"internal error"}' \
	'503|{"kind":"status","status":503}' \
	'dropped-connection|{"kind":"drop"}' \
	'truncated-body|{"kind":"truncate"}' \
	'malformed-json|{"kind":"malformed"}'; do
	name=${spec%%|*}
	json=${spec#*|}
	t_psql "TRUNCATE raw.toggl_track__time_entries; DELETE FROM ops.sync_state"
	fault "$(echo "$json" | jq -c --arg p "$TE" '. + {path: $p}')"
	mark=$(wc -l < "$FAKE_LOG")
	t_ok "$name: the sync succeeds after a retry" '
		"$DWHBI" sync toggl --days 10 >>"$OUT" 2>&1 &&
		[ "$(hits $mark $TE)" -ge 2 ] && [ "$(entries)" = "$WANT" ] && [ -n "$(cursor)" ]'
done

# A fault that does not go away: bounded by the wait budget, clean failure.
t_psql "TRUNCATE raw.toggl_track__time_entries; DELETE FROM ops.sync_state"
t_ok "a first sync to have a cursor" '"$DWHBI" sync toggl --days 10 >>"$OUT" 2>&1'
CURSOR=$(cursor)
curl -sf -X POST -d '{"id": '"$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries ORDER BY source_id LIMIT 1")"', "description": "changed"}' \
	"$FAKE_URL/__control/edit" >/dev/null
fault '{"kind":"status","status":503,"count":-1,"path":"'$TE'"}'
t_ok "persistent 503: exit 1 within the wait budget, naming the budget" '
	set +e
	start=$(date +%s)
	DWHBI_HTTP_WAIT_BUDGET=3 "$DWHBI" sync toggl > "$T_TMP/503.out" 2>&1; rc=$?
	set -e
	cat "$T_TMP/503.out"
	[ $rc -eq 1 ] && [ $(( $(date +%s) - start )) -lt 15 ] &&
	grep -q "error: .*503.*wait budget.*DWHBI_HTTP_WAIT_BUDGET" "$T_TMP/503.out"'
t_eq "the cursor did not move" "$CURSOR" "$(cursor)"
t_eq "the edit is not in raw yet" 0 \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries WHERE data->>'description' = 'changed'")"
curl -sf -X POST "$FAKE_URL/__control/reset" >/dev/null
t_ok "after the fault clears, the next run catches up" '
	"$DWHBI" sync toggl >>"$OUT" 2>&1 &&
	[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries WHERE data->>'"'"'description'"'"' = '"'"'changed'"'"'")" = 1 ]'

# Backfill interrupted by a persistent fault on the 4th page: whole pages
# only, checkpoint at the 4th page, and a rerun completes.
t_psql "TRUNCATE raw.toggl_track__time_entries"
BF="$FROM..$(TZ=Asia/Tokyo date +%F)"
fault '{"kind":"status","status":500,"count":-1,"skip":3,"path":"/reports/"}'
mark=$(wc -l < "$FAKE_LOG")
t_ok "backfill with a failing 4th page exits 1" '
	! DWHBI_HTTP_WAIT_BUDGET=2 "$DWHBI" sync toggl --backfill "$BF" --page-size 10 >>"$OUT" 2>&1'
curl -sf -X POST "$FAKE_URL/__control/reset" >/dev/null
FIRST=$(tail -n +$((mark + 1)) "$FAKE_LOG" | jq -c 'select(.path | test("/search/"))' | head -1)
t_eq "raw holds exactly the 3 committed pages (rows 1-30)" \
	"$(echo "$FIRST" | jq -r '.body | fromjson | .page_size = 30 | tojson' |
		curl -sf -u "$TOKEN:api_token" -X POST -d @- "$FAKE_URL$(echo "$FIRST" | jq -r .path)" |
		jq '[.[].time_entries[]] | length')" \
	"$(entries)"
t_eq "the checkpoint points at the 4th page" 31 \
	"$(t_psql "SELECT checkpoint->>'next_row' FROM ops.sync_state WHERE source = 'toggl_track.backfill'")"
t_ok "the rerun resumes and completes" \
	'"$DWHBI" sync toggl --backfill "$BF" --page-size 10 >>"$OUT" 2>&1'

# 402: a plan limitation fails at once; a quota is waited out when it fits.
fault '{"kind":"status","status":402,"path":"/reports/","body":"Workspace needs to have this feature enabled"}'
t_ok "402 feature gating fails in under a second with the reason" '
	set +e
	start=$(date +%s%N)
	"$DWHBI" sync toggl --backfill "$BF" > "$T_TMP/402.out" 2>&1; rc=$?
	set -e
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	cat "$T_TMP/402.out"; echo "took $ms ms"
	[ $rc -eq 1 ] && [ $ms -lt 1000 ] && grep -q "feature enabled.*plan limitation" "$T_TMP/402.out"'
fault '{"kind":"status","status":402,"path":"/api/v9/me","headers":{"X-Toggl-Quota-Remaining":"0","X-Toggl-Quota-Resets-In":"3600"},"body":"quota"}'
t_ok "402 quota with a long reset stops cleanly, naming the wait" '
	set +e
	start=$(date +%s)
	"$DWHBI" sync toggl > "$T_TMP/quota.out" 2>&1; rc=$?
	set -e
	cat "$T_TMP/quota.out"
	[ $rc -eq 1 ] && [ $(( $(date +%s) - start )) -lt 5 ] &&
	grep -q "quota exhausted, resets in 3600 s" "$T_TMP/quota.out"'
fault '{"kind":"status","status":402,"path":"/api/v9/me","headers":{"X-Toggl-Quota-Remaining":"0","X-Toggl-Quota-Resets-In":"1"},"body":"quota"}'
t_ok "402 quota that resets within the budget is waited out" \
	'"$DWHBI" sync toggl >>"$OUT" 2>&1'

mark=$(wc -l < "$FAKE_LOG")
t_ok "a wrong token: exit 1, 'bad Toggl token', one request, no retry" '
	set +e
	TOGGL_API_TOKEN=wrong-token-123 "$DWHBI" sync toggl > "$T_TMP/token.out" 2>&1; rc=$?
	set -e
	cat "$T_TMP/token.out"
	[ $rc -eq 1 ] && grep -q "bad Toggl token.*TOGGL_API_TOKEN" "$T_TMP/token.out" &&
	[ "$(tail -n +$((mark + 1)) "$FAKE_LOG" | wc -l)" = 1 ]'
t_ok "a window older than Toggl allows fails naming --backfill" '
	set +e
	"$DWHBI" sync toggl --days 200 > "$T_TMP/old.out" 2>&1; rc=$?
	set -e
	cat "$T_TMP/old.out"
	[ $rc -eq 1 ] && grep -q "must not be earlier than.*--backfill" "$T_TMP/old.out"'
# The leaky bucket and the hourly quota as the fake enforces them itself.
t_start_fake toggl --token "$TOKEN" --person "9:$FROM:10" --tz Asia/Tokyo --rate 2
t_ok "a fake limited to 2 requests/s answers 429s and the sync rides them out" '
	TOGGL_API_BASE="$FAKE_URL" "$DWHBI" sync toggl --days 10 >>"$OUT" 2>&1 &&
	[ "$(jq -c "select(.status == 429)" "$FAKE_LOG" | wc -l)" -ge 1 ]'
t_start_fake toggl --token "$TOKEN" --person "9:$FROM:10" --tz Asia/Tokyo --quota 3
t_ok "a fake with an hourly quota of 3 stops the sync cleanly with the reset time" '
	set +e
	DWHBI_HTTP_WAIT_BUDGET=0 TOGGL_API_BASE="$FAKE_URL" "$DWHBI" sync toggl --days 10 > "$T_TMP/hourly.out" 2>&1; rc=$?
	set -e
	cat "$T_TMP/hourly.out"
	[ $rc -eq 1 ] && grep -Eq "quota exhausted, resets in [0-9]+ s" "$T_TMP/hourly.out"'

t_ok "every failure left one error line in ops.runs" '
	[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE status = '"'failed'"' AND (error IS NULL OR error LIKE '"'%'"'||chr(10)||'"'%'"')")" = 0 ]'
t_ok "the token appears nowhere" '! grep -q "$TOKEN" "$OUT" "$FAKE_LOG" "$T_TMP"/*.out'

t_done
