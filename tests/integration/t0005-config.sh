#!/usr/bin/env bash
# t0005: configuration as a new user meets it.  Configuration errors exit 2
# naming the variable; usage errors never count as failed runs; `status`
# can be monitored (--json, --check); the warehouse keeps one time zone.
. "$SRCDIR/tests/lib.sh"

t_ok "no database settings at all: exit 2 naming DATABASE_URL, nothing tried" '
	t_must_fail 2 env -u DATABASE_URL -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE \
		"$DWHBI" status > "$T_TMP/o" 2> "$T_TMP/e"
	grep -q "DATABASE_URL is not set" "$T_TMP/e"; ! grep -q socket "$T_TMP/e"
'
t_ok "the example env file names every variable the program reads" '
	for v in $(grep -o "env(\"[A-Z_]*\"" "$SRCDIR/lib/config.c" | sed "s/env(\"//; s/\"//" | sort -u); do
		case $v in *_API_BASE|GOOGLE_OAUTH_URL|GOOGLE_AUTH_URL|PG*) continue ;; esac
		grep -q "^export $v=" "$SRCDIR/dwhbi.env.example" || { echo "missing $v"; exit 1; }
	done
'

t_fresh_db
export DWHBI_TIMEZONE=Asia/Tokyo
t_ok "the first migrate stores the warehouse's zone" '
	"$DWHBI" -q migrate
	[ "$(t_psql "SELECT value FROM ref.settings WHERE key = '\''timezone'\''")" = Asia/Tokyo ]'
t_ok "a different DWHBI_TIMEZONE is refused (exit 2) and changes nothing" '
	runs=$(t_psql "SELECT count(*) FROM ops.runs")
	DWHBI_TIMEZONE=UTC t_must_fail 2 "$DWHBI" transform 2> "$T_TMP/e"
	grep -q "DWHBI_TIMEZONE=UTC but this warehouse.s days are in Asia/Tokyo" "$T_TMP/e"
	grep -q -- "--set-timezone" "$T_TMP/e"
	[ "$(t_psql "SELECT count(*) FROM ops.runs")" = "$runs" ]
	[ "$(t_psql "SELECT count(*) FROM pg_tables WHERE schemaname = '\''marts'\''")" = 0 ]'
t_ok "DWHBI_TIMEZONE unset: the stored zone is used" '
	env -u DWHBI_TIMEZONE "$DWHBI" -q transform
	[ "$(t_psql "SELECT timezone FROM core.sync_clock")" = Asia/Tokyo ]'
t_ok "migrate --set-timezone changes it on purpose; a bad zone is a usage error" '
	t_must_fail 2 "$DWHBI" migrate --set-timezone Mars/Olympus 2> "$T_TMP/e"
	grep -q "unknown time zone" "$T_TMP/e"
	DWHBI_TIMEZONE=UTC "$DWHBI" migrate --set-timezone UTC > "$T_TMP/o"
	grep -q "time zone is now UTC" "$T_TMP/o"
	DWHBI_TIMEZONE=UTC "$DWHBI" -q transform
	[ "$(t_psql "SELECT timezone FROM core.sync_clock")" = UTC ]'
export DWHBI_TIMEZONE=UTC

t_ok "a usage error is not recorded as a failed run" '
	before=$(t_psql "SELECT count(*) FROM ops.runs")
	t_must_fail 2 "$DWHBI" report --month 2026-99 2> "$T_TMP/e"
	[ "$(t_psql "SELECT count(*) FROM ops.runs")" = "$before" ]'
t_ok "status --json parses and says ok on a healthy warehouse" '
	"$DWHBI" status --json > "$T_TMP/s.json"
	jq -e ".ok == true and (.sources | length) > 0 and (.marts | type) == \"array\" and (.runs | length) > 0" "$T_TMP/s.json" >/dev/null
	jq -e ".sources[0] | has(\"live_rows\") and (.live_rows | type) == \"number\"" "$T_TMP/s.json" >/dev/null'
t_ok "status --check exits 0 when nothing fails" '"$DWHBI" status --check > /dev/null'
t_ok "a failing Toggl sync: status --check exits 1 naming the source; --json ok=false" '
	TOGGL_API_TOKEN=x TOGGL_API_BASE=http://127.0.0.1:9 DWHBI_HTTP_WAIT_BUDGET=0 \
		t_must_fail 1 "$DWHBI" -q sync toggl 2>/dev/null
	t_must_fail 1 "$DWHBI" status --check > /dev/null 2> "$T_TMP/e"
	grep -q "source toggl_track.time_entries is failing" "$T_TMP/e"
	"$DWHBI" status --json | jq -e ".ok == false" > /dev/null'
t_done
