#!/usr/bin/env bash
# t8033: a run's log lines land in ops.run_logs while it runs, so a run
# killed with SIGKILL keeps what it had logged and its page shows it
# (issue 19).  A transform killed inside its one transaction (lines go over
# a second connection then), and a sync killed after 450 warnings (the
# stored lines stay within the bounds: the first 100, a note, the last 300).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
export GCAL_CALENDAR_IDS=primary
"$DWHBI" -q seed --config "$SRCDIR/config" && "$DWHBI" -q sync gcal && "$DWHBI" -q transform ||
	{ echo "setup failed" >&2; exit 1; }
lines() { t_psql "SELECT count(*) FROM ops.run_logs WHERE run_id = $1"; }
last_line() { t_psql "SELECT message FROM ops.run_logs WHERE run_id = $1 ORDER BY seq DESC LIMIT 1"; }

# -- a transform killed in its transaction ------------------------------------
# Another session holds a lock on a mart, so the transform (logging each
# model with -v) waits inside its transaction at that mart; then it dies.
psql -X -q -c "BEGIN; LOCK TABLE marts.daily_category IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT;" \
	>/dev/null 2>&1 &
LOCKER=$!
T_PIDS+=("$LOCKER")
sleep 0.3
"$DWHBI" -v transform --full > "$T_TMP/transform.out" 2>&1 &
pid=$!
waiting=0
for i in $(seq 1 200); do
	[ "$(t_psql "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")" -ge 1 ] &&
		{ waiting=1; break; }
	sleep 0.05
done
TR=$(t_psql "SELECT max(id) FROM ops.runs WHERE job = 'transform'")
t_eq "the transform waits on the lock inside its transaction" "1 running" \
	"$waiting $(t_psql "SELECT status FROM ops.runs WHERE id = $TR")"
kill -9 "$pid"
wait "$pid" 2>/dev/null
kill "$LOCKER" 2>/dev/null
psql -X -q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
t_ok "the killed transform kept the lines it had logged, up to the model it was building" '
	n=$(lines $TR); echo "$n lines; last: $(last_line $TR)"
	[ "$n" -ge 20 ] && [ "$(last_line $TR)" = "building marts.daily_category" ]
'
t_ok "every line it printed before the kill is stored, in order" '
	sed -n "s/^[0-9TZ:-]* [a-z]*: //p" "$T_TMP/transform.out" > "$T_TMP/printed"
	t_psql "SELECT message FROM ops.run_logs WHERE run_id = $TR ORDER BY seq" > "$T_TMP/stored"
	diff "$T_TMP/printed" "$T_TMP/stored"
'
"$DWHBI" -q transform || echo "the next transform failed" >&2
t_eq "the next run marks it interrupted and its lines stay" "failed $(wc -l < "$T_TMP/stored")" \
	"$(t_psql "SELECT status FROM ops.runs WHERE id = $TR") $(lines $TR)"

# -- a sync killed after 450 warnings ---------------------------------------------
long=$(printf 'x%.0s' $(seq 1 260))
ids=primary
for i in $(seq 1 450); do ids="$ids,$long$i"; done
curl -sS -f -X POST -H 'Content-Type: application/json' "$FAKE_URL/__control/fault" \
	--data-binary '{"kind": "delay", "path": "/calendar/v3/calendars/taro@example.com/events", "skip": 0, "count": 1, "delay_ms": 8000}' >/dev/null
GCAL_CALENDAR_IDS=$ids "$DWHBI" -q sync gcal > /dev/null 2>&1 &
pid=$!
SR=
for i in $(seq 1 200); do
	SR=$(t_psql "SELECT max(id) FROM ops.runs WHERE job = 'sync gcal' AND status = 'running'")
	[ -n "$SR" ] && [ "$(lines "$SR")" -ge 401 ] && break
	sleep 0.05
done
sleep 0.3
kill -9 "$pid"
wait "$pid" 2>/dev/null
t_eq "the killed sync stored the first 100 lines, one note and the last 300" \
	"401|100|1|300" \
	"$(t_psql "SELECT count(*), count(*) FILTER (WHERE seq <= 100), count(*) FILTER (WHERE seq = 101 AND level = 'note'),
	           count(*) FILTER (WHERE seq > 101) FROM ops.run_logs WHERE run_id = $SR")"
t_ok "the note counts the lines not kept; the tail is the last 300 lines, numbered on" '
	note=$(t_psql "SELECT message FROM ops.run_logs WHERE run_id = $SR AND seq = 101"); echo "$note"
	range=$(t_psql "SELECT min(seq) || '"'"' '"'"' || max(seq) FROM ops.run_logs WHERE run_id = $SR AND seq > 101"); echo "$range"
	dropped=${note%% *}
	[ "$dropped" -ge 50 ] && [[ "$note" == *"lines not kept here"* ]] &&
	[ "$range" = "$((dropped + 102)) $((dropped + 401))" ]
'

# -- the console shows them --------------------------------------------------------
console_start
page=$(http GET "/runs/$TR")
t_ok "the interrupted run's page shows its status and its log lines" '
	[ "$(http_status)" = 200 ] && grep -q "data-status=\"failed\"" <<<"$page" &&
	[ "$(grep -c "class=\"log-line" <<<"$page")" = "$(lines $TR)" ] &&
	grep -q "building marts.daily_category" <<<"$page"
'
t_eq "the API has the same lines" "$(lines $SR)" "$(http GET "/api/runs/$SR" | jq '.log | length')"
t_done
