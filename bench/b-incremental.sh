#!/usr/bin/env bash
# b-incremental: the nightly cost of the transform (issue 18), each figure a
# ratio measured in this one run:
#   1. `dwhbi transform --test` with one changed day (one entry of the last
#      day edited, the sync clock one minute later), 10 years of one person
#      against 1 year; medians of 5 paired nights;
#   2. `dwhbi run daily --no-sync` on 2 years when nothing changed since the
#      last run (median of 3);
#   3. the heap of marts.hourly_category after 9 such nights against the
#      same table freshly built (10 years).
#   4. a 1,000,000-entry workspace (89 people x 2 years): one changed day,
#      and `transform --full`.
# Targets: 1. <= 1.5x, 2. <= 0.6 s, 3. <= 1.3x, 4. <= 3 s and <= 15 s.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo
export GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'
unset TOGGL_API_TOKEN GOOGLE_CLIENT_ID GOOGLE_REFRESH_TOKEN

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

load() { # days
	t_migrated_db
	"$BUILD/bench/transform_person" --days "$1" >/dev/null || return 1
	# as a warehouse looks: the history was synced before the last day
	psql -X -q -v ON_ERROR_STOP=1 -c "UPDATE raw.toggl_track__time_entries
		SET synced_at = synced_at - interval '1 day'
		WHERE (data->>'start')::timestamptz < synced_at - interval '1 day'" >/dev/null || return 1
	"$DWHBI" -q seed >/dev/null && "$DWHBI" -q goals import --example >/dev/null || return 1
	psql -X -q -c "VACUUM ANALYZE raw.toggl_track__time_entries, raw.google_calendar__events" >/dev/null
}

# One night: a changed entry on the last day, the sync clock a minute later.
night() { # n
	psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
WITH clock AS (SELECT max(synced_at) + interval '1 minute' AS at FROM raw.toggl_track__time_entries),
last AS (
    SELECT source_id FROM raw.toggl_track__time_entries
    WHERE deleted_at IS NULL AND data->>'stop' IS NOT NULL
    ORDER BY (data->>'start')::timestamptz DESC LIMIT 1)
UPDATE raw.toggl_track__time_entries r
SET data = jsonb_set(r.data, '{description}', to_jsonb('night $1'::text)), synced_at = clock.at
FROM clock, last WHERE r.source_id = last.source_id;
UPDATE ops.sync_state SET last_synced_at = (SELECT max(synced_at) FROM raw.toggl_track__time_entries)
WHERE source = 'toggl_track.time_entries';
SQL
}

# The 1-year and 10-year warehouses side by side, nights paired: night n
# on one, then on the other (medians of 5 each), so both see the same load.
declare -A db one_day
for days in 365 3650; do
	load $days || exit 1
	db[$days]=$PGDATABASE
	"$DWHBI" -q transform --test >/dev/null || exit 1
done
declare -A times
for n in 1 2 3 4 5; do
	for days in 365 3650; do
		export PGDATABASE=${db[$days]}
		export DATABASE_URL="postgresql:///$PGDATABASE?host=$PGHOST&port=$PGPORT&user=$PGUSER"
		night $n || exit 1
		start=$(date +%s%N)
		"$DWHBI" -q transform --test >/dev/null || exit 1
		times[$days]="${times[$days]:-} $(ms "$start")"
	done
done
median5() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
for days in 365 3650; do
	export PGDATABASE=${db[$days]}
	# shellcheck disable=SC2086
	one_day[$days]=$(median5 ${times[$days]})
	echo "transform --test, one changed day, $days days of history:${times[$days]} ms (median ${one_day[$days]})"
	t_psql "SELECT '  last night: ' || (detail->>'refresh') || ', ' || coalesce(detail->>'changed_days', '-')
		|| ' changed days, rows written ' || rows_written || ', deleted ' || rows_deleted
		FROM ops.runs WHERE job = 'transform' ORDER BY id DESC LIMIT 1"
	t_psql "SELECT '  ' || (m->>'model') || ': ' || (m->>'ms') || ' ms'
		FROM ops.runs r, jsonb_array_elements(r.detail->'models') m
		WHERE r.id = (SELECT max(id) FROM ops.runs WHERE job = 'transform')
		ORDER BY (m->>'ms')::numeric DESC LIMIT ${TOP:-3}"
	t_psql "SELECT '  changes.sql steps: ' || string_agg((m->>'step') || ' ' || (m->>'ms'), ', ')
		|| '; data tests: ' || (SELECT round(sum((t->>'ms')::numeric)) FROM jsonb_array_elements(r.detail->'tests') t) || ' ms'
		FROM ops.runs r, jsonb_array_elements(r.detail->'steps') m
		WHERE r.id = (SELECT max(id) FROM ops.runs WHERE job = 'transform') GROUP BY r.detail"
