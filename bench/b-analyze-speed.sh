#!/usr/bin/env bash
# b-analyze-speed: `dwhbi analyze` for 13 categories x 2 years of daily
# history (issue 18's analyzer figure, target <= 150 ms), end to end: the
# reads, the backtests of every category, the writes and the plan flows of
# a year.  Median of 7 runs.  With DWHBI_BASE set to another dwhbi binary
# (say, a build of an older commit) the two run alternately on the same
# database and the ratio of their medians is printed too.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -v ncat=13 -v from=2024-01-01 -v to=2025-12-31 \
	-f "$SRCDIR/bench/analyze_marts.sql" > /dev/null || exit 1
run_ms() { # BIN
	local start
	start=$(date +%s%N)
	"$1" -q analyze --as-of 2025-12-31 > /dev/null || return 1
	echo $(( ($(date +%s%N) - start) / 1000000 ))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
"$DWHBI" -q analyze --as-of 2025-12-31 > /dev/null || exit 1   # warm the cache
cur=() base=()
for i in 1 2 3 4 5 6 7; do
	cur+=("$(run_ms "$DWHBI")") || exit 1
	if [ -n "${DWHBI_BASE:-}" ]; then base+=("$(run_ms "$DWHBI_BASE")") || exit 1; fi
done
echo "command: dwhbi -q analyze --as-of 2025-12-31 (13 categories x 2 years, 7 runs)"
echo "analyze, 13 categories x 2 years: median $(median "${cur[@]}") ms (runs: ${cur[*]}; target <= 150 ms)"
if [ -n "${DWHBI_BASE:-}" ]; then
	echo "  DWHBI_BASE ($DWHBI_BASE), alternating: median $(median "${base[@]}") ms (runs: ${base[*]})"
	awk -v a="$(median "${cur[@]}")" -v b="$(median "${base[@]}")" \
		'BEGIN { printf "  ratio this / base: %.2f\n", a / b }'
fi
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/bench/analyze_math" 13 730
