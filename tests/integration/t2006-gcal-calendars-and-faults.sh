#!/usr/bin/env bash
# t2006: two calendars plus the holiday calendar sync independently, each
# with its own cursor.  Rate limits (403 rateLimitExceeded, 429) and server
# errors (500) are retried through the shared policy; a calendar that fails
# for good (quotaExceeded, a 500 that does not heal, an unknown id) fails
# alone: the run exits 1, the other calendars' rows and cursors advance,
# and the failed one keeps its old cursor until a later run heals it.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json" --page-cap 5
export GCAL_CALENDAR_IDS="primary,$G_TEAM"
export GCAL_HOLIDAY_CALENDAR_ID="$G_HOLIDAY"
TEAM_EVENTS="/calendar/v3/calendars/$G_TEAM/events"
PRIMARY_EVENTS=/calendar/v3/calendars/taro@example.com/events
gerr() {    # gerr CODE REASON — a Google error body
	printf '{"error": {"errors": [{"domain": "usageLimits", "reason": "%s", "message": "%s"}], "code": %s, "message": "%s"}}' "$2" "$2" "$1" "$2"
}
fault() {   # fault JSON — queue a fault on the fake
	curl -sS -f -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$FAKE_URL/__control/fault" >/dev/null
}
cursor() {
	t_psql "SELECT coalesce((SELECT cursor FROM ops.sync_state WHERE source = 'google_calendar.events:$1'), '(none)')"
}
rows() {
	t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE starts_with(source_id, '$1:')"
}

# -- a calendar whose quota is gone fails alone --------------------------------
fault "{\"kind\": \"status\", \"path\": \"$TEAM_EVENTS\", \"count\": 1, \"status\": 403, \"body\": $(gerr 403 quotaExceeded | sed 's/"/\\"/g; s/^/"/; s/$/"/')}"
"$DWHBI" sync gcal >"$T_TMP/out1" 2>"$T_TMP/err1"
t_eq "a calendar that fails makes the run exit 1" 1 "$?"
t_ok "the error names the calendar and the quota" \
	'grep -q "quota exceeded" "$T_TMP/err1" && grep -q "$G_TEAM" "$T_TMP/err1" || { cat "$T_TMP/err1"; false; }'
t_eq "quotaExceeded is not retried" "1" \
	"$(grep -c "\"path\":\"$TEAM_EVENTS\"" "$FAKE_LOG")"
t_eq "the calendars before and after it synced" "0" "$(g_mismatches primary "$G_HOLIDAY")"
t_ok "their cursors are stored, the failed one has none" \
	'[ "$(cursor taro@example.com)" != "(none)" ] && [ "$(cursor "$G_HOLIDAY")" != "(none)" ] && [ "$(cursor "$G_TEAM")" = "(none)" ]'
t_eq "no rows of the failed calendar" 0 "$(rows "$G_TEAM")"
t_eq "ops.runs: failed, with per-calendar outcomes" "failed|ok,failed,ok" \
	"$(t_psql "SELECT status, (SELECT string_agg(c->>'status', ',' ORDER BY o) FROM jsonb_array_elements(detail->'calendars') WITH ORDINALITY AS x(c, o)) FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"

t_ok "the next run heals it" '"$DWHBI" -q sync gcal'
t_eq "all three calendars equal the fake" 0 "$(g_mismatches)"

