#!/usr/bin/env bash
# t6014: Japanese headings are bold again without a second CJK face.  The
# title and the 14 section headings of a Japanese report are drawn as text
# in Noto Sans CJK Regular and emboldened by stroking their outlines (the
# unit test test_canvas_heading_bold_japanese measures the extra ink): the
# PDF embeds exactly one CJK face, every heading is still text that
# pdftotext reads once (no double-struck copy), nothing overflows, and
# the same data and --generated-at give the same bytes.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null &&
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/analyzer.sql" >/dev/null ||
	{ echo "fixture failed to load" >&2; exit 1; }
GEN=2026-11-01T06:00:00Z
PDF=$T_TMP/ja.pdf

c1() {
	"$DWHBI" -q report --lang ja --month 2026-10 -o "$PDF" --generated-at $GEN >/dev/null &&
	# The CJK face is embedded from its outlines (reporter/canvas.c,
	# cjk_from_outlines), so cairo names it CairoFont-N-M: it is the one
	# CFF face of the PDF (DejaVu is TrueType).
	[ "$(pdffonts "$PDF" | grep -c 'Type 0C')" -eq 1 ] &&
	[ "$(pdffonts "$PDF" | grep -c 'Bold')" -eq "$(pdffonts "$PDF" | grep -c 'DejaVuSans-Bold')" ]
}
t_ok "a Japanese report embeds one CJK face" c1
c2() {
	pdftotext "$PDF" "$T_TMP/ja.txt" &&
	for h in "月次レポート · 2026-10" "1 主な数字" "3 1日あたりの先月比・12か月平均比" "7 12か月の推移" \
		"10 時間帯" "13 推定の精度" "14 保留中の目標の提案"; do
		[ "$(grep -cF "$h" "$T_TMP/ja.txt")" -eq 1 ] || { echo "heading '$h' is not read once"; exit 1; }
	done
}
t_ok "every heading is text that pdftotext reads once" c2
t_eq "no text overflows its box" 0 \
	"$(t_psql "SELECT detail->>'overflowing_texts' FROM ops.runs WHERE job = 'report' ORDER BY id DESC LIMIT 1")"
c3() {
	"$DWHBI" -q report --lang ja --month 2026-10 -o "$T_TMP/again.pdf" --generated-at $GEN >/dev/null &&
	cmp "$PDF" "$T_TMP/again.pdf"
}
t_ok "the same data and --generated-at give the same bytes" c3
c4() {
	pdftoppm -png -r 40 "$PDF" "$T_TMP/page" 2>"$T_TMP/ppm.err" && [ ! -s "$T_TMP/ppm.err" ] &&
	[ "$(ls "$T_TMP"/page-*.png | wc -l)" -eq 6 ]
}
t_ok "pdftoppm renders the 6 pages" c4
t_done
