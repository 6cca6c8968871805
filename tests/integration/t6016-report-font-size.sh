#!/usr/bin/env bash
# t6016: the demo person's reports embed subset fonts of the order of the
# text they print.  cairo 1.16's CFF subsetter embedded every subroutine of
# Noto Sans CJK's kanji font dict for some glyph mixes (the demo's Japanese
# November was 1.03 MB against 135 KB in English); the CJK face is now
# embedded from the used glyphs' outlines (reporter/canvas.c,
# cjk_from_outlines).  On the demo's closed month, in Japanese and English:
# the PDF stays under a size bound, every font is embedded as a subset, the
# one CFF face (the CJK font) is small, the Japanese is still text that
# pdftotext reads (goal day types in Japanese too), and the same data and --generated-at give the same bytes.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
TODAY=$(TZ=Asia/Tokyo date +%F)
M=$(TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%Y-%m-15) -1 month" +%Y-%m)
FROM=$(date -d "$M-15 -2 month" +%Y-%m)-01
DAYS=$(( ( $(date -u -d "$TODAY" +%s) - $(date -u -d "$FROM" +%s) ) / 86400 + 1 ))
PREV_END=$(date -d "$M-01 -1 day" +%F)
t_demo_person 7 "$FROM" "$DAYS"
GEN=2026-01-01T00:00:00Z
# The bound: the English report was 135 KB before the change and the
# Japanese one 1.03 MB; both are ~80–140 KB now.
BOUND=250000

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
t_ok "the demo pipeline runs" c1

# fonts LANG: the report of M in LANG, its size under the bound, every
# font embedded and subset, exactly one CFF (CJK) face.
fonts() {
	local pdf=$T_TMP/$1.pdf size
	"$DWHBI" -q report --lang "$1" --month "$M" -o "$pdf" --generated-at $GEN >/dev/null || return 1
	size=$(stat -c %s "$pdf")
	[ "$size" -lt $BOUND ] || { echo "$1: $size bytes, bound $BOUND"; return 1; }
	pdffonts "$pdf" | tail -n +3 > "$T_TMP/$1.fonts"
	[ -s "$T_TMP/$1.fonts" ] || { echo "$1: no fonts"; return 1; }
	# columns from the end: emb sub uni object-id generation
	awk '{ if ($(NF-4) != "yes" || $(NF-3) != "yes") { print "not an embedded subset: " $0; bad = 1 } }
	     END { exit bad }' "$T_TMP/$1.fonts" || return 1
	awk '$1 !~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+/ { print "no subset tag: " $0; bad = 1 } END { exit bad }' "$T_TMP/$1.fonts" || return 1
	[ "$(grep -c 'Type 0C' "$T_TMP/$1.fonts")" -eq 1 ] || { echo "$1: not one CFF face"; cat "$T_TMP/$1.fonts"; return 1; }
}
t_ok "the Japanese report of $M is under $BOUND bytes and embeds subset fonts only" "fonts ja"
t_ok "the English report of $M is under $BOUND bytes and embeds subset fonts only" "fonts en"

# The CFF program of the CJK face: its stream (the FontFile3 object) is
# small; before the change it was 936 KB compressed.
c4() {
	perl -0777 -ne '
		my $max = 0;
		my @direct = /\/Length (\d+)\s*\/Filter \/FlateDecode\s*\/Subtype \/CIDFontType0C/g;
		my @refs = /\/Length (\d+) 0 R\s*\/Filter \/FlateDecode\s*\/Subtype \/CIDFontType0C/g;
		for my $r (@refs) { push @direct, $1 if /\n$r 0 obj\s*(\d+)/ }
		for (@direct) { $max = $_ if $_ > $max }
		print "$max\n"' "$T_TMP/ja.pdf" > "$T_TMP/cff.len"
	local n; n=$(cat "$T_TMP/cff.len")
	[ "$n" -gt 0 ] && [ "$n" -lt 150000 ] || { echo "CJK CFF stream: $n bytes"; return 1; }
}
t_ok "the Japanese report's CJK font program is under 150 KB" c4
c5() {
	pdftotext "$T_TMP/ja.pdf" "$T_TMP/ja.txt" &&
	grep -qF "主な数字" "$T_TMP/ja.txt" && grep -qF "睡眠" "$T_TMP/ja.txt" &&
	grep -qF "期間ごとの目標" "$T_TMP/ja.txt"
}
t_ok "the Japanese is still text pdftotext reads" c5
# The goals' day types and periods are Japanese in a Japanese report (they
# were the config keys: "睡眠 · any・日 ごと ≥ 7:00"), in the goal table,
# the proposals and the summary.
c5b() {
	grep -qF "睡眠 · すべての日・日ごと ≥ 7:00" "$T_TMP/ja.txt" &&
	grep -qF "仕事 · 平日・日ごと ≤ 8:00" "$T_TMP/ja.txt" &&
	! grep -qE "(any|weekday|holiday)・|・(day|week|month)" "$T_TMP/ja.txt"
}
t_ok "goal day types and periods are in Japanese" c5b
c6() {
	"$DWHBI" -q report --lang ja --month "$M" -o "$T_TMP/again.pdf" --generated-at $GEN >/dev/null &&
	cmp "$T_TMP/ja.pdf" "$T_TMP/again.pdf"
}
t_ok "the same data and --generated-at give the same bytes" c6
c7() {
	pdftoppm -png -r 30 "$T_TMP/ja.pdf" "$T_TMP/page" 2>"$T_TMP/ppm.err" && [ ! -s "$T_TMP/ppm.err" ] &&
	[ "$(ls "$T_TMP"/page-*.png | wc -l)" -eq 6 ]
}
t_ok "pdftoppm renders the 6 pages without complaint" c7
t_done
