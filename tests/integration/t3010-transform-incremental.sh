#!/usr/bin/env bash
# t3010: the incremental transform gives the same core tables and marts as a
# full rebuild.  Two warehouses get the same raw data (tests/fixtures:
# half a year of entries, a plan, goals by day, week and month) and then,
# night after night, the same random changes (fixed seeds): edited, moved
# and deleted entries, late entries months back, entries across midnight,
# running entries started and stopped, a long gap, moved, deleted and late
# calendar events, new entries of the day, the sync clock moving on.  One
# warehouse runs `dwhbi transform --test` (incremental), the other
# `dwhbi transform --full --test`; every night every core table and mart
# must be identical (md5 of the ordered rows), and the incremental run must
# have been incremental and must have written far fewer rows.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo
export GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'
FIX="$SRCDIR/tests/fixtures/transform"
NIGHTS=${NIGHTS:-6}

TABLES="core.time_entries core.entry_categories core.event_categories core.actual_records
	core.plan_records core.calendar core.days core.daily_goals marts.daily_category
	marts.weekly_category marts.monthly_category marts.hourly_category marts.goal_achievement
	marts.plan_adherence marts.plan_actual_daily marts.source_freshness"

use() { # use DB: the database the next commands talk to
	export PGDATABASE=$1
	export DATABASE_URL="postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"
}

setup() { # setup DB
	t_fresh_db "$1"
	"$DWHBI" -q migrate >/dev/null || exit 1
	for f in tokyo-day.sql history.sql; do
		psql -X -q -v ON_ERROR_STOP=1 -f "$FIX/$f" >/dev/null || exit 1
	done
	"$DWHBI" -q seed --config "$FIX/config" >/dev/null || exit 1
	"$DWHBI" -q goals import /dev/stdin >/dev/null <<'CSV' || exit 1
category,day_type,period,minutes,direction,valid_from
Work,weekday,day,480,less,2025-01-01
Sleep,any,week,2940,more,2025-01-01
Work,any,month,9000,more,2025-10-01
CSV
}

dump() { # dump DIR: one md5 per table (on stdout), the rows in DIR/<table>
	local t
	mkdir -p "$1"
	for t in $TABLES; do
		printf '%s ' "$t"
		t_psql "SET TIME ZONE 'UTC'; SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, E'\n' ORDER BY x::text)), '-') FROM $t x"
		t_psql "SET TIME ZONE 'UTC'; SELECT x::text FROM $t x ORDER BY 1" > "$1/$t"
	done
}

