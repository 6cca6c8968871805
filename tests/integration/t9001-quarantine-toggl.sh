#!/usr/bin/env bash
# t9001 — one bad Toggl value never stops the night.  The fake serves eight
# entries with hostile content (a fractional duration, an empty stop, a
# garbage start, a string in tag_ids, a \u0000, invalid UTF-8, a bad
# server_deleted_at, an entry dated 1900): the sync exits 0, warns once per
# entry naming its id, keeps them out of raw (raw keeps their last good
# version) and in ops.quarantine (redacted bytes, reason, run), counts them
# in ops.runs, and lands the rest of the page with the cursor.  The
# transform then passes its tests with fresh marts.  When the values are
# fixed upstream the next sync brings the entries in and resolves their
# quarantine rows; a --days window does not take a quarantined entry for
# deleted.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
TOKEN="tok-$RANDOM$RANDOM-secret"
FROM=$(TZ=Asia/Tokyo date -d '-20 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "7:$FROM:21" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"

dump_entry() { curl -sf "$FAKE_URL/__control/dump" | jq -c ".time_entries[] | select(.id == $1)"; }
inject() {   # inject ID BYTES-ON-STDIN
	curl -sf -X POST --data-binary @- "$FAKE_URL/__control/raw?id=$1" >/dev/null
}
raw_data() { t_psql "SELECT data::text FROM raw.toggl_track__time_entries WHERE source_id = '$1'"; }
last_run() { t_psql "SELECT $1 FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1"; }

t_ok "first sync (--days 21)" '"$DWHBI" sync toggl --days 21 >"$OUT" 2>"$ERR"'
t_ok "first transform --test" '"$DWHBI" -q transform --test'

IDS=($(t_psql "SELECT source_id FROM raw.toggl_track__time_entries
               WHERE deleted_at IS NULL AND data->'stop' <> 'null'
               ORDER BY source_id LIMIT 9"))
BEFORE=()
for i in 0 1 2 3 4 5 6 7; do BEFORE[$i]=$(raw_data "${IDS[$i]}"); done

dump_entry "${IDS[0]}" | jq -c '.duration = 3600.5' | inject "${IDS[0]}"
dump_entry "${IDS[1]}" | jq -c '.stop = ""' | inject "${IDS[1]}"
dump_entry "${IDS[2]}" | jq -c --arg t "$TOKEN" '.start = "garbage-date" | .description = "leak \($t)"' |
	inject "${IDS[2]}"
dump_entry "${IDS[3]}" | jq -c '.tag_ids = ["x"]' | inject "${IDS[3]}"
dump_entry "${IDS[4]}" | jq -c '.description = "nul\u0000here"' | inject "${IDS[4]}"
dump_entry "${IDS[5]}" | jq -c '.description = "BADBYTES"' | sed 's/BADBYTES/caf\xe9 \xff/' | inject "${IDS[5]}"
dump_entry "${IDS[6]}" | jq -c '.server_deleted_at = "not-a-date"' | inject "${IDS[6]}"
dump_entry "${IDS[7]}" | jq -c '.start = "1900-01-01T09:00:00Z" | .stop = "1900-01-01T10:00:00Z"' |
	inject "${IDS[7]}"
# a good change in the same page
curl -sf -X POST -d "{\"id\": ${IDS[8]}, \"description\": \"good edit\"}" "$FAKE_URL/__control/edit" >/dev/null

t_ok "the sync with eight hostile entries exits 0" '"$DWHBI" sync toggl >"$OUT" 2>"$ERR"'
for i in 0 1 2 3 4 5 6 7; do
	t_eq "one warning line names entry $i (${IDS[$i]})" 1 \
		"$(grep -c "warning.*quarantined time_entries ${IDS[$i]}:" "$ERR")"
done
t_ok "the warnings say which field" '
	grep "quarantined time_entries ${IDS[0]}:" "$ERR" | grep -q "\"duration\" is not a whole number" &&
	grep "quarantined time_entries ${IDS[1]}:" "$ERR" | grep -q "\"stop\"" &&
	grep "quarantined time_entries ${IDS[3]}:" "$ERR" | grep -q "tag_ids" &&
	grep "quarantined time_entries ${IDS[4]}:" "$ERR" | grep -q "description.*NUL" &&
	grep "quarantined time_entries ${IDS[5]}:" "$ERR" | grep -q "invalid UTF-8" &&
	grep "quarantined time_entries ${IDS[6]}:" "$ERR" | grep -q "server_deleted_at" &&
	grep "quarantined time_entries ${IDS[7]}:" "$ERR" | grep -q "outside 1990-01-01"'
t_ok "the token is not in the output" '! grep -q "$TOKEN" "$OUT" "$ERR"'
t_eq "the good edit of the same page landed" "good edit" \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '${IDS[8]}'")"
t_eq "the run counts 8 quarantined" "success|8" "$(last_run "status, rows_quarantined")"
t_eq "ops.runs.detail says it too" 8 "$(last_run "detail->>'quarantined'")"
t_ok "raw keeps the last good version of every hostile entry" '
	for i in 0 1 2 3 4 5 6 7; do [ "$(raw_data "${IDS[$i]}")" = "${BEFORE[$i]}" ]; done'
t_eq "eight open quarantine rows, one per entry" \
	"$(printf '%s\n' "${IDS[@]:0:8}" | sort | paste -sd ' ')" \
	"$(t_psql "SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM ops.quarantine
	           WHERE source = 'toggl_track' AND entity = 'time_entries' AND resolved_at IS NULL")"
t_eq "each row has its reason, run and bytes" 8 \
	"$(t_psql "SELECT count(*) FROM ops.quarantine WHERE reason <> '' AND run_id =
	           (SELECT max(id) FROM ops.runs WHERE job = 'sync toggl')
	           AND raw_bytes >= length(raw) AND length(raw) > 100")"
t_ok "the invalid bytes are kept as sent" '[ "$(t_psql "SELECT position('"'"'\xe920ff'"'"'::bytea in raw) > 0
	FROM ops.quarantine WHERE item_id = '"'"'${IDS[5]}'"'"'")" = t ]'
t_ok "the stored bytes are redacted" '[ "$(t_psql "SELECT position(convert_to('"'"'$TOKEN'"'"', '"'"'UTF8'"'"') in raw) = 0
	AND position(convert_to('"'"'leak ***'"'"', '"'"'UTF8'"'"') in raw) > 0
	FROM ops.quarantine WHERE item_id = '"'"'${IDS[2]}'"'"'")" = t ]'

t_ok "dwhbi status shows the open quarantine count" \
	'"$DWHBI" status >"$OUT" 2>&1 && grep -q "^quarantine: 8 open items" "$OUT" &&
	 grep -q "toggl_track.time_entries *8 " "$OUT"'
t_eq "status --json too" "8|8" \
	"$("$DWHBI" status --json | jq -r '"\(.quarantine.open)|\(.quarantine.sources[0].open)"')"
t_eq "doctor warns with the count" "warn|8 open items" \
	"$("$DWHBI" doctor --json 2>/dev/null | jq -r '.checks[] | select(.name == "quarantine") |
	   "\(.status)|\(.detail | capture("(?<n>[0-9]+ open items)").n)"')"

SINCE=$(t_psql "SELECT now()")
t_ok "transform --test exits 0 after the hostile sync" '"$DWHBI" transform --test >"$OUT" 2>"$ERR"'
t_ok "the marts are fresh" '[ "$(t_psql "SELECT built_at > '"'"'$SINCE'"'"' FROM ops.model_builds
	WHERE model = '"'"'marts.daily_category'"'"'")" = t ]'
