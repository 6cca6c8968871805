#!/usr/bin/env bash
# t2007: the synthetic person's plan (two months in Asia/Tokyo: weekly
# series expanded into instances, one-off and all-day events, cancelled
# instances, the Japanese holiday calendar) syncs into raw exactly; and the
# fake keeps the real API's rules that the connector relies on: timeMin
# bounds the end and timeMax the start, singleEvents=false gives series
# masters, orderBy=startTime needs singleEvents, a syncToken refuses
# timeMin, maxResults is capped at 2500, short and empty pages still carry
# nextPageToken and only the last page has nextSyncToken.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --person 7:2026-10-01:61 --tz Asia/Tokyo --page-cap 40
export GCAL_CALENDAR_IDS=primary
export GCAL_HOLIDAY_CALENDAR_ID="$G_HOLIDAY"
PRIMARY=taro.yamada@example.com

t_ok "full sync of the person's calendars" '"$DWHBI" -q sync gcal'
t_eq "raw equals the fake" 0 "$(g_mismatches)"
t_ok "a realistic amount of plan: more than 300 live events" \
	'[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NULL")" -gt 300 ]'
t_ok "recurring instances carry recurringEventId and originalStartTime" \
	'[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE data ? '"'"'recurringEventId'"'"' AND data ? '"'"'originalStartTime'"'"' AND data->>'"'"'id'"'"' LIKE (data->>'"'"'recurringEventId'"'"') || '"'"'\_%'"'"'")" -gt 100 ]'
t_ok "the holiday calendar holds Japanese all-day holidays (文化の日 on 2026-11-03)" \
	'[ "$(t_psql "SELECT data->>'"'"'summary'"'"' FROM raw.google_calendar__events WHERE starts_with(source_id, '"'"'$G_HOLIDAY:'"'"') AND data->'"'"'start'"'"'->>'"'"'date'"'"' = '"'"'2026-11-03'"'"'")" = "文化の日" ]'
t_ok "timed events are written in +09:00" \
	'[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE data->'"'"'start'"'"'->>'"'"'dateTime'"'"' LIKE '"'"'%+09:00'"'"'")" -gt 300 ]'

# -- the fake's API rules -----------------------------------------------------
TOKEN=$(curl -sS -f -d "client_id=$G_CLIENT_ID&client_secret=$G_CLIENT_SECRET&refresh_token=$G_REFRESH_TOKEN&grant_type=refresh_token" "$FAKE_URL/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
# api PATH-AND-QUERY — prints "STATUS BODY" of a GET with the token.
api() {
	curl -sS -o "$T_TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$GOOGLE_API_BASE$1"
	printf ' '
	cat "$T_TMP/body"
}
# jq_sql SQL — runs SQL with :'j' bound to the last response body.
jq_sql() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 -v j="$(cat "$T_TMP/body")" <<< "$1"
}
EV="/calendars/$(g_enc "$PRIMARY")/events"

t_eq "orderBy=startTime without singleEvents is a 400" 400 "$(api "$EV?orderBy=startTime" | cut -d' ' -f1)"
t_eq "orderBy=startTime with singleEvents is fine" 200 "$(api "$EV?orderBy=startTime&singleEvents=true" | cut -d' ' -f1)"
t_eq "maxResults=0 is a 400" 400 "$(api "$EV?maxResults=0" | cut -d' ' -f1)"

# Walk a full listing: pages, empty pages with nextPageToken, the sync token.
pages=0 empty=0 sync_on_middle=0 total=0 pt=
while :; do
	api "$EV?singleEvents=true&showDeleted=true&maxResults=5000${pt:+&pageToken=$pt}" >/dev/null
	pages=$((pages + 1))
	n=$(jq_sql "SELECT jsonb_array_length(:'j'::jsonb->'items')")
	total=$((total + n))
	pt=$(jq_sql "SELECT coalesce(:'j'::jsonb->>'nextPageToken', '')")
	[ -n "$pt" ] && [ "$n" -eq 0 ] && empty=$((empty + 1))
	[ -n "$pt" ] && [ "$(jq_sql "SELECT :'j'::jsonb ? 'nextSyncToken'")" = t ] && sync_on_middle=$((sync_on_middle + 1))
	[ -z "$pt" ] && break
	[ $pages -lt 500 ] || break