# The SQL of one night: random changes, all synced at the night's clock.
night_sql() { # night_sql N  (uses RANDOM, seeded by the caller)
	local n=$1 clock k i d m len
	clock="timestamptz '2026-03-11 00:00:00+00' + interval '$n days $((RANDOM % 600)) minutes'"
	echo "SET TIME ZONE 'UTC';"
	live="(SELECT source_id FROM raw.toggl_track__time_entries WHERE deleted_at IS NULL"
	iso="'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'"
	for i in $(seq $((2 + RANDOM % 4))); do
		k=$((RANDOM * 7 + RANDOM))
		case $((RANDOM % 9)) in
		0|1) # move and stretch an entry
			m=$((RANDOM % 180 - 90)); len=$((5 + RANDOM % 200))
			echo "UPDATE raw.toggl_track__time_entries SET synced_at = $clock,
				data = data || jsonb_build_object(
					'start', to_char((data->>'start')::timestamptz + interval '$m minutes', $iso),
					'stop', to_char((data->>'start')::timestamptz + interval '$((m + len)) minutes', $iso),
					'duration', $((len * 60)))
				WHERE source_id = $live AND data->>'stop' IS NOT NULL
					ORDER BY source_id OFFSET $k % 9000 LIMIT 1);" ;;
		2) # another project (another category)
			echo "UPDATE raw.toggl_track__time_entries SET synced_at = $clock,
				data = data || jsonb_build_object('project_id', 7001 + $k % 5)
				WHERE source_id = $live ORDER BY source_id DESC OFFSET $k % 5000 LIMIT 1);" ;;
		3) # deleted in Toggl
			echo "UPDATE raw.toggl_track__time_entries SET synced_at = $clock, deleted_at = $clock
				WHERE source_id = $live AND data->>'stop' IS NOT NULL
					ORDER BY source_id OFFSET $k % 9000 LIMIT 1);" ;;
		4) # a late entry, months back, sometimes across midnight
			d=$((RANDOM % 190)); m=$((RANDOM % 1440)); len=$((10 + RANDOM % 2000))
			echo "INSERT INTO raw.toggl_track__time_entries (source_id, data, synced_at)
				SELECT id::text, jsonb_build_object('id', id, 'project_id', 7001 + $k % 5, 'user_id', 1001,
					'start', to_char(s, $iso), 'stop', to_char(s + interval '$len minutes', $iso),
					'duration', $((len * 60))), $clock
				FROM (SELECT 6000000000 + $n * 100 + $i AS id,
					timestamptz '2025-09-01 00:00:00+09' + interval '$d days $m minutes' AS s) x;" ;;
		5) # a long gap: a day and a half of entries deleted
			echo "UPDATE raw.toggl_track__time_entries SET synced_at = $clock, deleted_at = $clock
				WHERE deleted_at IS NULL AND source_id ~ '^50' AND source_id::bigint
					BETWEEN 5000000000 + $k % 9000 AND 5000000000 + $k % 9000 + 70;" ;;
		6) # a calendar event moved by a few hours, or cancelled
			m=$((RANDOM % 600 - 300))
			echo "UPDATE raw.google_calendar__events SET synced_at = $clock,
				data = data || jsonb_build_object(
					'status', CASE WHEN $k % 4 = 0 THEN 'cancelled' ELSE 'confirmed' END,
					'start', jsonb_build_object('dateTime', to_char((data->'start'->>'dateTime')::timestamptz + interval '$m minutes', $iso)),
					'end', jsonb_build_object('dateTime', to_char((data->'end'->>'dateTime')::timestamptz + interval '$((m + 45)) minutes', $iso)))
				WHERE source_id = (SELECT source_id FROM raw.google_calendar__events
					WHERE deleted_at IS NULL AND data->'start' ? 'dateTime'
					ORDER BY source_id OFFSET $k % 100 LIMIT 1);" ;;
		7) # a calendar event deleted, and a late one added
			d=$((RANDOM % 190)); m=$((RANDOM % 1200))
			echo "UPDATE raw.google_calendar__events SET synced_at = $clock, deleted_at = $clock
				WHERE source_id = (SELECT source_id FROM raw.google_calendar__events
					WHERE deleted_at IS NULL ORDER BY source_id DESC OFFSET $k % 100 LIMIT 1);
				INSERT INTO raw.google_calendar__events (source_id, data, synced_at)
				SELECT 'taro@example.com:late$n$i', jsonb_build_object('id', 'late$n$i', 'summary', 'Deep Work',
					'start', jsonb_build_object('dateTime', to_char(s, $iso)),
					'end', jsonb_build_object('dateTime', to_char(s + interval '$((30 + RANDOM % 900)) minutes', $iso))),
					$clock
				FROM (SELECT timestamptz '2025-09-01 00:00:00+09' + interval '$d days $m minutes' AS s) x
				ON CONFLICT (source_id) DO NOTHING;" ;;
		8) # an entry edited without a visible change (synced again)
			echo "UPDATE raw.toggl_track__time_entries SET synced_at = $clock
				WHERE source_id = $live ORDER BY source_id OFFSET $k % 9000 LIMIT 1);" ;;
		esac
	done
	# The day's own entries up to the clock; a running entry stops or starts.
	echo "UPDATE raw.toggl_track__time_entries SET synced_at = $clock,
		data = data || jsonb_build_object('stop', to_char((data->>'start')::timestamptz + interval '50 minutes', $iso), 'duration', 3000)
		WHERE deleted_at IS NULL AND (data->>'stop' IS NULL OR (data->>'duration')::bigint < 0) AND $((RANDOM % 2)) = 1;"
	echo "INSERT INTO raw.toggl_track__time_entries (source_id, data, synced_at)
		SELECT id::text, jsonb_build_object('id', id, 'project_id', 7001 + g % 5, 'user_id', 1001,
			'start', to_char(s, $iso), 'stop', to_char(s + interval '40 minutes', $iso), 'duration', 2400), $clock
		FROM generate_series(1, $((RANDOM % 4))) g,
		LATERAL (SELECT 7000000000 + $n * 100 + g AS id, $clock - g * interval '3 hours' AS s) x
		WHERE NOT EXISTS (SELECT 1 FROM raw.toggl_track__time_entries r WHERE r.source_id = id::text);"
	if [ $((RANDOM % 2)) = 1 ]; then
		echo "INSERT INTO raw.toggl_track__time_entries (source_id, data, synced_at)
			SELECT (8000000000 + $n)::text, jsonb_build_object('id', 8000000000 + $n, 'project_id', 7002,
				'user_id', 1001, 'start', to_char($clock - interval '25 minutes', $iso), 'duration', -1), $clock;"
	fi
	echo "INSERT INTO ops.sync_state (source, last_synced_at) VALUES ('toggl_track.time_entries', $clock)
		ON CONFLICT (source) DO UPDATE SET last_synced_at = excluded.last_synced_at;"
}

