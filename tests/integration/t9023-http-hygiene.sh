#!/usr/bin/env bash
# t9023 — HTTP hygiene: an OAuth access_token holding CR/LF is refused
# before any Calendar request (no injected header reaches the server); a
# server that echoes the Basic Authorization header does not get the raw
# token:api_token or its base64 into stderr or ops.runs.error; `sync gcal`
# takes a lock like `sync toggl`; a proposal id beyond int64 is a usage
# error (exit 2), not INT64_MAX.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

fault() {
	curl -sS -f -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$FAKE_URL/__control/fault" >/dev/null
}

# -- CR/LF from the OAuth reply -------------------------------------------------
t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
GOOGLE_URL=$FAKE_URL GOOGLE_LOG=$FAKE_LOG
fault '{"kind":"status","path":"/token","status":200,"body":"{\"access_token\":\"abc\\r\\nX-Injected: yes\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"}'
t_ok "an access_token with CR/LF: sync gcal exits 1 with a clear error" '
	t_must_fail 1 "$DWHBI" sync gcal 2>"$T_TMP/crlf" &&
	grep -q "access_token that holds a CR, LF or other control byte; refusing it" "$T_TMP/crlf" ||
	{ cat "$T_TMP/crlf" >&9; false; }'
t_eq "no Calendar request was sent" 0 "$(jq -c 'select(.path | startswith("/calendar/"))' "$GOOGLE_LOG" | wc -l)"
t_eq "no request carried the injected header" 0 "$(grep -ci 'x-injected' "$GOOGLE_LOG")"
t_eq "nothing was written" 0 "$(t_psql "SELECT count(*) FROM raw.google_calendar__events")"
t_ok "the next run (a sane token) syncs" '"$DWHBI" -q sync gcal'
t_ok "its requests carry no injected header" '! grep -qi "x-injected" "$GOOGLE_LOG"'

# -- sync gcal takes a lock -----------------------------------------------------
psql -X -q -c "SELECT pg_advisory_lock(hashtextextended('dwhbi.sync.gcal', 0)); SELECT pg_sleep(4)" >/dev/null &
HOLDER=$!
for i in $(seq 1 100); do
	[ "$(t_psql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] && break
	sleep 0.05
done
SEQ=$(wc -l < "$GOOGLE_LOG")
t_ok "a sync gcal while another holds the lock exits 1 and says why" '
	t_must_fail 1 "$DWHBI" sync gcal 2>"$T_TMP/lock" &&
	grep -q "another .dwhbi sync gcal. is running" "$T_TMP/lock"'
t_eq "and sent no request" "$SEQ" "$(wc -l < "$GOOGLE_LOG")"
wait $HOLDER
t_ok "once the lock is free, sync gcal runs" '"$DWHBI" -q sync gcal'
t_eq "and released its lock" 0 "$(t_psql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")"

# -- Basic credentials echoed by the server ------------------------------------
TOKEN="tok-$RANDOM$RANDOM-echo"
B64=$(printf '%s' "$TOKEN:api_token" | base64 -w0)
B64BARE=${B64%%=*}
t_start_fake toggl --token "$TOKEN" --person "3:$(date -u -d '-5 days' +%F):5"
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN"
for status in 400 503; do
	fault "$(jq -cn --arg b "{\"echo\":\"Authorization: Basic $B64\",\"raw\":\"$TOKEN:api_token\",\"bare\":\"$B64BARE.\"}" \
		--argjson s $status '{kind:"status",path:"/api/v9/me",status:$s,count:-1,body:$b}')"
	DWHBI_HTTP_WAIT_BUDGET=1 "$DWHBI" sync toggl >"$T_TMP/echo.out" 2>"$T_TMP/echo.err"
	t_eq "HTTP $status echoing Authorization: the sync fails" 1 "$?"
	t_ok "HTTP $status: the error quotes the body, masked" '
		grep -q "echo.*Authorization: Basic \*\*\*" "$T_TMP/echo.err" || { cat "$T_TMP/echo.err" >&9; false; }'
	t_ok "HTTP $status: neither the base64 (padded or not) nor token:api_token reaches stderr" '
		! grep -qF -e "$B64BARE" -e "$TOKEN" "$T_TMP/echo.err" "$T_TMP/echo.out"'
	t_ok "HTTP $status: nor ops.runs" '
		[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE error LIKE '"'"'%$B64BARE%'"'"' OR error LIKE '"'"'%$TOKEN%'"'"' OR detail::text LIKE '"'"'%$B64BARE%'"'"'")" = 0 ] &&
		[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE job = '"'"'sync toggl'"'"' AND error LIKE '"'"'%Basic ***%'"'"'")" -ge 1 ]'
	curl -sf -X POST "$FAKE_URL/__control/reset" >/dev/null
done

# -- numeric ids out of range ---------------------------------------------------
for id in 99999999999999999999 9223372036854775808 -1 0 +5 " 7" 12abc ""; do
	t_ok "adjust accept '$id' exits 2 with a clear message" '
		t_must_fail 2 "$DWHBI" adjust accept "$id" 2>"$T_TMP/id" &&
		grep -q "proposal ID must be a whole number from 1 to 9223372036854775807" "$T_TMP/id"'
done
t_ok "adjust reject 99999999999999999999 exits 2 as well" '
	t_must_fail 2 "$DWHBI" adjust reject 99999999999999999999 2>/dev/null'
t_ok "an id in range that names no proposal is not a usage error" '
	t_must_fail 1 "$DWHBI" adjust accept 9223372036854775807 2>/dev/null'

t_done