done
# 9 nights in all on the 10-year warehouse, then its heap against a fresh copy
export PGDATABASE=${db[3650]}
export DATABASE_URL="postgresql:///$PGDATABASE?host=$PGHOST&port=$PGPORT&user=$PGUSER"
for n in 6 7 8 9; do
	night $n && "$DWHBI" -q transform --test >/dev/null || exit 1
done
after=$(t_psql "SELECT pg_relation_size('marts.hourly_category')")
psql -X -q -c "CREATE TABLE public.fresh_hourly AS SELECT * FROM marts.hourly_category" >/dev/null
fresh=$(t_psql "SELECT pg_relation_size('public.fresh_hourly')")
dropdb "${db[365]}" && dropdb "${db[3650]}"
echo "  (command: dwhbi transform --test after each night; bench/b-incremental.sh)"
echo "RATIO one changed day, 10 years / 1 year: $(awk -v a="${one_day[3650]}" -v b="${one_day[365]}" 'BEGIN { printf "%.2f", a / b }')x (target <= 1.5x)"
echo "RATIO marts.hourly_category heap after 9 nights / fresh: $(awk -v a="$after" -v b="$fresh" 'BEGIN { printf "%.2f", a / b }')x ($((after / 1024)) kB vs $((fresh / 1024)) kB; target <= 1.3x)"

load 730 || exit 1
"$DWHBI" -q run daily --no-sync >/dev/null || exit 1
rtimes=()
for n in 1 2 3; do
	start=$(date +%s%N)
	"$DWHBI" -q run daily --no-sync >/dev/null || exit 1
	rtimes+=("$(ms "$start")")
done
med=$(median3 "${rtimes[@]}")
t_psql "SELECT '  ' || (s->>'step') || ': ' || coalesce(s->>'seconds', s->>'status') || ' s'
	FROM ops.runs r, jsonb_array_elements(r.detail->'steps') s
	WHERE r.id = (SELECT max(id) FROM ops.runs WHERE job = 'run daily')"
echo "  (command: dwhbi run daily --no-sync, after a first run daily the same day)"
echo "RATIO run daily --no-sync, 2 years, nothing changed: ${rtimes[*]} ms, median $med ms = $(awk -v a="$med" 'BEGIN { printf "%.2f", a / 600 }')x the 0.6 s target"
dropdb "$PGDATABASE"

# about 15.5 entries a person-day: 89 people x 730 days ~ 1,000,000 entries
t_migrated_db
"$BUILD/bench/transform_person" --days 730 --users 89 >/dev/null || exit 1
psql -X -q -v ON_ERROR_STOP=1 -c "UPDATE raw.toggl_track__time_entries
	SET synced_at = synced_at - interval '1 day'
	WHERE (data->>'start')::timestamptz < synced_at - interval '1 day'" >/dev/null || exit 1
"$DWHBI" -q seed >/dev/null && "$DWHBI" -q goals import --example >/dev/null || exit 1
psql -X -q -c "VACUUM ANALYZE raw.toggl_track__time_entries, raw.google_calendar__events" >/dev/null
"$DWHBI" -q transform --test >/dev/null || exit 1
start=$(date +%s%N)
"$DWHBI" -q transform --full --test >/dev/null || exit 1
full_ms=$(ms "$start")
wtimes=()
for n in 1 2 3; do
	night $n || exit 1
	start=$(date +%s%N)
	"$DWHBI" -q transform --test >/dev/null || exit 1
	wtimes+=("$(ms "$start")")
done
med=$(median3 "${wtimes[@]}")
echo "  (commands: dwhbi transform --test after a night; dwhbi transform --full --test)"
echo "RATIO 1,000,000-entry workspace, one changed day: ${wtimes[*]} ms, median $med ms = $(awk -v a="$med" 'BEGIN { printf "%.2f", a / 3000 }')x the 3 s target"
echo "RATIO 1,000,000-entry workspace, full rebuild: $full_ms ms = $(awk -v a="$full_ms" 'BEGIN { printf "%.2f", a / 15000 }')x the 15 s target"
dropdb "$PGDATABASE"