# -- rate limits and a server error are retried --------------------------------
g_event primary '{"id": "deepwork20261124", "summary": "Deep Work (edited)"}'
fault "[{\"kind\": \"status\", \"path\": \"$PRIMARY_EVENTS\", \"count\": 1, \"status\": 403, \"body\": $(gerr 403 rateLimitExceeded | sed 's/"/\\"/g; s/^/"/; s/$/"/')},
        {\"kind\": \"status\", \"path\": \"$PRIMARY_EVENTS\", \"count\": 1, \"status\": 429, \"headers\": {\"Retry-After\": \"1\"}, \"body\": $(gerr 429 rateLimitExceeded | sed 's/"/\\"/g; s/^/"/; s/$/"/')},
        {\"kind\": \"status\", \"path\": \"$PRIMARY_EVENTS\", \"count\": 1, \"status\": 500, \"body\": $(gerr 500 backendError | sed 's/"/\\"/g; s/^/"/; s/$/"/')}]"
seq0=$(g_last_seq)
t_ok "403 rateLimitExceeded, 429 and 500 are retried and the run succeeds" \
	'"$DWHBI" sync gcal 2>"$T_TMP/err2" || { cat "$T_TMP/err2"; false; }'
g_log
t_eq "primary events: three faults, then the answer" "403,429,500,200" \
	"$(t_psql "SELECT string_agg(j->>'status', ',' ORDER BY seq) FROM fake_log WHERE seq > $seq0 AND j->>'path' = '$PRIMARY_EVENTS'")"
t_eq "ops.runs counts three retries" "3" \
	"$(t_psql "SELECT detail->>'http_retries' FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_eq "the edit arrived" "Deep Work (edited)" \
	"$(t_psql "SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:deepwork20261124'")"
primary_token=$(cursor taro@example.com)
team_token=$(cursor "$G_TEAM")
holiday_token=$(cursor "$G_HOLIDAY")

# -- an incremental failure leaves that calendar's old cursor ------------------
g_event primary '{"id": "sleep20261124", "summary": "睡眠 (早め)"}'
g_event "$G_TEAM" '{"id": "offsite", "summary": "Offsite (cancelled?)"}'
g_event "$G_HOLIDAY" '{"id": "20261231_jp_holiday", "summary": "大晦日", "start": {"date": "2026-12-31"}, "end": {"date": "2027-01-01"}}'
fault "{\"kind\": \"status\", \"path\": \"$TEAM_EVENTS\", \"count\": -1, \"status\": 500, \"body\": $(gerr 500 backendError | sed 's/"/\\"/g; s/^/"/; s/$/"/')}"
DWHBI_HTTP_WAIT_BUDGET=2 "$DWHBI" sync gcal >/dev/null 2>"$T_TMP/err3"
t_eq "a 500 that does not heal within the wait budget fails the run" 1 "$?"
t_ok "the message names the wait budget" 'grep -q "DWHBI_HTTP_WAIT_BUDGET" "$T_TMP/err3" || { cat "$T_TMP/err3"; false; }'
t_eq "the failed calendar keeps its old cursor" "$team_token" "$(cursor "$G_TEAM")"
t_ok "the others advanced" \
	'[ "$(cursor taro@example.com)" != "$primary_token" ] && [ "$(cursor "$G_HOLIDAY")" != "$holiday_token" ]'
t_eq "their changes are in raw, the failed calendar's is not yet" "睡眠 (早め)|大晦日|Offsite" \
	"$(t_psql "SELECT (SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:sleep20261124'), (SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = '$G_HOLIDAY:20261231_jp_holiday'), (SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = '$G_TEAM:offsite')")"
curl -sS -f -X POST "$FAKE_URL/__control/reset" >/dev/null
t_ok "after the outage the next run succeeds" '"$DWHBI" -q sync gcal'
t_eq "everything equals the fake" 0 "$(g_mismatches)"
t_eq "the failed calendar caught up incrementally" "incremental" \
	"$(t_psql "SELECT c->>'mode' FROM ops.runs, jsonb_array_elements(detail->'calendars') c WHERE job = 'sync gcal' AND c->>'id' = '$G_TEAM' ORDER BY id DESC LIMIT 1")"

# -- an unknown calendar id fails alone ----------------------------------------
GCAL_CALENDAR_IDS="nobody@example.com,primary" "$DWHBI" -q sync gcal 2>"$T_TMP/err4"
t_eq "an unknown calendar: exit 1" 1 "$?"
t_ok "the message names it and the 404" 'grep -q "nobody@example.com" "$T_TMP/err4" && grep -q 404 "$T_TMP/err4"'
t_eq "the others still synced in that run" "ok" \
	"$(t_psql "SELECT c->>'status' FROM ops.runs, jsonb_array_elements(detail->'calendars') c WHERE job = 'sync gcal' AND c->>'id' = 'taro@example.com' ORDER BY id DESC LIMIT 1")"

t_done
