# console-lib.sh — helpers for the console's integration tests (sourced by
# tests/integration/t8*.sh after tests/lib.sh).

# console_fixture — fixture rows (and, with "marts", the two marts the
# console reads) in the current test database.
console_fixture() {
	psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/browser/console-fixture.sql" >/dev/null || exit 1
	if [ "${1:-}" = marts ]; then
		psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/browser/console-marts.sql" >/dev/null || exit 1
	fi
}

# console_start [ARGS...] — starts `dwhbi serve --listen 127.0.0.1:0 ARGS`
# and waits for its "listening" line; sets CONSOLE_URL and CONSOLE_PID.
# The server is stopped when the script exits.
console_start() {
	local out="$T_TMP/serve.$RANDOM.out" i
	"$DWHBI" serve --listen 127.0.0.1:0 "$@" >"$out" 2>"$out.err" &
	CONSOLE_PID=$!
	T_PIDS+=("$CONSOLE_PID")
	for i in $(seq 1 100); do
		CONSOLE_URL=$(sed -n 's|^dwhbi console listening on \(http://[^/]*\)/$|\1|p' "$out" | head -1)
		if [ -n "$CONSOLE_URL" ]; then
			CONSOLE_OUT=$out
			export CONSOLE_URL CONSOLE_PID CONSOLE_OUT
			return 0
		fi
		kill -0 "$CONSOLE_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "console_start: dwhbi serve did not start:" >&2
	cat "$out.err" >&2
	exit 1
}

# console_stop — stops the server started last.
console_stop() {
	kill "$CONSOLE_PID" 2>/dev/null
	wait "$CONSOLE_PID" 2>/dev/null
	return 0
}

# http METHOD PATH [curl args...] — prints the body; the status code goes to
# $T_TMP/status and the headers to $T_TMP/headers.
http() {
	local method=$1 path=$2
	shift 2
	curl -s -o "$T_TMP/body" -D "$T_TMP/headers" -w '%{http_code}' -X "$method" \
		--max-time 30 "$@" "$CONSOLE_URL$path" > "$T_TMP/status"
	cat "$T_TMP/body"
}
http_status() { cat "$T_TMP/status"; }

# adjust_available — 0 when `dwhbi adjust accept` is implemented in this build.
adjust_available() {
	! "$DWHBI" adjust accept 999999999 2>&1 | grep -q 'not implemented'
}

# api_decide ID accept|reject [curl args...] — the API's two steps: the
# first POST answers 428 with a confirmation token, the second sends it
# back.  Prints the second body; its status goes to $T_TMP/status (the
# first answer's when it was not 428).
api_decide() {
	local id=$1 what=$2 token
	shift 2
	token=$(http POST "/api/proposals/$id/$what" "$@" | jq -r '.confirm // empty')
	if [ "$(http_status)" != 428 ] || [ -z "$token" ]; then
		cat "$T_TMP/body"
		return 0
	fi
	http POST "/api/proposals/$id/$what" "$@" -d "confirm=$token"
}
