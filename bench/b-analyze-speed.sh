#!/usr/bin/env bash
# b-analyze-speed: `dwhbi analyze` for 13 categories x 2 years of daily
# history (issue 18's analyzer figure, target <= 150 ms), end to end: the
# reads, the backtests of every category, the writes and the plan flows of
# a year.
#   nightly: after the seven nights before (analyze --as-of each day), as
#            `run daily` finds it: the regressions' fits of the backtest
#            origins come from analytics.fit_cache, tonight's own are made
#            (its rows are removed before each timed run);
#   cold:    analytics.fit_cache empty (a first night, or after a change of
#            the whole history): every fit is made.
# Medians of 7 (nightly) and 3 (cold) runs.  With DWHBI_BASE set to another
# dwhbi binary (a build of an older commit) it runs alternately with the
# nightly runs on the same database, and the ratio of the medians is printed.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -v ncat=13 -v from=2024-01-01 -v to=2025-12-31 \
	-f "$SRCDIR/bench/analyze_marts.sql" > /dev/null || exit 1
AS_OF=2025-12-31
run_ms() { # BIN
	local start
	start=$(date +%s%N)
	"$1" -q analyze --as-of $AS_OF > /dev/null || return 1
	echo $(( ($(date +%s%N) - start) / 1000000 ))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for d in 24 25 26 27 28 29 30; do
	"$DWHBI" -q analyze --as-of 2025-12-$d > /dev/null || exit 1
done
cur=() base=() cold=()
for i in 1 2 3 4 5 6 7; do
	t_psql "DELETE FROM analytics.fit_cache WHERE origin = '$AS_OF'" > /dev/null
	cur+=("$(run_ms "$DWHBI")") || exit 1
	if [ -n "${DWHBI_BASE:-}" ]; then base+=("$(run_ms "$DWHBI_BASE")") || exit 1; fi
done
for i in 1 2 3; do
	t_psql "TRUNCATE analytics.fit_cache" > /dev/null
	cold+=("$(run_ms "$DWHBI")") || exit 1
done
echo "command: dwhbi -q analyze --as-of $AS_OF (13 categories x 2 years of marts)"
echo "analyze nightly (the 7 nights before analyzed): median $(median "${cur[@]}") ms" \
     "(runs: ${cur[*]}; target <= 150 ms)"
echo "analyze cold (analytics.fit_cache empty): median $(median "${cold[@]}") ms (runs: ${cold[*]})"
if [ -n "${DWHBI_BASE:-}" ]; then
	echo "  DWHBI_BASE ($DWHBI_BASE), alternating with the nightly runs:" \
	     "median $(median "${base[@]}") ms (runs: ${base[*]})"
	awk -v a="$(median "${cur[@]}")" -v b="$(median "${base[@]}")" \
		'BEGIN { printf "  ratio nightly / base: %.2f\n", a / b }'
fi
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/bench/analyze_math" 13 730
