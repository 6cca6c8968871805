#!/usr/bin/env bash
# t2002: events created, edited and cancelled on the calendar (a single
# event, one instance of a recurring series, a whole series) reach raw on
# the next incremental sync; a cancelled event keeps its row and its last
# full payload with deleted_at set, nothing is ever hard-deleted, and an
# event that comes back clears deleted_at.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json" --page-cap 4
export GCAL_CALENDAR_IDS="primary,$G_TEAM"

t_ok "first sync" '"$DWHBI" -q sync gcal'
rows0=$(t_psql "SELECT count(*) FROM raw.google_calendar__events")

g_event primary '{"summary": "歯医者", "start": {"dateTime": "2026-11-28T10:00:00+09:00"}, "end": {"dateTime": "2026-11-28T11:00:00+09:00"}}'
g_event primary '{"id": "deepwork20261124", "summary": "Deep Work (集中)", "colorId": "7"}'
g_ctl POST cancel calendarId=primary id=sleep20261124 >/dev/null
g_ctl POST cancel calendarId=primary id=lunch_20261124T030000Z >/dev/null
g_event primary '{"id": "lunch_20261126T030000Z", "start": {"dateTime": "2026-11-26T12:30:00+09:00", "timeZone": "Asia/Tokyo"}, "end": {"dateTime": "2026-11-26T13:30:00+09:00", "timeZone": "Asia/Tokyo"}}'
g_ctl POST cancel "calendarId=$G_TEAM" id=standup >/dev/null

t_ok "incremental sync after the changes" '"$DWHBI" -q sync gcal'
t_eq "raw equals the fake" 0 "$(g_mismatches primary "$G_TEAM")"
t_eq "nothing was hard-deleted: one row more than before (the new event)" \
	"$((rows0 + 1))" "$(t_psql "SELECT count(*) FROM raw.google_calendar__events")"
t_eq "the new event arrived with its Japanese summary" "1" \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE data->>'summary' = '歯医者' AND deleted_at IS NULL")"
t_eq "the edit replaced the payload" "Deep Work (集中)|7" \
	"$(t_psql "SELECT data->>'summary', data->>'colorId' FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:deepwork20261124'")"
t_eq "the cancelled event keeps its last full payload" "睡眠|confirmed|2026-11-24T23:30:00+09:00|t" \
	"$(t_psql "SELECT data->>'summary', data->>'status', data->'start'->>'dateTime', deleted_at IS NOT NULL FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:sleep20261124'")"
t_eq "the cancelled instance is deleted, its siblings are not" "lunch_20261124T030000Z" \
	"$(t_psql "SELECT string_agg(data->>'id', ',') FROM raw.google_calendar__events WHERE data->>'recurringEventId' = 'lunch' AND deleted_at IS NOT NULL")"
t_eq "the moved instance has its new time" "2026-11-26T12:30:00+09:00" \
	"$(t_psql "SELECT data->'start'->>'dateTime' FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:lunch_20261126T030000Z' AND deleted_at IS NULL")"
t_eq "cancelling a series deleted every instance, keeping the summaries" "3|Standup" \
	"$(t_psql "SELECT count(*), min(data->>'summary') FROM raw.google_calendar__events WHERE source_id LIKE '$G_TEAM:standup_%' AND deleted_at IS NOT NULL")"
t_eq "ops.runs: 3 written (new, edit, move), 5 deleted" "3|5" \
	"$(t_psql "SELECT rows_written, rows_deleted FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"

# A deleted event that is restored comes back to life.
deleted_at=$(t_psql "SELECT deleted_at FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:sleep20261124'")
g_event primary '{"id": "sleep20261124", "summary": "睡眠", "start": {"dateTime": "2026-11-24T23:00:00+09:00", "timeZone": "Asia/Tokyo"}, "end": {"dateTime": "2026-11-25T07:00:00+09:00", "timeZone": "Asia/Tokyo"}}'
t_ok "sync after a restore" '"$DWHBI" -q sync gcal'
t_eq "the restored event is live again with the new payload" "|confirmed|2026-11-24T23:00:00+09:00" \
	"$(t_psql "SELECT deleted_at, data->>'status', data->'start'->>'dateTime' FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:sleep20261124'")"
t_eq "raw equals the fake after the restore" 0 "$(g_mismatches primary "$G_TEAM")"

# A cancellation seen twice keeps the first deleted_at.
g_ctl POST cancel calendarId=primary id=sleep20261124 >/dev/null
"$DWHBI" -q sync gcal
first=$(t_psql "SELECT deleted_at FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:sleep20261124'")
t_ok "a full sync (--full) does not move deleted_at of cancelled rows" '"$DWHBI" -q sync gcal --full'
t_eq "deleted_at unchanged" "$first" \
	"$(t_psql "SELECT deleted_at FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:sleep20261124'")"
t_ok "deleted_at was set at all" '[ -n "$first" ] && [ -n "$deleted_at" ]'
t_eq "raw equals the fake after --full" 0 "$(g_mismatches primary "$G_TEAM")"

t_done
