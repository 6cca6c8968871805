#!/usr/bin/env bash
# t9031 — an unpaired surrogate escape inside one Google event's string
# (a lone "\ud800", a high one followed by another character, a lone
# "\udc00") no longer fails the whole events page: only that event is
# quarantined (named, with the reason), the rest of the page lands, a valid
# pair lands as text, a full sync's reconcile does not take the event for
# deleted, and the fixed event comes in on the next sync.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
export GCAL_CALENDAR_IDS=primary DWHBI_TIMEZONE=Asia/Tokyo
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"
CAL=taro@example.com

raw_data() { t_psql "SELECT data::text FROM raw.google_calendar__events WHERE source_id = '$CAL:$1'"; }
inject() {   # inject EVENT-ID — bytes on stdin
	curl -sf -X POST --data-binary @- "$FAKE_URL/__control/google/raw?calendarId=primary&id=$1" >/dev/null
}
# with_summary EVENT-ID TEXT: the event as raw holds it, summary = TEXT verbatim
with_summary() { raw_data "$1" | jq -c '.summary = "@@S@@"' | sed "s/@@S@@/$2/"; }

t_ok "first sync" '"$DWHBI" sync gcal >"$OUT" 2>"$ERR"'
EVS=($(t_psql "SELECT data->>'id' FROM raw.google_calendar__events
               WHERE source_id LIKE '$CAL:%' AND deleted_at IS NULL
                 AND data->'start' ? 'dateTime'
               ORDER BY source_id LIMIT 5"))
t_eq "five timed events to work with" 5 "${#EVS[@]}"
B=(); for i in 0 1 2; do B[$i]=$(raw_data "${EVS[$i]}"); done

with_summary "${EVS[0]}" 'x\\ud800' | inject "${EVS[0]}"
with_summary "${EVS[1]}" '\\uDBFF\\n' | inject "${EVS[1]}"
with_summary "${EVS[2]}" '\\udfff end' | inject "${EVS[2]}"
with_summary "${EVS[3]}" 'pair \\ud83d\\ude00' | inject "${EVS[3]}"
g_event primary "{\"id\": \"${EVS[4]}\", \"summary\": \"good edit\"}"

t_ok "the incremental sync with three lone surrogates exits 0" '"$DWHBI" sync gcal >"$OUT" 2>"$ERR"'
for i in 0 1 2; do
	t_eq "one warning names event $i and the reason" 1 \
		"$(grep -c "warning.*quarantined events $CAL:${EVS[$i]}: \"summary\" holds an unpaired surrogate escape" "$ERR")"
done
t_eq "nothing else is quarantined" 3 "$(grep -c "quarantined events" "$ERR")"
t_eq "the good edit of the same page landed" "good edit" \
	"$(t_psql "SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = '$CAL:${EVS[4]}'")"
t_eq "the valid pair landed as text" "pair 😀" \
	"$(t_psql "SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = '$CAL:${EVS[3]}'")"
t_ok "raw keeps the last good payload of the three" '
	for i in 0 1 2; do [ "$(raw_data "${EVS[$i]}")" = "${B[$i]}" ] || exit 1; done'
t_eq "three open rows, counted on the run" "3|success|3" \
	"$(t_psql "SELECT (SELECT count(*) FROM ops.quarantine WHERE resolved_at IS NULL AND entity = 'events'),
	           status, rows_quarantined FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_eq "the stored bytes hold the escape as sent" t \
	"$(t_psql "SELECT position(convert_to(E'x\\\\ud800', 'UTF8') in raw) > 0
	           FROM ops.quarantine WHERE item_id = '$CAL:${EVS[0]}'")"

t_ok "a full sync (--since) exits 0 and warns again" \
	'"$DWHBI" sync gcal --since 2026-11-01 >"$OUT" 2>"$ERR" && grep -q "quarantined events $CAL:${EVS[0]}:" "$ERR"'
t_eq "its reconcile did not mark them deleted" 0 \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NOT NULL
	           AND source_id IN ('$CAL:${EVS[0]}', '$CAL:${EVS[1]}', '$CAL:${EVS[2]}')")"
t_ok "transform --test exits 0" '"$DWHBI" -q transform --test'

for i in 0 1 2 3; do inject "${EVS[$i]}" </dev/null; done   # 3: the fake dumps its payload, not the bytes
t_ok "the sync after the fix exits 0 without warnings" \
	'"$DWHBI" sync gcal >"$OUT" 2>"$ERR" && ! grep -q quarantined "$ERR"'
t_eq "the three rows are resolved as landed" "3|landed|0" \
	"$(t_psql "SELECT count(*) FILTER (WHERE resolved_at IS NOT NULL),
	           string_agg(DISTINCT resolution, ','), count(*) FILTER (WHERE resolved_at IS NULL)
	           FROM ops.quarantine")"
t_eq "raw equals the fake again" 0 "$(g_mismatches primary)"
t_done
