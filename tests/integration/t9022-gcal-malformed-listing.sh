#!/usr/bin/env bash
# t9022 — Google answers 200 with a listing that is not one: `items` an
# object, a string, null or missing, or a page with neither nextPageToken
# nor nextSyncToken.  Each is an error (exit 1, naming the calendar and what
# was wrong) that changes no row: a full sync does not reconcile the plan
# as "everything deleted", and the calendar list is not tombstoned either.
# The next good run heals.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
export GCAL_CALENDAR_IDS="primary,$G_TEAM"
PRIMARY_EVENTS=/calendar/v3/calendars/taro@example.com/events
fault() {
	curl -sS -f -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$FAKE_URL/__control/fault" >/dev/null
}
fingerprint() {
	t_psql "SELECT count(*), count(deleted_at), md5(string_agg(source_id || coalesce(deleted_at::text, '') || data::text, ',' ORDER BY source_id)) FROM raw.google_calendar__events"
}
list_fingerprint() {
	t_psql "SELECT count(*), count(deleted_at) FROM raw.google_calendar__calendar_list"
}

t_ok "a first full sync succeeds" '"$DWHBI" -q sync gcal'
t_ok "the plan has live events" '[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NULL AND starts_with(source_id, '"'"'taro@example.com:'"'"')")" -gt 0 ]'
BEFORE=$(fingerprint)
LIST_BEFORE=$(list_fingerprint)

n=0
for body in '{"kind":"calendar#events","items":{"id":"x"},"nextSyncToken":"s1"}' \
	    '{"kind":"calendar#events","items":"none","nextSyncToken":"s1"}' \
	    '{"kind":"calendar#events","items":null,"nextSyncToken":"s1"}' \
	    '{"kind":"calendar#events","nextSyncToken":"s1"}' \
	    '{"kind":"calendar#events","items":[]}' \
	    '[]'; do
	n=$((n + 1))
	for mode in "" --full; do
		fault "$(jq -cn --arg b "$body" --arg p "$PRIMARY_EVENTS" '{kind:"status",path:$p,status:200,body:$b}')"
		t_ok "case $n ${mode:-incremental}: sync gcal exits 1 naming the calendar and events.list" '
			t_must_fail 1 "$DWHBI" sync gcal $mode 2>"$T_TMP/err" &&
			grep -q "calendar .taro@example.com.*events.list" "$T_TMP/err" &&
			grep -q "nothing was changed" "$T_TMP/err" || { cat "$T_TMP/err" >&9; false; }'
		t_eq "case $n ${mode:-incremental}: no event row changed, none tombstoned" "$BEFORE" "$(fingerprint)"
	done
	"$DWHBI" -q sync gcal || echo "the good sync after case $n failed" >&9
done
t_eq "the twelve runs are recorded as failed with the reason" "12" \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE job = 'sync gcal' AND status = 'failed' AND error LIKE '%nothing was changed%'")"

# The calendar list: a 200 whose items is not a list tombstones nothing.
fault '{"kind":"status","path":"/calendar/v3/users/me/calendarList","status":200,"body":"{\"kind\":\"calendar#calendarList\",\"items\":{}}"}'
t_ok "a calendarList whose items is not a list: exit 1 naming calendarList" '
	t_must_fail 1 "$DWHBI" sync gcal 2>"$T_TMP/err" && grep -q "calendarList answered 200 with a non-list .items." "$T_TMP/err"'
t_eq "no calendar was tombstoned" "$LIST_BEFORE" "$(list_fingerprint)"

t_ok "the next good run succeeds" '"$DWHBI" -q sync gcal'
t_eq "and the plan equals the fake" 0 "$(g_mismatches taro@example.com "$G_TEAM")"
t_eq "no event was tombstoned along the way" "$(echo "$BEFORE" | cut -d'|' -f2)" \
	"$(t_psql "SELECT count(deleted_at) FROM raw.google_calendar__events")"

t_done
