#!/usr/bin/env bash
# t2001: the first `dwhbi sync gcal` is a full sync of every configured
# calendar (ids with @ and #, the holiday calendar, `primary` resolved
# through the calendar list) that leaves raw equal to the fake's calendars;
# later runs send the stored syncToken and fetch only what changed.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json" --page-cap 3
export GCAL_CALENDAR_IDS="primary, $G_TEAM"
export GCAL_HOLIDAY_CALENDAR_ID="$G_HOLIDAY"

t_ok "first sync succeeds" '"$DWHBI" sync gcal 2>"$T_TMP/err1" || { cat "$T_TMP/err1"; false; }'
t_eq "raw events equal the fake's calendars" 0 "$(g_mismatches)"
t_eq "every fake event arrived (instances of series included)" \
	"$(wc -l < "$T_TMP/dump.tsv")" \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NULL")"
t_eq "source ids are <calendarId>:<eventId>, primary resolved" \
	"taro@example.com:lunch_20261125T030000Z" \
	"$(t_psql "SELECT source_id FROM raw.google_calendar__events WHERE data->>'id' = 'lunch_20261125T030000Z'")"
t_eq "Japanese summaries, HTML descriptions with tabs survive" \
	"出張 大阪|<b>新幹線</b>	のぞみ" \
	"$(t_psql "SELECT data->>'summary', split_part(data->>'description', E'\n', 1) FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:trip20261126'")"
t_eq "calendar list: three calendars, the primary flagged" \
	"3|taro@example.com" \
	"$(t_psql "SELECT count(*), max(source_id) FILTER (WHERE (data->>'primary')::boolean) FROM raw.google_calendar__calendar_list")"
t_eq "colors: 24 calendar and 11 event colors with background/foreground" \
	"24|11|#a4bdfc" \
	"$(t_psql "SELECT count(*) FILTER (WHERE source_id LIKE 'calendar:%'), count(*) FILTER (WHERE source_id LIKE 'event:%'), max(data->>'background') FILTER (WHERE source_id = 'event:1') FROM raw.google_calendar__colors")"
t_eq "one cursor per calendar, each a sync token" \
	"google_calendar.events:$G_HOLIDAY|google_calendar.events:taro@example.com|google_calendar.events:$G_TEAM" \
	"$(t_psql "SELECT string_agg(source, '|' ORDER BY convert_to(source, 'UTF8')) FROM ops.sync_state WHERE source LIKE 'google_calendar.events:%' AND cursor LIKE 'CPj%' AND last_synced_at IS NOT NULL")"

g_log
t_eq "full sync: singleEvents and showDeleted on every events request, no syncToken" \
	"0" \
	"$(t_psql "SELECT count(*) FROM fake_log WHERE j->>'path' LIKE '%/events' AND (j->'query'->>'singleEvents' IS DISTINCT FROM 'true' OR j->'query'->>'showDeleted' IS DISTINCT FROM 'true' OR j->'query' ? 'syncToken')")"
t_ok "full sync walked short and empty pages to the end" \
	'[ "$(t_psql "SELECT count(*) FROM fake_log WHERE j->>'"'"'path'"'"' = '"'"'/calendar/v3/calendars/taro@example.com/events'"'"'")" -ge 4 ]'
t_eq "the calendar list was read on all its pages" "2" \
	"$(t_psql "SELECT count(*) FROM fake_log WHERE j->>'path' = '/calendar/v3/users/me/calendarList'")"
t_eq "ops.runs counts the rows" "success|t|t" \
	"$(t_psql "SELECT status, rows_read >= rows_written, rows_written > 0 FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_eq "no access token or secret in the request log or ops.runs" "0" \
	"$( (cat "$FAKE_LOG"; t_psql "SELECT detail::text, error FROM ops.runs") | grep -c -e "$G_CLIENT_SECRET" -e "$G_REFRESH_TOKEN" -e 'ya29\.' )"

# -- second run: nothing changed ---------------------------------------------
seq0=$(g_last_seq)
served0=$(g_stat items_served)
before=$(t_psql "SELECT md5(string_agg(source_id || data::text || synced_at::text, '' ORDER BY source_id)) FROM raw.google_calendar__events")
t_ok "second sync succeeds" '"$DWHBI" sync gcal'
g_log
t_eq "incremental: every events request carries the syncToken, no timeMin" "3|0" \
	"$(t_psql "SELECT count(*) FILTER (WHERE j->'query' ? 'syncToken'), count(*) FILTER (WHERE NOT j->'query' ? 'syncToken' OR j->'query' ? 'timeMin') FROM fake_log WHERE seq > $seq0 AND j->>'path' LIKE '%/events'")"
t_eq "incremental with no changes fetched no events" "$served0" "$(g_stat items_served)"
t_eq "unchanged rows were not rewritten" "$before" \
	"$(t_psql "SELECT md5(string_agg(source_id || data::text || synced_at::text, '' ORDER BY source_id)) FROM raw.google_calendar__events")"
t_eq "the run wrote nothing" "0|0" \
	"$(t_psql "SELECT rows_written, rows_deleted FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"

# -- third run: one new event, one edit ---------------------------------------
g_event primary '{"id": "review20261127", "summary": "週次レビュー", "start": {"dateTime": "2026-11-27T17:00:00+09:00"}, "end": {"dateTime": "2026-11-27T18:00:00+09:00"}}'
g_event "$G_TEAM" '{"id": "offsite", "summary": "Offsite (moved)", "start": {"dateTime": "2026-11-26T08:00:00-05:00"}, "end": {"dateTime": "2026-11-26T18:00:00-05:00"}}'
served0=$(g_stat items_served)
t_ok "third sync succeeds" '"$DWHBI" sync gcal'
t_eq "incremental fetched exactly the two changes" "$((served0 + 2))" "$(g_stat items_served)"
t_eq "raw still equals the fake" 0 "$(g_mismatches)"
t_eq "the edit is in raw" "Offsite (moved)" \
	"$(t_psql "SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = '$G_TEAM:offsite'")"
t_eq "the run counted two written rows" "2" \
	"$(t_psql "SELECT rows_written FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"

# `primary` and its real id name one calendar: it is synced once.
seq0=$(g_last_seq)
t_ok "primary listed twice (alias and id)" 'GCAL_CALENDAR_IDS="primary,taro@example.com" "$DWHBI" -q sync gcal'
g_log
t_eq "its events were fetched once" "1" \
	"$(t_psql "SELECT count(*) FROM fake_log WHERE seq > $seq0 AND j->>'path' = '/calendar/v3/calendars/taro@example.com/events'")"

t_done
