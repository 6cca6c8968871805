#!/usr/bin/env bash
# t2003: events deleted without a tombstone are invisible to an incremental
# sync; when the sync token then expires (410 fullSyncRequired) the
# connector drops the token, does a full sync and marks the rows the full
# sync did not return as deleted, leaving every other row untouched.
# --full does the same on demand; --since bounds the full sync and its
# reconcile.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json" --page-cap 3
export GCAL_CALENDAR_IDS="primary,$G_TEAM"
export GCAL_HOLIDAY_CALENDAR_ID="$G_HOLIDAY"
snapshot() {
	t_psql "SELECT md5(string_agg(source_id || data::text || synced_at::text || coalesce(deleted_at::text, ''), '' ORDER BY source_id))
		FROM raw.google_calendar__events WHERE source_id NOT IN ($1)"
}

t_ok "first sync" '"$DWHBI" -q sync gcal'
gone="'taro@example.com:deepwork20261124', 'taro@example.com:lunch_20261125T030000Z', 'taro@example.com:review'"

g_event primary '{"id": "review", "summary": "レビュー", "start": {"dateTime": "2026-11-27T17:00:00+09:00"}, "end": {"dateTime": "2026-11-27T18:00:00+09:00"}}'
t_ok "sync sees the new event" '"$DWHBI" -q sync gcal'
before=$(snapshot "$gone")

# Deleted without tombstones: an incremental sync cannot see it.
g_ctl POST purge calendarId=primary id=deepwork20261124 >/dev/null
g_ctl POST purge calendarId=primary id=lunch_20261125T030000Z >/dev/null
g_ctl POST purge calendarId=primary id=review >/dev/null
t_ok "incremental sync after silent deletions" '"$DWHBI" -q sync gcal'
t_eq "the silent deletions are not seen yet" "0" \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE source_id IN ($gone) AND deleted_at IS NOT NULL")"

g_ctl POST expire-sync-tokens calendarId=primary >/dev/null
seq0=$(g_last_seq)
t_ok "sync after the token expired succeeds" '"$DWHBI" -q sync gcal'
t_eq "the rows the full sync did not return are marked deleted" "3" \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE source_id IN ($gone) AND deleted_at IS NOT NULL")"
t_eq "their payloads are kept" "Deep Work|レビュー" \
	"$(t_psql "SELECT string_agg(data->>'summary', '|' ORDER BY data->>'summary') FROM raw.google_calendar__events WHERE source_id IN ('taro@example.com:deepwork20261124', 'taro@example.com:review')")"
t_eq "every other row is untouched (data, synced_at, deleted_at)" "$before" "$(snapshot "$gone")"
t_eq "raw equals the fake" 0 "$(g_mismatches)"
g_log
t_eq "primary: one 410, then a full sync without syncToken" "1|t" \
	"$(t_psql "SELECT count(*) FILTER (WHERE (j->>'status')::int = 410), bool_and(NOT j->'query' ? 'syncToken') FILTER (WHERE (j->>'status')::int = 200) FROM fake_log WHERE seq > $seq0 AND j->>'path' = '/calendar/v3/calendars/taro@example.com/events'")"
t_eq "the other calendars stayed incremental" "0" \
	"$(t_psql "SELECT count(*) FROM fake_log WHERE seq > $seq0 AND j->>'path' LIKE '%/events' AND j->>'path' NOT LIKE '%taro@example.com%' AND NOT j->'query' ? 'syncToken'")"
t_eq "ops.runs records the resync and three deletions" "resync|3" \
	"$(t_psql "SELECT c->>'mode', rows_deleted FROM ops.runs, jsonb_array_elements(detail->'calendars') c WHERE job = 'sync gcal' AND c->>'id' = 'taro@example.com' ORDER BY id DESC LIMIT 1")"
t_ok "the next run" '"$DWHBI" -q sync gcal'
t_eq "the new token works: the next run is incremental" "incremental" \
	"$(t_psql "SELECT c->>'mode' FROM ops.runs, jsonb_array_elements(detail->'calendars') c WHERE job = 'sync gcal' AND c->>'id' = 'taro@example.com' ORDER BY id DESC LIMIT 1")"

# --full reconciles without a 410.
g_ctl POST purge "calendarId=$G_TEAM" id=offsite >/dev/null
t_ok "sync --full" '"$DWHBI" -q sync gcal --full'
t_eq "--full caught the silent deletion" "1" \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE source_id = '$G_TEAM:offsite' AND deleted_at IS NOT NULL")"
t_eq "raw equals the fake after --full" 0 "$(g_mismatches)"
t_eq "--full stored a token for every calendar" "3" \
	"$(t_psql "SELECT count(*) FROM ops.sync_state WHERE source LIKE 'google_calendar.events:%' AND cursor IS NOT NULL")"

# --since: the full sync asks for events ending after local midnight of
# the date, and only judges rows in that window.
export DWHBI_TIMEZONE=Asia/Tokyo
g_ctl POST purge calendarId=primary id=lunch_20261123T030000Z >/dev/null
g_ctl POST purge calendarId=primary id=flight20261130 >/dev/null
seq0=$(g_last_seq)
t_ok "sync --since 2026-11-26" '"$DWHBI" -q sync gcal --since 2026-11-26'
g_log
t_eq "the full sync sent timeMin = local midnight" "2026-11-25T15:00:00Z" \
	"$(t_psql "SELECT DISTINCT j->'query'->>'timeMin' FROM fake_log WHERE seq > $seq0 AND j->>'path' = '/calendar/v3/calendars/taro@example.com/events'")"
t_eq "a row ending before the bound is not judged; one after it is" "flight20261130:deleted|lunch_20261123T030000Z:live" \
	"$(t_psql "SELECT string_agg(data->>'id' || ':' || CASE WHEN deleted_at IS NULL THEN 'live' ELSE 'deleted' END, '|' ORDER BY convert_to(data->>'id', 'UTF8')) FROM raw.google_calendar__events WHERE source_id IN ('taro@example.com:lunch_20261123T030000Z', 'taro@example.com:flight20261130')")"
t_eq "the bound is kept with the cursor" "2026-11-25T15:00:00Z" \
	"$(t_psql "SELECT checkpoint->>'time_min' FROM ops.sync_state WHERE source = 'google_calendar.events:taro@example.com'")"

t_done
