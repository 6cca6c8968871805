#!/usr/bin/env bash
# b-toggl — a 1,000,000-entry Reports backfill from the fake Toggl (through
# HTTP, paging, screening, flattening and the per-page load with its
# checkpoint) paired with a plain COPY of the same rows into an empty table
# of the same shape: entries per second for both, and the peak RSS of the
# dwhbi process.  The machine is shared, so the two sides alternate in each
# of BENCH_TOGGL_ROUNDS rounds (default 3, each on a fresh database) and the
# ratio is the one of the medians (each round's ratio is printed too).
# BENCH_TOGGL_ENTRIES overrides the size (e.g. 100000 for a quick look).
. "$SRCDIR/tests/lib.sh"

N=${BENCH_TOGGL_ENTRIES:-1000000}
ROUNDS=${BENCH_TOGGL_ROUNDS:-3}
# Entries every 10 minutes from 2007-01-01: a million reach into 2026.
t_start_fake toggl --bulk "$N:2007-01-01" --tz UTC
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN=fake-toggl-token DWHBI_TIMEZONE=UTC
TO=$(date -u -d "2007-01-01 + $(( N / 144 + 1 )) days" +%F)
CMD="dwhbi -q sync toggl --backfill 2007-01-01..$TO --page-size 1000"
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

syncs=() copies=() rss=()
for round in $(seq 1 "$ROUNDS"); do
	t_migrated_db
	start=$(now)
	/usr/bin/time -f '%M' -o "$T_TMP/rss" "$DWHBI" -q sync toggl --backfill "2007-01-01..$TO" \
		--page-size 1000 || { echo "backfill failed"; exit 1; }
	secs=$(echo "$(now) - $start" | bc)
	rows=$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")
	pages=$(t_psql "SELECT detail->>'pages' FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1")
	[ "$rows" -eq "$N" ] || echo "warning: expected $N entries, got $rows"

	# The floor: the same rows with one COPY into an empty table of the same shape.
	[ -s "$T_TMP/rows.copy" ] || t_psql "COPY (SELECT source_id, data, synced_at, deleted_at, api_version
	              FROM raw.toggl_track__time_entries) TO STDOUT" > "$T_TMP/rows.copy"
	t_psql "CREATE TABLE public.copy_bench (LIKE raw.toggl_track__time_entries INCLUDING ALL)"
	start=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -c "\\copy public.copy_bench FROM '$T_TMP/rows.copy'"
	csecs=$(echo "$(now) - $start" | bc)
	crows=$(t_psql "SELECT count(*) FROM public.copy_bench")
	printf 'round %d: backfill %d entries in %.2f s = %.0f entries/s (%s pages, peak RSS %d KiB); plain COPY %d rows in %.2f s = %.0f rows/s; backfill = %.2fx the COPY time\n' \
		"$round" "$rows" "$secs" "$(echo "$rows / $secs" | bc -l)" "$pages" "$(cat "$T_TMP/rss")" \
		"$crows" "$csecs" "$(echo "$crows / $csecs" | bc -l)" "$(echo "$secs / $csecs" | bc -l)"
	syncs+=("$secs") copies+=("$csecs") rss+=("$(cat "$T_TMP/rss")")
	psql -X -q -d postgres -c "DROP DATABASE \"$PGDATABASE\"" >/dev/null
done
ms=$(median "${syncs[@]}") mc=$(median "${copies[@]}")
peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "RATIO Toggl backfill of $N entries / plain COPY of the same rows ($CMD; medians of $ROUNDS paired rounds): $(awk -v a="$ms" -v b="$mc" 'BEGIN { printf "%.2fx the COPY time = %.2fx its throughput (%.0f vs %.0f rows/s)", a / b, b / a, '"$N"' / a, '"$N"' / b }') (target <= 1.7x the time); peak RSS $peak KiB"
t_done
