#!/usr/bin/env bash
# t2005: `dwhbi sync gcal` killed (SIGKILL) in the middle of a paged full
# sync, and again in the middle of a paged incremental sync: the pages
# committed before the kill stay, the stored sync token is never ahead of
# the committed rows (no token after a cut full sync, the old token after
# a cut incremental one), and a rerun converges to the fake's state.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json" --page-cap 1
export GCAL_CALENDAR_IDS=primary
PRIMARY_EVENTS=/calendar/v3/calendars/taro@example.com/events
CURSOR="SELECT coalesce((SELECT cursor FROM ops.sync_state WHERE source = 'google_calendar.events:taro@example.com'), '(none)')"

# primary_requests — events requests for the primary calendar answered so far.
primary_requests() {
	grep -c "\"path\":\"$PRIMARY_EVENTS\"" "$FAKE_LOG" 2>/dev/null || true
}

# kill_after N — runs dwhbi sync gcal in the background, lets N pages of
# the primary calendar through, holds the next one and kills dwhbi with
# SIGKILL while it waits for it.
kill_after() {
	local n=$1 start pid i
	start=$(primary_requests)
	curl -sS -f -X POST -H 'Content-Type: application/json' "$FAKE_URL/__control/fault" \
		--data-binary "{\"kind\": \"delay\", \"path\": \"$PRIMARY_EVENTS\", \"skip\": $n, \"count\": 1, \"delay_ms\": 4000}" >/dev/null
	"$DWHBI" -q sync gcal >/dev/null 2>&1 &
	pid=$!
	# Bounded wait (20 s) for the N pages; a slow machine only waits longer.
	for i in $(seq 1 400); do
		[ "$(primary_requests)" -ge $((start + n)) ] && break
		sleep 0.05
	done
	sleep 0.5       # the last page before the held one commits
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# The fake answers the held request into the void; wait until it has.
	for i in $(seq 1 200); do
		[ "$(primary_requests)" -ge $((start + n + 1)) ] && break
		sleep 0.05
	done
}

kill_after 6
committed=$(t_psql "SELECT count(*) FROM raw.google_calendar__events")
t_ok "pages before the kill were committed, not all of them" \
	'[ "$committed" -gt 0 ] && [ "$committed" -lt "$(wc -l < <(curl -sS "$FAKE_URL/__control/google/dump?calendarId=primary"))" ]'
t_eq "no sync token stored after a cut full sync" "(none)" "$(t_psql "$CURSOR")"
t_eq "the killed run is left as running in ops.runs" "running" \
	"$(t_psql "SELECT status FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_ok "the rerun succeeds" '"$DWHBI" -q sync gcal'
t_eq "the rerun marks the killed run as interrupted" \
	"failed|interrupted: the process ended before the run finished" \
	"$(t_psql "SELECT status, error FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC OFFSET 1 LIMIT 1")"
t_eq "raw equals the fake" 0 "$(g_mismatches primary)"
token1=$(t_psql "$CURSOR")
t_ok "a token is stored after the complete rerun" '[ "$token1" != "(none)" ]'

# Many changes, so the incremental sync has many pages too.
for d in 23 24 25 26 27; do
	g_event primary "{\"id\": \"lunch_202611${d}T030000Z\", \"summary\": \"ランチ ($d)\"}"
done
g_event primary '{"id": "deepwork20261124", "summary": "Deep Work 2"}'
g_event primary '{"id": "sleep20261124", "summary": "睡眠 2"}'
g_ctl POST cancel calendarId=primary id=trip20261126 >/dev/null
kill_after 4
t_eq "the token is not advanced by a cut incremental sync" "$token1" "$(t_psql "$CURSOR")"
t_ok "some of the changes were committed before the kill" \
	'[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE data->>'"'"'summary'"'"' LIKE '"'"'ランチ (%'"'"'")" -gt 0 ]'
t_ok "the rerun succeeds" '"$DWHBI" -q sync gcal'
t_eq "raw equals the fake after the rerun" 0 "$(g_mismatches primary)"
t_ok "the token advanced" '[ "$(t_psql "$CURSOR")" != "$token1" ]'
t_eq "a further run finds nothing to do" "0|0" \
	"$("$DWHBI" -q sync gcal && t_psql "SELECT rows_written, rows_deleted FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"

t_done
