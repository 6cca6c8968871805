#!/usr/bin/env bash
# t7002-run-lock: `dwhbi run daily` as a tree of ops.runs rows, its exit status
# as the verdict of its steps, and the advisory lock that keeps two runs from
# interleaving (exit at once, or --wait a bounded time).
. "$SRCDIR/tests/lib.sh"
t_migrated_db

# No source configured: both syncs are skipped, the rest runs as it can.
"$DWHBI" run daily >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
run=$(t_psql "SELECT max(id) FROM ops.runs WHERE job = 'run daily'")
t_ok "the run has its own row" '[ -n "$run" ]'
t_ok "skipped sources are said so" 'grep -q "sync toggl .*skipped .*TOGGL_API_TOKEN is not set" "$T_TMP/out"'
t_eq "skipped sources have no row" 0 "$(t_psql "SELECT count(*) FROM ops.runs WHERE job LIKE 'sync%'")"
t_eq "every step row has the run as parent" \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE id > $run")" \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE parent_id = $run")"
t_ok "transform ran as a child" '[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE parent_id = $run AND job = '"'"'transform'"'"'")" -ge 1 ]'
failed=$(t_psql "SELECT count(*) FROM ops.runs WHERE parent_id = $run AND status <> 'success'")
if [ "$failed" -gt 0 ]; then want=1; else want=0; fi
t_eq "exit status is the verdict of the steps" "$want" "$rc"
t_eq "the run row agrees" "$([ "$want" = 0 ] && echo success || echo failed)" \
	"$(t_psql "SELECT status FROM ops.runs WHERE id = $run")"
t_ok "detail lists the six steps" \
	'[ "$(t_psql "SELECT jsonb_array_length(detail->'"'"'steps'"'"') FROM ops.runs WHERE id = $run")" = 6 ]'
if [ "$rc" -ne 0 ]; then
	t_ok "a failure names the failed step in ops.runs.error" \
		'[ -n "$(t_psql "SELECT 1 FROM ops.runs WHERE id = $run AND error LIKE '"'"'run daily: % failed: %'"'"'")" ]'
fi

# Someone holds the lock: a second run exits at once with a clear message.
psql -X -q -c "SELECT pg_advisory_lock(hashtextextended('dwhbi run', 0)); SELECT pg_sleep(3)" >/dev/null &
holder=$!
T_PIDS+=($holder)
for i in $(seq 1 50); do
	[ "$(t_psql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" -ge 1 ] && break
	sleep 0.1
done
before=$(t_psql "SELECT count(*) FROM ops.runs")
start=$(date +%s)
"$DWHBI" run daily >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "locked: exit 1" 1 "$rc"
t_ok "locked: says another run is in progress" 'grep -q "another .dwhbi run. is in progress.*--wait" "$T_TMP/err"'
t_eq "locked: no step ran" 1 "$(( $(t_psql "SELECT count(*) FROM ops.runs") - before ))"
t_ok "locked: it did not wait" '[ $(( $(date +%s) - start )) -le 2 ]'

# --wait: waits for the holder (about 3 s), then runs.
"$DWHBI" run daily --wait 20 >/dev/null 2>&1
run2=$(t_psql "SELECT max(id) FROM ops.runs WHERE job = 'run daily'")
t_ok "--wait: ran after the lock was released" \
	'[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE parent_id = $run2")" -ge 1 ]'
wait "$holder" 2>/dev/null

# --wait gives up after its bound.
psql -X -q -c "SELECT pg_advisory_lock(hashtextextended('dwhbi run', 0)); SELECT pg_sleep(6)" >/dev/null &
T_PIDS+=($!)
sleep 0.5
"$DWHBI" run daily --wait 1 >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "--wait 1 on a held lock: exit 1" 1 "$rc"
t_ok "--wait 1 says it gave up" 'grep -q "still holds the lock after 1 s" "$T_TMP/err"'

# usage
"$DWHBI" run weekly 2>/dev/null; t_eq "unknown pipeline is a usage error" 2 "$?"
"$DWHBI" run monthly --month 2026-13 2>/dev/null; t_eq "bad month is a usage error" 2 "$?"

t_done