t_ok "no day before the person's first (the 1900 entry stayed out)" '[ "$(t_psql "SELECT min(date) >= '"'"'2000-01-01'"'"'
	AND count(DISTINCT date) < 100 FROM marts.daily_category")" = t ]'
t_ok "the good edit reached staging" '[ "$(t_psql "SELECT description FROM staging.stg_toggl_track__time_entries
	WHERE time_entry_id = ${IDS[8]}")" = "good edit" ]'

# The next `since` overlaps the last one by a few minutes, so the same
# entries may come again: they move last_seen_at, never add rows.
t_ok "a sync without changes" '"$DWHBI" sync toggl >"$OUT" 2>"$ERR"'
t_eq "a hostile entry seen again is the same open row" "8|8" \
	"$(t_psql "SELECT count(*), count(*) FILTER (WHERE resolved_at IS NULL) FROM ops.quarantine")"

# -- fixed upstream: the next sync brings them in --------------------------
for i in 0 1 2 3 4 5 6 7; do inject "${IDS[$i]}" </dev/null; done
t_ok "the sync after the fix exits 0" '"$DWHBI" sync toggl >"$OUT" 2>"$ERR"'
t_ok "without warnings" '! grep -q quarantined "$ERR"'
t_eq "every quarantine row is resolved as landed" "8|landed" \
	"$(t_psql "SELECT count(*), string_agg(DISTINCT resolution, ',') FROM ops.quarantine
	           WHERE resolved_at IS NOT NULL")"
