#!/usr/bin/env bash
# t0006: `dwhbi doctor` — with nothing configured it fails and names each
# missing piece; on the demo warehouse (fake Toggl and Google) all is well;
# --json parses; no secret is ever printed.
. "$SRCDIR/tests/lib.sh"

t_ok "nothing configured: exit 1, naming the database, the zone and the Toggl token" '
	t_must_fail 1 env -u DATABASE_URL -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE \
		"$DWHBI" doctor > "$T_TMP/o" 2>&1
	grep -q "^FAIL  database .*DATABASE_URL is not set" "$T_TMP/o"
	grep -q "^FAIL  time zone .*DWHBI_TIMEZONE is not set" "$T_TMP/o"
	grep -q "^FAIL  toggl .*TOGGL_API_TOKEN is not set" "$T_TMP/o"
	grep -q "^warn  google .*not configured" "$T_TMP/o"'
t_fresh_db
t_ok "an empty database: the migrations check says to run dwhbi migrate" '
	t_must_fail 1 "$DWHBI" doctor > "$T_TMP/o" 2>&1
	grep -q "^FAIL  migrations .*run .dwhbi migrate." "$T_TMP/o"'

export DWHBI_TIMEZONE=Asia/Tokyo
t_migrated_db
t_demo_days 3 7
t_ok "the demo pipeline runs" 't_demo_pipeline 7 > "$T_TMP/p.out" 2>&1 || { cat "$T_TMP/p.out"; exit 1; }'
t_ok "on the demo warehouse doctor exits 0, lists the calendars, prints no secret" '
	"$DWHBI" doctor > "$T_TMP/o" 2>&1 || { cat "$T_TMP/o"; exit 1; }
	grep -q "^ok    toggl .*token works" "$T_TMP/o"
	grep -q "^ok    google .*refresh token works" "$T_TMP/o"
	grep -q "^ok    holidays" "$T_TMP/o"
	grep -q "calendars you can use in GCAL_CALENDAR_IDS" "$T_TMP/o"
	grep -qF "$G_HOLIDAY" "$T_TMP/o"
	! grep -qF -e "$G_CLIENT_SECRET" -e "$G_REFRESH_TOKEN" -e "$T_TOKEN" "$T_TMP/o"'
t_ok "--json parses and agrees" '
	"$DWHBI" doctor --json > "$T_TMP/d.json"
	jq -e ".ok == true and ([.checks[] | select(.status == \"fail\")] | length) == 0 and (.calendars | length) > 0" "$T_TMP/d.json" >/dev/null'
t_ok "a wrong Toggl token fails the toggl check with the fix" '
	TOGGL_API_TOKEN=wrong-token-1 t_must_fail 1 "$DWHBI" doctor > "$T_TMP/o" 2>&1
	grep -q "^FAIL  toggl .*refused the token" "$T_TMP/o"; ! grep -q wrong-token-1 "$T_TMP/o"'
t_ok "a calendar that cannot be read is named" '
	GCAL_CALENDAR_IDS=primary,nope@example.com t_must_fail 1 "$DWHBI" doctor > "$T_TMP/o" 2>&1
	grep -q "^FAIL  google .*calendar .nope@example.com. cannot be read" "$T_TMP/o"'
t_ok "the zone of the warehouse is checked against DWHBI_TIMEZONE" '
	DWHBI_TIMEZONE=UTC t_must_fail 1 "$DWHBI" doctor > "$T_TMP/o" 2>&1
	grep -q "^FAIL  time zone .*DWHBI_TIMEZONE=UTC but the warehouse.s days are in Asia/Tokyo" "$T_TMP/o"'
t_done
