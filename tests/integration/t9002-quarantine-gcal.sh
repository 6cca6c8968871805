#!/usr/bin/env bash
# t9002 — one bad Google event never stops the night.  The fake lists
# events with a start.dateTime of "2026-99-99T99:99:99Z", a \u0000 in the
# summary, an end before the start and invalid UTF-8: the sync exits 0, warns naming each
# event, keeps them out of raw (their rows keep the last good payload, and
# a full sync's reconcile does not take them for deleted) and in
# ops.quarantine, and lands the rest of the page.  A raw row that still
# does not cast (written by an older dwhbi) no longer breaks the --since
# reconcile, and the transform leaves it out of staging with a warning
# instead of failing.  Fixed upstream, the events come in on the next sync
# and their quarantine rows are resolved.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
export GCAL_CALENDAR_IDS=primary DWHBI_TIMEZONE=Asia/Tokyo
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"
CAL=taro@example.com

raw_data() { t_psql "SELECT data::text FROM raw.google_calendar__events WHERE source_id = '$CAL:$1'"; }
inject() {   # inject EVENT-ID BYTES-ON-STDIN
	curl -sf -X POST --data-binary @- "$FAKE_URL/__control/google/raw?calendarId=primary&id=$1" >/dev/null
}

t_ok "first sync" '"$DWHBI" sync gcal >"$OUT" 2>"$ERR"'
EVS=($(t_psql "SELECT data->>'id' FROM raw.google_calendar__events
               WHERE source_id LIKE '$CAL:%' AND deleted_at IS NULL
                 AND data->'start' ? 'dateTime'
               ORDER BY source_id LIMIT 5"))
t_eq "five timed events to work with" 5 "${#EVS[@]}"
B0=$(raw_data "${EVS[0]}") B1=$(raw_data "${EVS[1]}") B2=$(raw_data "${EVS[2]}")

raw_data "${EVS[0]}" | jq -c '.start.dateTime = "2026-99-99T99:99:99Z"' | inject "${EVS[0]}"
raw_data "${EVS[1]}" | jq -c '.summary = "a\u0000b"' | inject "${EVS[1]}"
raw_data "${EVS[2]}" | jq -c '.end.dateTime = "1999-01-01T00:00:00Z"' | inject "${EVS[2]}"
g_event primary "{\"id\": \"${EVS[3]}\", \"summary\": \"good edit\"}"
raw_data "${EVS[4]}" | jq -c '.summary = "BADBYTES"' | sed 's/BADBYTES/\xff\xfe/' | inject "${EVS[4]}"

t_ok "the incremental sync with four hostile events exits 0" '"$DWHBI" sync gcal >"$OUT" 2>"$ERR"'
for i in 0 1 2 4; do
	t_eq "one warning names event $i" 1 "$(grep -c "warning.*quarantined events $CAL:${EVS[$i]}:" "$ERR")"
done
t_ok "the first names the field" 'grep "quarantined events $CAL:${EVS[0]}:" "$ERR" | grep -q "start.dateTime"'
t_ok "the last says invalid UTF-8" 'grep "quarantined events $CAL:${EVS[4]}:" "$ERR" | grep -q "summary.*invalid UTF-8"'
t_eq "the good edit of the same page landed" "good edit" \
	"$(t_psql "SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = '$CAL:${EVS[3]}'")"
t_ok "raw keeps the last good payload of the hostile events" \
	'[ "$(raw_data "${EVS[0]}")" = "$B0" ] && [ "$(raw_data "${EVS[1]}")" = "$B1" ] && [ "$(raw_data "${EVS[2]}")" = "$B2" ]'
t_eq "four open quarantine rows" 4 \
	"$(t_psql "SELECT count(*) FROM ops.quarantine WHERE source = 'google_calendar' AND entity = 'events'
	           AND resolved_at IS NULL AND item_id LIKE '$CAL:%'")"
t_eq "counted on the run" "success|4" \
	"$(t_psql "SELECT status, rows_quarantined FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_ok "transform --test exits 0" '"$DWHBI" -q transform --test'

# -- a full sync with --since: quarantined events are listed, not gone -------
t_ok "sync gcal --since exits 0" '"$DWHBI" sync gcal --since 2026-11-01 >"$OUT" 2>"$ERR"'
t_ok "it warns again" 'grep -q "quarantined events $CAL:${EVS[0]}:" "$ERR"'
t_eq "the reconcile did not mark the quarantined events deleted" 0 \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NOT NULL
	           AND source_id IN ('$CAL:${EVS[0]}', '$CAL:${EVS[1]}', '$CAL:${EVS[2]}')")"
t_eq "still four open rows (seen again)" "4|2" \
	"$(t_psql "SELECT count(*), min(seen_count) FROM ops.quarantine WHERE resolved_at IS NULL")"

# -- a raw row that does not cast, from before the checks --------------------
t_psql "INSERT INTO raw.google_calendar__events (source_id, data, synced_at, api_version)
        VALUES ('$CAL:ghost', '{\"id\": \"ghost\", \"summary\": \"ghost\",
                \"start\": {\"dateTime\": \"2026-11-20T10:00:00Z\"},
                \"end\": {\"dateTime\": \"2026-99-99T99:99:99Z\"}}', now(), 'v3')" >/dev/null
t_ok "the --since reconcile does not fail on it" '"$DWHBI" sync gcal --since 2026-11-01 >"$OUT" 2>"$ERR"'
t_eq "its end cannot be judged, so it is not marked" "" \
	"$(t_psql "SELECT deleted_at FROM raw.google_calendar__events WHERE source_id = '$CAL:ghost'")"
t_ok "transform --test exits 0 with it in raw" '"$DWHBI" transform --test >"$OUT" 2>"$ERR"'
t_ok "the warn test names it" 'grep -q "data test .staging_uncastable. warns" "$ERR" && grep -q "$CAL:ghost" "$ERR"'
t_eq "staging leaves it out" 0 \
	"$(t_psql "SELECT count(*) FROM staging.stg_google_calendar__events WHERE event_key = '$CAL:ghost'")"
t_eq "the warning is recorded in ops.runs" "warn|1" \
	"$(t_psql "SELECT t->>'severity', t->>'failures' FROM ops.runs, jsonb_array_elements(detail->'tests') t
	           WHERE id = (SELECT max(id) FROM ops.runs WHERE job = 'transform')
	             AND t->>'test' = 'staging_uncastable'")"
t_psql "DELETE FROM raw.google_calendar__events WHERE source_id = '$CAL:ghost'" >/dev/null

# -- fixed upstream -----------------------------------------------------------
for i in 0 1 2 4; do inject "${EVS[$i]}" </dev/null; done
t_ok "the sync after the fix exits 0" '"$DWHBI" sync gcal >"$OUT" 2>"$ERR"'
t_ok "without warnings" '! grep -q quarantined "$ERR"'
t_eq "the four rows are resolved as landed" "4|landed|0" \
	"$(t_psql "SELECT count(*) FILTER (WHERE resolved_at IS NOT NULL),
	           string_agg(DISTINCT resolution, ','), count(*) FILTER (WHERE resolved_at IS NULL)
	           FROM ops.quarantine")"
t_eq "raw equals the fake again" 0 "$(g_mismatches primary)"
t_ok "transform --test after the fix" '"$DWHBI" -q transform --test'
t_done
