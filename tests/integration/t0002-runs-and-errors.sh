#!/usr/bin/env bash
# ops.runs for failing commands, connection errors without passwords,
# status output, usage errors.
. "$SRCDIR/tests/lib.sh"

t_migrated_db

t_ok "a failing command exits 1" '
	set +e
	"$DWHBI" status --runs 0 > /dev/null 2>&1; [ $? -eq 2 ]
	"$DWHBI" sync toggl > "$T_TMP/sync.out" 2>&1; rc=$?
	set -e
	[ $rc -ne 0 ]
'
t_ok "its ops.runs row is failed, finished, with the error text" '
	row=$(t_psql "SELECT status, finished_at IS NOT NULL, error FROM ops.runs WHERE job = '\''sync toggl'\''")
	echo "$row"
	case "$row" in failed\|t\|?*) ;; *) exit 1 ;; esac
'
t_ok "the recorded error is the one the user saw" '
	err=$(t_psql "SELECT error FROM ops.runs WHERE job = '\''sync toggl'\''")
	grep -qF "$err" "$T_TMP/sync.out"
'

# A secret in the environment never reaches ops.runs or stderr, even when the
# failing command is asked about it.
t_ok "secrets are not recorded" '
	export TOGGL_API_TOKEN=sekrit-token-0123456789
	"$DWHBI" sync toggl --days 1 > "$T_TMP/secret.out" 2>&1 || true
	! grep -q sekrit-token "$T_TMP/secret.out"
	[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE concat(args, error, detail::text) LIKE '\''%sekrit%'\''")" = 0 ]
'

t_ok "bad DATABASE_URL: exit 1, one line, no password" '
	set +e
	DATABASE_URL="postgresql://dwhbi:hunter2-wrong@127.0.0.1:$PG_TCP_PORT/$PGDATABASE" \
		"$DWHBI" status > "$T_TMP/bad.out" 2>&1
	rc=$?
	set -e
	cat "$T_TMP/bad.out"
	[ $rc -eq 1 ]
	[ "$(wc -l < "$T_TMP/bad.out")" -eq 1 ]
	grep -q "cannot connect to the database" "$T_TMP/bad.out"
	! grep -q hunter2-wrong "$T_TMP/bad.out"
'
t_ok "unreachable database: exit 1, names the host, suggests DATABASE_URL" '
	set +e
	DATABASE_URL="postgresql://u:pw-unreachable@127.0.0.1:1/none?connect_timeout=2" \
		"$DWHBI" status > "$T_TMP/unreach.out" 2>&1
	rc=$?
	set -e
	[ $rc -eq 1 ]
	grep -q "host=127.0.0.1" "$T_TMP/unreach.out"
	grep -q DATABASE_URL "$T_TMP/unreach.out"
	! grep -q pw-unreachable "$T_TMP/unreach.out"
'
t_ok "the right password over TCP works" '
	DATABASE_URL="postgresql://dwhbi:$PG_TEST_PASSWORD@127.0.0.1:$PG_TCP_PORT/$PGDATABASE" \
		"$DWHBI" status > /dev/null
'
t_ok "a command on an unmigrated database says to migrate" '
	t_fresh_db
	set +e
	"$DWHBI" status > "$T_TMP/unmigrated.out" 2>&1; rc=$?
	set -e
	[ $rc -eq 1 ]
	grep -q "run '\''dwhbi migrate'\'' first" "$T_TMP/unmigrated.out"
'

t_migrated_db
t_ok "status lists every source, the marts section and the last runs" '
	t_psql "INSERT INTO raw.toggl_track__time_entries (source_id, data) VALUES (1, '\''{}'\''), (2, '\''{}'\'')"
	t_psql "UPDATE raw.toggl_track__time_entries SET deleted_at = now() WHERE source_id = '\''2'\''"
	t_psql "INSERT INTO ops.sync_state (source, last_synced_at, last_changed_at) VALUES ('\''toggl_track.time_entries'\'', now(), now())"
	"$DWHBI" status > "$T_TMP/status.out"
	cat "$T_TMP/status.out"
	grep -Eq "^toggl_track.time_entries +1 +1 .*fresh$" "$T_TMP/status.out"
	grep -Eq "^google_calendar.events +0 +0 .*never$" "$T_TMP/status.out"
	grep -q "^mart" "$T_TMP/status.out"
	grep -Eq " migrate +success" "$T_TMP/status.out"
'
t_ok "status marks a source stale after the threshold" '
	t_psql "UPDATE ops.sync_state SET last_synced_at = now() - interval '\''3 days'\''"
	"$DWHBI" status | grep -Eq "^toggl_track.time_entries .*stale$"
'
t_ok "status does not record itself (read-only)" '
	[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE job = '\''status'\''")" = 0 ]
'
# A run whose process died stays 'running' only until the next run starts:
# its database session is gone, so it is marked failed as interrupted.  A run
# whose session is still alive is left alone.
t_migrated_db
t_ok "runs of dead processes are marked interrupted, live ones are not" '
	t_psql "INSERT INTO ops.runs (job, status, backend_pid, backend_start)
	        VALUES ('\''sync toggl'\'', '\''running'\'', 2147483000, now())" >/dev/null
	psql -X -q -c "SELECT pg_sleep(30)" >/dev/null 2>&1 & live=$!
	for i in $(seq 1 50); do
		n=$(t_psql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '\''SELECT pg_sleep(30)%'\''")
		[ "$n" -ge 1 ] && break; sleep 0.1
	done
	t_psql "INSERT INTO ops.runs (job, status, backend_pid, backend_start)
	        SELECT '\''sync gcal'\'', '\''running'\'', pid, backend_start FROM pg_stat_activity
	        WHERE query LIKE '\''SELECT pg_sleep(30)%'\'' LIMIT 1" >/dev/null
	"$DWHBI" sync toggl >/dev/null 2>&1 || true
	kill $live; wait $live 2>/dev/null || true
	[ "$(t_psql "SELECT status || '\'' '\'' || error FROM ops.runs WHERE backend_pid = 2147483000")" = \
	  "failed interrupted: the process ended before the run finished" ]
	[ "$(t_psql "SELECT status FROM ops.runs WHERE job = '\''sync gcal'\''")" = running ]
	[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE job = '\''sync toggl'\'' AND backend_pid IS NOT NULL AND backend_pid <> 2147483000")" = 1 ]
'
t_done
