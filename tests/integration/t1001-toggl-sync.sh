#!/usr/bin/env bash
# t1001 — the nightly Toggl sync keeps raw an exact mirror of the person's
# Toggl data: a first --days sync, then incremental `since` runs that pick up
# edits, additions and deletions (kept as rows with deleted_at), write
# nothing when nothing changed, never send `since` with `before`, keep 64-bit
# ids whole and never show the token.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
TOKEN="tok-$RANDOM$RANDOM-secret"
FROM=$(TZ=Asia/Tokyo date -d '-40 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "11:$FROM:41" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
OUT="$T_TMP/out"

dump() { curl -sf "$FAKE_URL/__control/dump"; }
control() { curl -sf -X POST -d "$2" "$FAKE_URL/__control/$1" >/dev/null; }
# raw rows as sorted canonical JSON lines
raw_lines() {
	t_psql "SELECT data FROM raw.toggl_track__$1 WHERE $2 ORDER BY source_id" | jq -S -c . | sort
}
fake_lines() { dump | jq -S -c "$1" | sort; }
last_run() { t_psql "SELECT status, rows_read, rows_written, rows_deleted FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1"; }

t_ok "first sync (--days 45) succeeds" '"$DWHBI" sync toggl --days 45 >>"$OUT" 2>&1'

t_eq "live time entries equal the fake's, id for id and payload for payload" \
	"$(fake_lines '.time_entries[] | select(.server_deleted_at == null)')" \
	"$(raw_lines time_entries 'deleted_at IS NULL')"
t_eq "projects (archived too) equal the fake's" \
	"$(fake_lines '.projects[]')" "$(raw_lines projects 'true')"
t_eq "clients (archived too) equal the fake's" \
	"$(fake_lines '.clients[]')" "$(raw_lines clients 'true')"
t_eq "tags equal the fake's" "$(fake_lines '.tags[]')" "$(raw_lines tags 'true')"
t_eq "me is stored" "$(dump | jq -r .me.id)" "$(t_psql 'SELECT source_id FROM raw.toggl_track__me')"
t_ok "ids above 2^31 are stored whole" '
	[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries WHERE source_id::bigint > 2147483647
	             AND (data->>'"'"'id'"'"')::bigint = source_id::bigint
	             AND (data->>'"'"'workspace_id'"'"')::bigint > 2147483647")" -gt 100 ]'
t_ok "the running entry is stored as it came (stop null, negative duration)" '
	[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries
	             WHERE data->'"'"'stop'"'"' = '"'"'null'"'"' AND (data->>'"'"'duration'"'"')::bigint < 0")" = 1 ]'
t_ok "the time-entry cursor is saved" \
	'[ -n "$(t_psql "SELECT cursor FROM ops.sync_state WHERE source = '"'"'toggl_track.time_entries'"'"'")" ]'

t_ok "an immediate second run (since) succeeds" '"$DWHBI" sync toggl >>"$OUT" 2>&1'
t_eq "the second run is incremental and writes 0 rows" "success|0|0" \
	"$(last_run | cut -d'|' -f1,3,4)"
t_eq "it used the since cursor" "since" \
	"$(t_psql "SELECT detail->>'mode' FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1")"

# Edit one entry, delete another, add a third on the fake between runs.
IDS=($(t_psql "SELECT source_id FROM raw.toggl_track__time_entries WHERE data->'stop' <> 'null' ORDER BY source_id LIMIT 2"))
EDITED=${IDS[0]} DELETED=${IDS[1]}
control edit "{\"id\": $EDITED, \"description\": \"編集済み edited\"}"
control delete "{\"id\": $DELETED}"
control add '{"description": "added", "start": "'"$(date -u -d '-2 hours' +%FT%TZ)"'", "stop": "'"$(date -u -d '-1 hours' +%FT%TZ)"'"}'
BEFORE=$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")

t_ok "the incremental run after changes succeeds" '"$DWHBI" sync toggl >>"$OUT" 2>&1'
t_eq "it wrote the edit, the deletion and the addition" "success|3|1" \
	"$(last_run | cut -d'|' -f1,3,4)"
t_eq "the edit is in raw" "編集済み edited" \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '$EDITED'")"
t_eq "only the deleted entry has deleted_at" "$DELETED" \
	"$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries WHERE deleted_at IS NOT NULL")"
t_eq "nothing disappeared; the new entry was added" "$((BEFORE + 1))" \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")"
t_eq "raw still mirrors every entry the fake shows, deleted ones included" \
	"$(fake_lines ".time_entries[] | select(.server_deleted_at == null or .id == $DELETED)")" \
	"$(raw_lines time_entries 'true')"

t_ok "a run with no changes" '"$DWHBI" sync toggl >>"$OUT" 2>&1'
t_eq "writes 0 rows" "success|0|0" "$(last_run | cut -d'|' -f1,3,4)"

# A --days window also notices deletions inside it (they vanish from the list).
GONE=$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries WHERE deleted_at IS NULL AND data->'stop' <> 'null' ORDER BY data->>'start' DESC LIMIT 1")
control delete "{\"id\": $GONE}"
t_ok "--days 2 after a deletion succeeds" '"$DWHBI" sync toggl --days 2 >>"$OUT" 2>&1'
t_ok "the deleted entry of the window is marked deleted" '
	[ -n "$(t_psql "SELECT deleted_at FROM raw.toggl_track__time_entries WHERE source_id = '"'$GONE'"'")" ]'

t_eq "no request sent since and before together" 0 \
	"$(jq -c 'select(.query.since != null and .query.before != null)' "$FAKE_LOG" | wc -l)"
t_ok "every request used Basic auth (recorded as ***)" '
	[ "$(jq -r "select(.path | startswith(\"/api\")) | .headers.Authorization" "$FAKE_LOG" | sort -u)" = "***" ]'
t_ok "the token appears in no output, request log or ops.runs" '
	! grep -q "$TOKEN" "$OUT" "$FAKE_LOG" &&
	[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE args LIKE '"'%$TOKEN%'"' OR error LIKE '"'%$TOKEN%'"' OR detail::text LIKE '"'%$TOKEN%'"'")" = 0 ]'
t_ok "masters and entries have sync_state rows" '
	[ "$(t_psql "SELECT count(*) FROM ops.sync_state WHERE source LIKE '"'toggl_track%'"' AND last_synced_at IS NOT NULL")" -ge 7 ]'

t_done