t_eq "none is open" 0 "$(t_psql "SELECT count(*) FROM ops.quarantine WHERE resolved_at IS NULL")"
t_ok "status says so" '"$DWHBI" status 2>&1 | grep -q "^quarantine: no open items"'
t_eq "and doctor" ok "$("$DWHBI" doctor --json 2>/dev/null | jq -r '.checks[] | select(.name == "quarantine") | .status')"
t_ok "raw holds the fixed entries as the fake serves them" '
	for i in 0 1 2 3 4 5 6 7; do
		[ "$(raw_data "${IDS[$i]}" | jq -S -c .)" = "$(dump_entry "${IDS[$i]}" | jq -S -c .)" ] || exit 1
	done'
t_ok "transform --test after the fix" '"$DWHBI" -q transform --test'

# -- a --days window lists a hostile entry: not taken for deleted ----------
dump_entry "${IDS[0]}" | jq -c '.duration = 1.5' | inject "${IDS[0]}"
t_ok "--days with a hostile entry in the window exits 0" '"$DWHBI" sync toggl --days 21 >"$OUT" 2>"$ERR"'
t_ok "it warns about it" 'grep -q "quarantined time_entries ${IDS[0]}:" "$ERR"'
t_eq "its raw row is not marked deleted" "" \
	"$(t_psql "SELECT deleted_at FROM raw.toggl_track__time_entries WHERE source_id = '${IDS[0]}'")"
t_eq "a new open row (the old one stays resolved)" "1|1" \
	"$(t_psql "SELECT count(*) FILTER (WHERE resolved_at IS NULL), count(*) FILTER (WHERE resolved_at IS NOT NULL)
	           FROM ops.quarantine WHERE item_id = '${IDS[0]}'")"

# -- a raw row that does not cast (from before the checks) -------------------
t_psql "INSERT INTO raw.toggl_track__time_entries (source_id, data, synced_at, api_version)
        VALUES ('77', '{\"id\": 77, \"start\": \"garbage-date\", \"duration\": 60}', now(), 'v9')" >/dev/null
t_ok "a --days sync does not fail on it" '"$DWHBI" sync toggl --days 21 >"$OUT" 2>"$ERR"'
t_eq "it is not judged by the window" "" \
	"$(t_psql "SELECT deleted_at FROM raw.toggl_track__time_entries WHERE source_id = '77'")"
t_ok "transform --test exits 0 and the warn test names it" \
	'"$DWHBI" transform --test >"$OUT" 2>"$ERR" && grep -q "staging_uncastable. warns" "$ERR" && grep -q "source_id=77" "$ERR"'
t_done