done
t_ok "a listing spans several pages (maxResults=5000 is capped, not refused)" '[ $pages -gt 3 ]'
t_ok "some pages are empty yet have a nextPageToken" '[ $empty -gt 0 ]'
t_eq "nextSyncToken only on the last page" "0|t" "$sync_on_middle|$(jq_sql "SELECT :'j'::jsonb ? 'nextSyncToken'")"
t_eq "the walk returned every event of the calendar" \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE starts_with(source_id, '$PRIMARY:')")" "$total"
SYNC=$(jq_sql "SELECT :'j'::jsonb->>'nextSyncToken'")
t_eq "syncToken with timeMin is a 400" 400 \
	"$(api "$EV?syncToken=$(g_enc "$SYNC")&timeMin=2026-10-01T00:00:00Z" | cut -d' ' -f1)"
t_eq "syncToken alone is fine and returns nothing when nothing changed" "200 0" \
	"$(api "$EV?syncToken=$(g_enc "$SYNC")" | cut -d' ' -f1) $(jq_sql "SELECT jsonb_array_length(:'j'::jsonb->'items')")"

# timeMin bounds the end, timeMax the start: a window from 03:00 to 05:00
# on 2026-10-15 (Tokyo) returns the night's sleep that began the day before.
api "$EV?singleEvents=true&maxResults=2500&timeMin=$(g_enc 2026-10-15T03:00:00+09:00)&timeMax=$(g_enc 2026-10-15T05:00:00+09:00)" >/dev/null
t_eq "the window returns exactly the events overlapping it" \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE starts_with(source_id, '$PRIMARY:') AND deleted_at IS NULL AND data->'start' ? 'dateTime' AND (data->'end'->>'dateTime')::timestamptz > '2026-10-15T03:00:00+09:00' AND (data->'start'->>'dateTime')::timestamptz < '2026-10-15T05:00:00+09:00'")" \
	"$(jq_sql "SELECT count(*) FROM jsonb_array_elements(:'j'::jsonb->'items') e WHERE e->'start' ? 'dateTime'")"
t_ok "and one of them started before the window" \
	'[ "$(jq_sql "SELECT count(*) FROM jsonb_array_elements(:'"'"'j'"'"'::jsonb->'"'"'items'"'"') e WHERE (e->'"'"'start'"'"'->>'"'"'dateTime'"'"')::timestamptz < '"'"'2026-10-15T03:00:00+09:00'"'"'")" -ge 1 ]'

# singleEvents=false: masters with a recurrence rule instead of instances.
api "$EV?maxResults=2500&timeMin=$(g_enc 2026-09-01T00:00:00Z)" >/dev/null
t_eq "singleEvents=false: one master per series, with a recurrence rule" \
	"$(t_psql "SELECT count(DISTINCT data->>'recurringEventId') FROM raw.google_calendar__events WHERE starts_with(source_id, '$PRIMARY:')")" \
	"$(jq_sql "SELECT count(*) FROM jsonb_array_elements(:'j'::jsonb->'items') e WHERE e ? 'recurrence'")"
t_eq "singleEvents=false: plain instances are not listed" "0" \
	"$(jq_sql "SELECT count(*) FROM jsonb_array_elements(:'j'::jsonb->'items') e WHERE e ? 'recurringEventId' AND e->>'status' <> 'cancelled'")"

# A cancelled instance arrives in its minimal form on an incremental sync.
inst=$(t_psql "SELECT data->>'id' FROM raw.google_calendar__events WHERE starts_with(source_id, '$PRIMARY:') AND data ? 'recurringEventId' AND deleted_at IS NULL ORDER BY source_id LIMIT 1")
g_ctl POST cancel "calendarId=$PRIMARY" "id=$inst" >/dev/null
api "$EV?syncToken=$(g_enc "$SYNC")" >/dev/null
t_eq "the change is minimal: kind, etag, id, status, recurringEventId, originalStartTime" \
	"etag,id,kind,originalStartTime,recurringEventId,status" \
	"$(jq_sql "SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_array_elements(:'j'::jsonb->'items') e, jsonb_object_keys(e) k")"
t_ok "the connector turns it into deleted_at" '"$DWHBI" -q sync gcal'
t_eq "the instance is deleted with its full payload kept" "t|t" \
	"$(t_psql "SELECT deleted_at IS NOT NULL, data ? 'summary' FROM raw.google_calendar__events WHERE source_id = '$PRIMARY:$inst'")"

t_done
