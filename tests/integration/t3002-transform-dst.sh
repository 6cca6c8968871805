#!/usr/bin/env bash
# t3002: splitting at local midnight uses DWHBI_TIMEZONE, never the session's
# zone, and DST days are 23 or 25 hours long (America/New_York, 2026).
# Spring forward, 2026-03-08:
#   entry 1  03-07 22:00 EST .. 03-08 08:00 EDT (9 h): 120 min on 03-07, 420 on 03-08
#   entry 2  03-08 08:00 EDT .. 03-09 00:30 EDT:       960 min on 03-08, 30 on 03-09
#   03-07 = Untracked 1320 + Sleep 120 = 1440; 03-08 = 420 + 960 = 1380 (23 h);
#   03-09 = Work 30 + Untracked 30 up to the sync at 01:00 EDT.
#   The planned sleep 01:00 EST .. 04:00 EDT is 120 minutes.
# Fall back, 2026-11-01:
#   entry 11 10-31 23:00 EDT .. 11-01 09:00 EST: 60 on 10-31, 600 on 11-01
#   entry 12 11-01 09:00 EST .. 11-02 00:00 EST: 900 on 11-01 -> 1500 (25 h)
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=America/New_York
FIX="$SRCDIR/tests/fixtures/transform"
actual() { t_psql "SELECT actual_minutes FROM marts.daily_category WHERE date = '$1' AND category = '$2'"; }

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$FIX/ny-spring.sql" >/dev/null || exit 1
# The session zone of the database is Tokyo: it must not matter.
t_psql "ALTER DATABASE \"$PGDATABASE\" SET timezone = 'Asia/Tokyo'" >/dev/null
"$DWHBI" -q seed --config "$FIX/config" >/dev/null || exit 1
t_ok "spring: transform --test passes (day sums use each day's length)" '"$DWHBI" -q transform --test'
t_eq "the day before: Untracked 1320 + Sleep 120" "1320|120" \
	"$(actual 2026-03-07 Untracked)|$(actual 2026-03-07 Sleep)"
t_eq "the 23-hour day: Sleep 420 + Work 960" "420|960|1380" \
	"$(actual 2026-03-08 Sleep)|$(actual 2026-03-08 Work)|$(t_psql "SELECT sum(actual_minutes) FROM marts.daily_category WHERE date = '2026-03-08'")"
t_eq "core.days knows the day is 23 hours long and starts at 05:00Z" "82800|2026-03-08 05:00:00+00" \
	"$(t_psql "SET TIME ZONE 'UTC'; SELECT day_seconds::int, day_start FROM core.days WHERE date = '2026-03-08'")"
t_eq "the day of the sync: Work 30 + Untracked 30, incomplete" "30|30|f" \
	"$(actual 2026-03-09 Work)|$(actual 2026-03-09 Untracked)|$(t_psql "SELECT complete FROM core.days WHERE date = '2026-03-09'")"
t_eq "a planned event across the jump counts its real 120 minutes" 120 \
	"$(t_psql "SELECT plan_minutes FROM marts.daily_category WHERE date = '2026-03-08' AND category = 'Sleep'")"
t_eq "marts time is local midnight in New York, whatever the session zone" "2026-03-08 00:00:00-05" \
	"$(t_psql "SET TIME ZONE 'America/New_York'; SELECT time FROM marts.daily_category WHERE date = '2026-03-08' LIMIT 1")"
t_eq "the same data in Asia/Tokyo: 03-08 is a whole 1440-minute day there" "1440" \
	"$(DWHBI_TIMEZONE=Asia/Tokyo "$DWHBI" -q migrate --set-timezone Asia/Tokyo >/dev/null &&
	   DWHBI_TIMEZONE=Asia/Tokyo "$DWHBI" -q transform >/dev/null && t_psql "SELECT sum(actual_minutes) FROM marts.daily_category WHERE date = '2026-03-08'")"

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$FIX/ny-fall.sql" >/dev/null || exit 1
"$DWHBI" -q seed --config "$FIX/config" >/dev/null || exit 1
t_ok "fall: transform --test passes" '"$DWHBI" -q transform --test'
t_eq "the 25-hour day: Sleep 600 + Work 900 = 1500" "600|900|1500" \
	"$(actual 2026-11-01 Sleep)|$(actual 2026-11-01 Work)|$(t_psql "SELECT sum(actual_minutes) FROM marts.daily_category WHERE date = '2026-11-01'")"
t_eq "the day before keeps its 60 minutes of Sleep" "60|1380" \
	"$(actual 2026-10-31 Sleep)|$(actual 2026-10-31 Untracked)"
t_eq "the 25-hour day is complete and 90000 s long" "t|90000" \
	"$(t_psql "SELECT complete, day_seconds::int FROM core.days WHERE date = '2026-11-01'")"
t_done
