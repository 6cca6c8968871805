#!/usr/bin/env bash
# t2008: `dwhbi sync gcal --full` killed (SIGKILL) mid-pagination after
# events were deleted without tombstones: the stored sync token is dropped
# when the full sync starts, so the next plain run cannot fall back to
# incremental with the old token; it does the full sync again (no
# syncToken), reconciles, and marks exactly the silently deleted rows.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json" --page-cap 1
export GCAL_CALENDAR_IDS=primary
PRIMARY_EVENTS=/calendar/v3/calendars/taro@example.com/events
CURSOR="SELECT coalesce((SELECT cursor FROM ops.sync_state WHERE source = 'google_calendar.events:taro@example.com'), '(none)')"
gone="'taro@example.com:deepwork20261124', 'taro@example.com:lunch_20261125T030000Z'"
snapshot() {
	t_psql "SELECT md5(string_agg(source_id || data::text || synced_at::text || coalesce(deleted_at::text, ''), '' ORDER BY source_id))
		FROM raw.google_calendar__events WHERE source_id NOT IN ($gone)"
}
primary_requests() {
	grep -c "\"path\":\"$PRIMARY_EVENTS\"" "$FAKE_LOG" 2>/dev/null || true
}

# kill_after N ARGS... — runs dwhbi sync gcal ARGS in the background, lets
# N pages of the primary calendar through, holds the next one and kills
# dwhbi with SIGKILL while it waits for it (as in t2005).
kill_after() {
	local n=$1 start pid i
	shift
	start=$(primary_requests)
	curl -sS -f -X POST -H 'Content-Type: application/json' "$FAKE_URL/__control/fault" \
		--data-binary "{\"kind\": \"delay\", \"path\": \"$PRIMARY_EVENTS\", \"skip\": $n, \"count\": 1, \"delay_ms\": 4000}" >/dev/null
	"$DWHBI" -q sync gcal "$@" >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 400); do
		[ "$(primary_requests)" -ge $((start + n)) ] && break
		sleep 0.05
	done
	sleep 0.5       # the last page before the held one commits
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for i in $(seq 1 200); do
		[ "$(primary_requests)" -ge $((start + n + 1)) ] && break
		sleep 0.05
	done
}

t_ok "first sync" '"$DWHBI" -q sync gcal'
token1=$(t_psql "$CURSOR")
t_ok "a token is stored" '[ "$token1" != "(none)" ]'
t_eq "every row is live" 0 \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NOT NULL")"

# Deleted without tombstones: only a complete full sync can see it.
g_ctl POST purge calendarId=primary id=deepwork20261124 >/dev/null
g_ctl POST purge calendarId=primary id=lunch_20261125T030000Z >/dev/null
before=$(snapshot)

kill_after 3 --full
t_eq "the killed run is left as running in ops.runs" "running" \
	"$(t_psql "SELECT status FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_eq "the cut full sync left no sync token behind" "(none)" "$(t_psql "$CURSOR")"
t_eq "the cut full sync did not reconcile" 0 \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NOT NULL")"

seq0=$(g_last_seq)
t_ok "a plain rerun succeeds" '"$DWHBI" -q sync gcal'
t_eq "the silently deleted rows are marked deleted" 2 \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE source_id IN ($gone) AND deleted_at IS NOT NULL")"
t_eq "no other row is marked deleted" 0 \
	"$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE source_id NOT IN ($gone) AND deleted_at IS NOT NULL")"
t_eq "every other row is untouched (data, synced_at, deleted_at)" "$before" "$(snapshot)"
t_eq "raw equals the fake" 0 "$(g_mismatches primary)"
g_log
t_eq "the rerun did a full sync: pages, none with a syncToken" "t|t" \
	"$(t_psql "SELECT count(*) > 1, bool_and(NOT j->'query' ? 'syncToken') FROM fake_log WHERE seq > $seq0 AND j->>'path' = '$PRIMARY_EVENTS'")"
t_eq "ops.runs records a full sync with two deletions" "full|2" \
	"$(t_psql "SELECT c->>'mode', c->>'deleted' FROM ops.runs, jsonb_array_elements(detail->'calendars') c WHERE job = 'sync gcal' AND c->>'id' = 'taro@example.com' ORDER BY id DESC LIMIT 1")"
token2=$(t_psql "$CURSOR")
t_ok "a token is stored again after the complete rerun" '[ "$token2" != "(none)" ]'
t_ok "the next run" '"$DWHBI" -q sync gcal'
t_eq "the next run is incremental again" "incremental" \
	"$(t_psql "SELECT c->>'mode' FROM ops.runs, jsonb_array_elements(detail->'calendars') c WHERE job = 'sync gcal' AND c->>'id' = 'taro@example.com' ORDER BY id DESC LIMIT 1")"

t_done
