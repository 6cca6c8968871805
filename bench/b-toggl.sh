#!/usr/bin/env bash
# b-toggl — a 1,000,000-entry Reports backfill from the fake Toggl (through
# HTTP, paging, flattening and the per-page merge with its checkpoint)
# against a plain COPY of the same rows into an empty table: entries per
# second for both, and the peak RSS of the dwhbi process.
# BENCH_TOGGL_ENTRIES overrides the size (e.g. 100000 for a quick look).
. "$SRCDIR/tests/lib.sh"

N=${BENCH_TOGGL_ENTRIES:-1000000}
t_migrated_db
# Entries every 10 minutes from 2007-01-01: a million reach into 2026.
t_start_fake toggl --bulk "$N:2007-01-01" --tz UTC
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN=fake-toggl-token DWHBI_TIMEZONE=UTC
TO=$(date -u -d "2007-01-01 + $(( N / 144 + 1 )) days" +%F)

start=$(date +%s.%N)
/usr/bin/time -f '%M %U %S' -o "$T_TMP/rss" "$DWHBI" -q sync toggl --backfill "2007-01-01..$TO" \
	--page-size 1000 || { echo "backfill failed"; exit 1; }
secs=$(echo "$(date +%s.%N) - $start" | bc)
rows=$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")
pages=$(t_psql "SELECT detail->>'pages' FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1")
printf 'backfill: %d entries in %.1f s = %.0f entries/s (%s pages), peak RSS/user/sys %s\n' \
	"$rows" "$secs" "$(echo "$rows / $secs" | bc -l)" "$pages" "$(cat "$T_TMP/rss")"
[ "$rows" -eq "$N" ] || echo "warning: expected $N entries, got $rows"

# The floor: the same rows with one COPY into an empty table of the same shape.
t_psql "COPY (SELECT source_id, data, synced_at, deleted_at, api_version
              FROM raw.toggl_track__time_entries) TO STDOUT" > "$T_TMP/rows.copy"
t_psql "CREATE TABLE public.copy_bench (LIKE raw.toggl_track__time_entries INCLUDING ALL)"
start=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -c "\\copy public.copy_bench FROM '$T_TMP/rows.copy'"
csecs=$(echo "$(date +%s.%N) - $start" | bc)
crows=$(t_psql "SELECT count(*) FROM public.copy_bench")
printf 'plain COPY: %d rows in %.1f s = %.0f rows/s (%.1fx the backfill)\n' \
	"$crows" "$csecs" "$(echo "$crows / $csecs" | bc -l)" "$(echo "$secs / $csecs" | bc -l)"
t_done
