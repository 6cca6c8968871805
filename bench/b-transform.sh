#!/usr/bin/env bash
# b-transform: the full `dwhbi transform --full --test` (every model and data
# test, one transaction; b-incremental.sh measures the nightly incremental
# builds) on the synthetic person of tests/fake/person.c loaded as
# the connectors store it: 1 year and 10 years of one person, then a
# workspace of 1,000,000 time entries (people sharing one workspace, as a
# Reports backfill returns them).  Each size: the first run (creates the
# tables) and two refills; then the slowest models of the last run.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo
export GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

bench() { # label, transform_person args...
	local label=$1 start loaded
	shift
	t_migrated_db
	start=$(date +%s%N)
	loaded=$("$BUILD/bench/transform_person" "$@") || return 1
	echo "$label: $loaded ($(ms "$start") ms to load raw)"
	"$DWHBI" -q seed >/dev/null && "$DWHBI" -q goals import --example >/dev/null || return 1
	psql -X -q -c "VACUUM ANALYZE raw.toggl_track__time_entries, raw.google_calendar__events" >/dev/null
	for run in 1 2 3; do
		start=$(date +%s%N)
		"$DWHBI" -q transform --full --test >/dev/null || return 1
		echo "  transform --full --test run $run: $(ms "$start") ms"
	done
	t_psql "SELECT '  rows written: ' || rows_written FROM ops.runs WHERE job = 'transform' ORDER BY id DESC LIMIT 1"
	t_psql "SELECT '  ' || (m->>'model') || ': ' || (m->>'ms') || ' ms'
		FROM ops.runs r, jsonb_array_elements(r.detail->'models') m
		WHERE r.id = (SELECT max(id) FROM ops.runs WHERE job = 'transform')
		ORDER BY (m->>'ms')::numeric DESC LIMIT 5"
	t_psql "SELECT '  data tests: ' || round(sum((t->>'ms')::numeric)) || ' ms'
		FROM ops.runs r, jsonb_array_elements(r.detail->'tests') t
		WHERE r.id = (SELECT max(id) FROM ops.runs WHERE job = 'transform')"
	dropdb "$PGDATABASE"
}

bench "1 year of one person" --days 365
bench "10 years of one person" --days 3650
# about 15.5 entries a person-day: 89 people x 730 days ~ 1,000,000 entries
bench "a 1,000,000-entry workspace" --days 730 --users 89
