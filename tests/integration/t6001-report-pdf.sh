#!/usr/bin/env bash
# t6001: `dwhbi report` renders the monthly PDF from the marts.  The fixture
# (tests/fixtures/reporter/marts.sql) holds two months of actual and plan
# data with Japanese category names, a plan-only month and an empty one; the
# expected numbers come from SQL over the same marts, never by hand.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null ||
	{ echo "fixture failed to load" >&2; exit 1; }

GEN=2026-11-01T06:00:00Z
PDF=$T_TMP/oct.pdf
# h:mm of a minutes value, rounded to the minute, as the report prints it.
HM="floor(round(%s) / 60)::bigint || ':' || lpad((round(%s) %% 60)::bigint::text, 2, '0')"
hm() { printf "$HM" "$1" "$1"; }

t_ok "report renders October as a PDF" '
	"$DWHBI" report --lang en --month 2026-10 -o "$PDF" --generated-at $GEN >"$T_TMP/out" 2>"$T_TMP/err" ||
		{ cat "$T_TMP/err"; exit 1; }
	grep -q "wrote $PDF (6 pages)" "$T_TMP/out"
'
t_eq "the PDF has the designed 6 pages" 6 \
	"$(pdfinfo "$PDF" 2>/dev/null | awk '/^Pages:/ { print $2 }')"
pdftotext -layout "$PDF" "$T_TMP/oct.txt" 2>/dev/null

t_ok "the text names the month and the time zone" '
	grep -q "2026-10" "$T_TMP/oct.txt" && grep -q "Asia/Tokyo" "$T_TMP/oct.txt"
'
t_ok "every category display name (Japanese) is in the text" '
	missing=0
	while IFS= read -r name; do
		grep -qF "$name" "$T_TMP/oct.txt" || { echo "missing: $name"; missing=1; }
	done < <(t_psql "SELECT DISTINCT display_name FROM marts.daily_category")
	[ "$missing" -eq 0 ]