for seed in ${SEEDS:-11 23 47}; do
	inc="t_t3010_inc_$$_$seed" full="t_t3010_full_$$_$seed"
	setup "$full" && setup "$inc"
	use "$inc"; "$DWHBI" -q transform --test >/dev/null || exit 1
	use "$full"; "$DWHBI" -q transform --test >/dev/null || exit 1
	RANDOM=$seed
	same=0 incremental=0 smaller=0
	for n in $(seq 1 $NIGHTS); do
		night_sql "$n" > "$T_TMP/night.sql"
		for db in "$inc" "$full"; do
			use "$db"
			psql -X -q -v ON_ERROR_STOP=1 -f "$T_TMP/night.sql" >/dev/null || { echo "night $n failed" >&2; exit 1; }
		done
		use "$inc"
		"$DWHBI" -q transform --test > /dev/null || { echo "seed $seed night $n: incremental transform failed" >&2; exit 1; }
		mode=$(t_psql "SELECT detail->>'refresh' || ' ' || rows_written FROM ops.runs WHERE job = 'transform' ORDER BY id DESC LIMIT 1")
		dump "$T_TMP/inc.d" > "$T_TMP/inc"
		use "$full"
		"$DWHBI" -q transform --full --test > /dev/null || { echo "seed $seed night $n: full transform failed" >&2; exit 1; }
		full_rows=$(t_psql "SELECT rows_written FROM ops.runs WHERE job = 'transform' ORDER BY id DESC LIMIT 1")
		dump "$T_TMP/full.d" > "$T_TMP/full"
		if cmp -s "$T_TMP/inc" "$T_TMP/full"; then
			same=$((same + 1))
		else
			echo "seed $seed night $n: incremental and full differ:" >&2
			diff "$T_TMP/inc" "$T_TMP/full" >&2
			for t in $TABLES; do
				diff "$T_TMP/inc.d/$t" "$T_TMP/full.d/$t" | head -10 | sed "s/^/  $t: /" >&2
			done
		fi
		[ "${mode%% *}" = incremental ] && incremental=$((incremental + 1))
		[ "${mode##* }" -lt $((full_rows / 4)) ] && smaller=$((smaller + 1))
		echo "seed $seed night $n: $mode rows (full: $full_rows)"
	done
	t_eq "seed $seed: incremental and full identical after each of $NIGHTS nights" "$NIGHTS" "$same"
	t_eq "seed $seed: every night was incremental" "$NIGHTS" "$incremental"
	t_eq "seed $seed: every night wrote under a quarter of a full build's rows" "$NIGHTS" "$smaller"
done
t_done
