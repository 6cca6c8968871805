#!/usr/bin/env bash
# b-analyze: `dwhbi analyze` end to end for 10 categories x 3 years of daily
# history (marts loaded from SQL, contract columns), including the 8-week
# backtests, the writes and the plan -> actual flow of a year of plans; then
# the analyzer arithmetic alone ($BUILD/bench/analyze_math); then the
# held-out quality: `analyze --evaluate` on the demo person (the issue's
# table: weekly 2026-09-30..2026-11-18) and on three persons of the
# tests/fake/person.h profiles (every 3rd day 2026-09-02..2026-11-18), each
# through fake Toggl and Google -> sync -> transform.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -v ncat=10 -v from=2023-01-01 -v to=2025-12-31 \
	-f "$SRCDIR/bench/analyze_marts.sql" > /dev/null || exit 1
for i in 1 2 3; do
	start=$(date +%s%N)
	"$DWHBI" -q analyze --as-of 2025-12-31 > /dev/null || exit 1
	echo "analyze, 10 categories x 3 years (run $i): $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
t_psql "SELECT 'rows written per run: ' || rows_written || ', read: ' || rows_read FROM ops.runs WHERE job = 'analyze' ORDER BY id DESC LIMIT 1"
"$BUILD/bench/analyze_math" 10 1095

# Held-out quality (issue 15): the summary line of each evaluation.
export DWHBI_TIMEZONE=Asia/Tokyo
TODAY=$(TZ=Asia/Tokyo date +%F)
for spec in 1:default:2026-09-30:7 1:default:2026-09-02:3 2:drift:2026-09-02:3 3:life:2026-09-02:3 \
	    4:messy:2026-09-02:3; do
	IFS=: read -r seed profile from every <<< "$spec"
	t_migrated_db
	t_demo_person "$seed" 2026-06-05 182 Asia/Tokyo "$([ "$profile" = default ] || echo "$profile")"
	{ "$DWHBI" -q seed --config "$SRCDIR/config" && "$DWHBI" -q goals import "$SRCDIR/config/goals.csv" &&
	  "$DWHBI" -q sync toggl --backfill "2026-06-05..$TODAY" && "$DWHBI" -q sync gcal &&
	  "$DWHBI" -q transform; } > /dev/null || exit 1
	start=$(date +%s%N)
	"$DWHBI" analyze --evaluate "$from..2026-11-18" --every "$every" > "$T_TMP/eval" || exit 1
	echo "evaluate person $seed ($profile) $from..2026-11-18 every $every" \
	     "($(( ($(date +%s%N) - start) / 1000000 )) ms):"
	grep -E "^\(pooled\)|^adjuster:|^summary:" "$T_TMP/eval" | sed 's/^/  /'
	for pid in "${T_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
	T_PIDS=()
done