'
t_ok "each category row shows its monthly actual to the minute (SQL over the marts)" '
	bad=0
	while IFS="|" read -r name actual; do
		grep -E "^ *$name .* $actual( |$)" "$T_TMP/oct.txt" >/dev/null ||
			{ echo "row of $name lacks $actual"; bad=1; }
	done < <(t_psql "SELECT display_name, $(hm actual_minutes) FROM marts.monthly_category
	                 WHERE month = '"'"'2026-10-01'"'"'")
	[ "$bad" -eq 0 ]
'
t_ok "the total actual and plan of the month are in the text" '
	row=$(t_psql "SELECT $(hm "sum(actual_minutes)") || '"'"' '"'"' || $(hm "sum(plan_minutes)")
	              FROM marts.daily_category WHERE date >= '"'"'2026-10-01'"'"' AND date < '"'"'2026-11-01'"'"'")
	set -- $row
	grep -E "^ *Total .* $1 +$2( |$)" "$T_TMP/oct.txt"
'
t_ok "tracked time (all but Untracked) is a key figure" '
	tracked=$(t_psql "SELECT $(hm "sum(actual_minutes)") FROM marts.daily_category
	                  WHERE date >= '"'"'2026-10-01'"'"' AND date < '"'"'2026-11-01'"'"'
	                  AND category <> '"'"'Untracked'"'"'")
	grep -qF "$tracked h" "$T_TMP/oct.txt"
'
t_ok "the heat map row of 睡眠 has its weekday averages Mon..Sun (SQL)" '
	cells=$(t_psql "SELECT string_agg($(hm a), '"'"' +'"'"' ORDER BY dow)
	                FROM (SELECT extract(isodow FROM date) AS dow, avg(actual_minutes) AS a
	                      FROM marts.daily_category
	                      WHERE category = '"'"'Sleep'"'"' AND date >= '"'"'2026-10-01'"'"'
	                        AND date < '"'"'2026-11-01'"'"' GROUP BY 1) d")
	grep -E "^ *睡眠 +$cells *$" "$T_TMP/oct.txt"
'
t_ok "the pending proposal is listed, the rejected one is not" '
	grep -qF "睡眠の目標は毎日達成されています" "$T_TMP/oct.txt" &&
		! grep -qF "already decided" "$T_TMP/oct.txt"
'
t_ok "pdftoppm renders every page without error" '
	pdftoppm -png -r 30 "$PDF" "$T_TMP/page" 2>"$T_TMP/ppm.err" && [ ! -s "$T_TMP/ppm.err" ] &&
		[ "$(ls "$T_TMP"/page-*.png | wc -l)" -eq 6 ]
'
t_eq "no text overflows its box (pango extents, recorded in ops.runs)" 0 \
	"$(t_psql "SELECT detail->>'overflowing_texts' FROM ops.runs WHERE job = 'report'
	           AND status = 'success' ORDER BY id DESC LIMIT 1")"
t_ok "the same data and --generated-at give a byte-identical PDF" '
	"$DWHBI" -q report --lang en --month 2026-10 -o "$T_TMP/again.pdf" --generated-at $GEN >/dev/null &&
		cmp "$PDF" "$T_TMP/again.pdf"
'
t_ok "the PDF creation date is the generation time" '
	pdfinfo "$PDF" | grep -E "^CreationDate: .*2026" | grep -q "Nov  1 06:00:00 2026"
'

t_ok "without analyzer output: plan versus actual; a closed month checks its forecast" '
	tr -s " " < "$T_TMP/oct.txt" | grep -q "Where planned time went plan versus actual" &&
		grep -q "Forecast accuracy" "$T_TMP/oct.txt" &&
		! grep -q "Month-end projections" "$T_TMP/oct.txt"
'

# With the analyzer's flows and month projections the report uses them; the
# projections belong to a running month, so October is made one (its days
# after the 20th not over yet in core.days).
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/analyzer.sql" >/dev/null ||
	{ echo "analyzer fixture failed to load" >&2; exit 1; }
t_psql "CREATE TABLE core.days AS SELECT d::date AS date, d < '2026-10-21' AS complete
        FROM generate_series(date '2026-09-01', date '2026-12-31', interval '1 day') d" >/dev/null
t_ok "with analytics.plan_flows and month_projections the report shows them" '
	"$DWHBI" -q report --lang en --month 2026-10 -o "$T_TMP/flows.pdf" --generated-at $GEN >/dev/null &&
	pdftotext -layout "$T_TMP/flows.pdf" "$T_TMP/flows.txt" &&
	grep -q "plan shortfalls spread over overruns" "$T_TMP/flows.txt" &&
	grep -q "days taken as independent" "$T_TMP/flows.txt" &&
	grep -q "Month-end projections" "$T_TMP/flows.txt" &&
	grep -q "partial month" "$T_TMP/flows.txt" && ! grep -q "Forecast accuracy" "$T_TMP/flows.txt"
'
t_ok "each planned category shows its planned total and the share kept (SQL)" '
	bad=0
	while IFS="|" read -r name planned kept; do
		grep -E "^ *$name .* $planned h · $kept %" "$T_TMP/flows.txt" >/dev/null ||
			{ echo "flow of $name lacks $planned h · $kept %"; bad=1; }
	done < <(t_psql "SELECT c.display_name, $(hm "sum(f.minutes)"),
	                        round(100 * sum(f.minutes) FILTER (WHERE f.to_category = f.from_category)
	                              / sum(f.minutes))
	                 FROM analytics.plan_flows f JOIN ref.categories c ON c.category = f.from_category
	                 GROUP BY c.display_name")
	[ "$bad" -eq 0 ]
'
t_ok "each projection shows the month end and its 80 % interval (SQL)" '
	bad=0
	while IFS="|" read -r name p lo hi; do
		grep -E "^ *$name .* $p \($lo–$hi\)" "$T_TMP/flows.txt" >/dev/null ||
			{ echo "projection of $name lacks $p ($lo–$hi)"; bad=1; }
	done < <(t_psql "SELECT c.display_name, $(hm projected_minutes), $(hm lower80), $(hm upper80)
	                 FROM analytics.month_projections p JOIN ref.categories c USING (category)")
	[ "$bad" -eq 0 ]
'

# A month with only plan data, and one with nothing at all.
t_ok "a plan-only month renders with a note" '
	"$DWHBI" -q report --lang en --month 2026-11 -o "$T_TMP/nov.pdf" --generated-at $GEN >/dev/null &&
		pdftotext "$T_TMP/nov.pdf" - | tr -d "\n" | grep -q "No actual time was tracked in 2026-11"
'
t_ok "an empty month renders 6 pages with notes instead of empty axes" '
	"$DWHBI" -q report --lang en --month 2026-12 -o "$T_TMP/dec.pdf" --generated-at $GEN >/dev/null &&
		[ "$(pdfinfo "$T_TMP/dec.pdf" | awk "/^Pages:/ { print \$2 }")" = 6 ] &&
		pdftotext "$T_TMP/dec.pdf" - | tr -d "\n" | grep -q "No actual or planned time for 2026-12"
'
t_ok "empty and plan-only months overflow no box" '
	n=$(t_psql "SELECT count(*) FROM ops.runs WHERE job = '"'"'report'"'"' AND status = '"'"'success'"'"'
	            AND (detail->>'"'"'overflowing_texts'"'"')::int = 0")
	[ "$n" -ge 4 ]
'

# A 40-character Japanese display name is shortened to fit, never overflows.
LONG=長い名前のカテゴリ名長い名前のカテゴリ名長い名前のカテゴリ名長い名前のカテゴリ名
t_eq "the long name has 40 characters" 40 "$(t_psql "SELECT length('$LONG')")"
t_psql "UPDATE marts.daily_category SET display_name = '$LONG' WHERE category = 'Reading'" >/dev/null
t_ok "a 40-character Japanese category name renders without overflow" '
	"$DWHBI" -q report --lang en --month 2026-10 -o "$T_TMP/long.pdf" --generated-at $GEN >/dev/null &&
	[ "$(t_psql "SELECT detail->>'"'"'overflowing_texts'"'"' FROM ops.runs WHERE job = '"'"'report'"'"'
	             ORDER BY id DESC LIMIT 1")" = 0 ] &&
	[ "$(t_psql "SELECT (detail->>'"'"'shortened_texts'"'"')::int > 0 FROM ops.runs
	             WHERE job = '"'"'report'"'"' ORDER BY id DESC LIMIT 1")" = t ] &&
	pdftotext "$T_TMP/long.pdf" - | grep -qF "長い名前のカテゴリ"
'

# Without a CJK font the report fails clearly instead of printing tofu.
mkdir -p "$T_TMP/fc"
cat > "$T_TMP/fc/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>$T_TMP/fc/cache</cachedir></fontconfig>
EOF
if [ -d /usr/share/fonts/truetype/dejavu ]; then
	t_ok "no CJK font: exit 1, a message naming the font problem, no file" '
		! FONTCONFIG_FILE="$T_TMP/fc/fonts.conf" "$DWHBI" report --lang en --month 2026-10 \
			-o "$T_TMP/tofu.pdf" 2>"$T_TMP/font.err" >/dev/null
		grep -q "no installed font covers Japanese text" "$T_TMP/font.err" &&
			grep -q "fonts-noto-cjk" "$T_TMP/font.err" && [ ! -e "$T_TMP/tofu.pdf" ]
	'
else
	t_skip "no CJK font: clear error" "fonts-dejavu-core is not installed"
fi

# Usage and missing marts.
t_ok "a malformed month is a usage error (exit 2)" '
	"$DWHBI" report --lang en --month 2026-13 -o "$T_TMP/x.pdf" 2>"$T_TMP/usage.err"; rc=$?
	[ "$rc" -eq 2 ] && grep -q "month" "$T_TMP/usage.err"
'
t_ok "--format must be pdf or typst (exit 2)" '
	"$DWHBI" report --lang en --month 2026-10 --format html 2>/dev/null; [ $? -eq 2 ]
'
t_migrated_db
t_ok "without marts the report says to run the transform (exit 1)" '
	"$DWHBI" report --lang en --month 2026-10 -o "$T_TMP/none.pdf" 2>"$T_TMP/nomarts.err"; rc=$?
	[ "$rc" -eq 1 ] && grep -q "dwhbi transform" "$T_TMP/nomarts.err"
'
t_done
