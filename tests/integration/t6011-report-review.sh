#!/usr/bin/env bash
# t6011: the monthly review on the demo person's data (fake Toggl and
# Google, Japanese names, holidays) through the pipeline, for the last
# complete month M with two months of history before it.  Every number the
# new sections print is compared with SQL over the marts (and core for the
# top lists): the per-day change table against last month and the 12-month
# average, the trend cells, the goals (hits, rate, streak, best, worst), the
# hour-of-day cells, the top projects/tags/descriptions, the forecast
# accuracy of last month's estimates; the summary names the 3 largest
# changes.  A running month shows the projection and "partial month"; a
# closed one the forecast accuracy and no projection.  --lang and its
# default rule are checked too.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
M=$(TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%Y-%m-15) -1 month" +%Y-%m)
PREV_END=$(date -d "$M-01 -1 day" +%F)
t_demo_since 7 "$(date -d "$M-15 -2 month" +%Y-%m)-01"

c1() {
	{
		"$DWHBI" -q seed --config "$SRCDIR/config" &&
		"$DWHBI" -q goals import "$SRCDIR/config/goals.csv" &&
		"$DWHBI" -q sync toggl --backfill "$FROM..$TODAY" &&
		"$DWHBI" -q sync toggl --days 30 &&
		"$DWHBI" -q sync gcal &&
		"$DWHBI" -q transform &&
		"$DWHBI" -q analyze --as-of "$PREV_END" &&
		"$DWHBI" -q analyze &&
		"$DWHBI" -q adjust
	} >"$T_TMP/pipeline.out" 2>&1 || { cat "$T_TMP/pipeline.out"; exit 1; }
}
t_ok "the pipeline runs, and analyze as of the day before $M" c1
GEN=2026-01-01T00:00:00Z
PDF=$T_TMP/m.pdf
c2() {
	"$DWHBI" report --lang en --month $M -o "$PDF" --generated-at $GEN >"$T_TMP/out" 2>"$T_TMP/err" ||
		{ cat "$T_TMP/err"; exit 1; }
}
t_ok "the report of $M renders in English" c2
pdftotext -layout "$PDF" "$T_TMP/m.txt" 2>/dev/null
# Text of the PDF with runs of spaces squeezed, for regexes over a row.
tr -s ' ' < "$T_TMP/m.txt" > "$T_TMP/m1.txt"

# SQL helpers: h:mm and signed h:mm of a minutes expression, rounded to the
# minute, and a signed percent that is never "-0 %".
HM="(CASE WHEN round(%s) < 0 THEN '-' ELSE '' END || floor(abs(round(%s)) / 60)::bigint || ':' ||
     lpad((abs(round(%s))::bigint %% 60)::text, 2, '0'))"
hm() { printf "$HM" "$1" "$1" "$1"; }
shm() { printf "(CASE WHEN round(%s) > 0 THEN '+' ELSE '' END || $HM)" "$1" "$1" "$1" "$1"; }
pct() { printf "(CASE WHEN round(100 * (%s) / (%s)) = 0 THEN '0 %%%%'
                     ELSE (CASE WHEN (%s) > 0 THEN '+' ELSE '' END) || round(100 * (%s) / (%s))::text || ' %%%%' END)" \
	"$1" "$2" "$1" "$1" "$2"; }
pct_clean() { sed 's/%%/%/g'; }
q() { t_psql "$(printf '%s' "$1" | pct_clean)"; }
# Regex-escape a value for grep -E.
re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# Per-day figures per category: this month, last month, the 12 before.
PERDAY="WITH d AS (
    SELECT category, date_trunc('month', date)::date AS month, sum(actual_minutes) AS m, count(*) AS n
    FROM marts.daily_category WHERE complete AND actual_minutes IS NOT NULL GROUP BY 1, 2
), x AS (
    SELECT c.display_name AS name, c.sort_order,
           (SELECT m / n FROM d WHERE d.category = c.category AND d.month = '$M-01') AS cur,
           (SELECT m / n FROM d WHERE d.category = c.category AND d.month = date '$M-01' - interval '1 month') AS prev,
           (SELECT sum(m) / sum(n) FROM d WHERE d.category = c.category
              AND d.month >= date '$M-01' - interval '12 months' AND d.month < '$M-01') AS avg
    FROM ref.categories c)"

c3() {
	bad=0; rows=0
	while IFS="|" read -r name cur prev d1 p1 avg d2 p2; do
		rows=$((rows + 1))
		grep -E "^ ?$(re "$name") $(re "$cur") $(re "$prev") $(re "$d1") \($(re "$p1")\) $(re "$avg") $(re "$d2") \($(re "$p2")\)$" \
			"$T_TMP/m1.txt" >/dev/null || { echo "row of $name lacks $cur $prev $d1 ($p1) $avg $d2 ($p2)"; bad=1; }
	done < <(q "$PERDAY SELECT name, $(hm cur), $(hm prev), $(shm "cur - prev"), $(pct "cur - prev" prev),
	                 $(hm avg), $(shm "cur - avg"), $(pct "cur - avg" avg)
	          FROM x WHERE cur IS NOT NULL AND prev > 0 AND avg > 0 ORDER BY sort_order")
	[ "$bad" -eq 0 ] && [ "$rows" -ge 5 ]
}
t_ok "the per-day table: this month, last month, change, 12-month average, change (SQL)" c3
c4() {
	bad=0; rows=0
	while IFS="|" read -r cur avg d; do
		rows=$((rows + 1))
		grep -qF "$cur /day" "$T_TMP/m.txt" && grep -qF "12-month avg $avg · $d" "$T_TMP/m.txt" ||
			{ echo "trend lacks $cur /day or 12-month avg $avg · $d"; bad=1; }
	done < <(q "$PERDAY SELECT $(hm cur), $(hm avg), $(shm "cur - avg") FROM x
	            WHERE cur IS NOT NULL AND avg IS NOT NULL")
	[ "$bad" -eq 0 ] && [ "$rows" -ge 5 ]
}
t_ok "the trend cells show this month per day and the 12-month average with the difference (SQL)" c4
c5() {
	tr "\n" " " < "$T_TMP/m.txt" | tr -s " " > "$T_TMP/flat.txt"
	n=0
	while IFS="|" read -r name a b; do
		n=$((n + 1))
		grep -qF "$name" "$T_TMP/flat.txt" && grep -qE "$(re "$name") (up|down) from $(re "$a") to $(re "$b") a day" "$T_TMP/flat.txt" ||
			{ echo "summary lacks $name $a -> $b"; exit 1; }
	done < <(q "$PERDAY SELECT name, $(hm prev), $(hm cur) FROM x
	            WHERE cur IS NOT NULL AND prev IS NOT NULL AND round(cur - prev) <> 0
	            ORDER BY abs(cur - prev) DESC LIMIT 3")
	[ "$n" -eq 3 ]
}
t_ok "the summary names the 3 largest per-day changes against last month (SQL)" c5
c6() {
	bad=0; rows=0
	while IFS="|" read -r name dt period hits periods unit rate best worst; do
		rows=$((rows + 1))
		grep -E "^ ?$(re "$name") · $dt, per $period, .* $hits of $periods $unit $rate ?% .* $(re "$best") $(re "$worst")$" \
			"$T_TMP/m1.txt" >/dev/null || { echo "goal $name $dt $period lacks $hits of $periods $rate % $best $worst"; bad=1; }
	done < <(q "WITH g AS (
	              SELECT category, day_type, period, direction,
	                     count(*) FILTER (WHERE complete AND met) AS hits,
	                     count(*) FILTER (WHERE complete) AS periods,
	                     (array_agg(to_char(period_start, 'MM-DD') || ' ' || $(hm actual_minutes)
	                        ORDER BY CASE WHEN direction = 'less' THEN actual_minutes ELSE -actual_minutes END, period_start)
	                        FILTER (WHERE complete))[1] AS best,
	                     (array_agg(to_char(period_start, 'MM-DD') || ' ' || $(hm actual_minutes)
	                        ORDER BY CASE WHEN direction = 'less' THEN -actual_minutes ELSE actual_minutes END, period_start)
	                        FILTER (WHERE complete))[1] AS worst
	              FROM marts.goal_achievement
	              WHERE period_start >= '$M-01' AND period_start < date '$M-01' + interval '1 month'
	                AND direction <> 'neutral'
	              GROUP BY 1, 2, 3, 4)
	            SELECT c.display_name, g.day_type, g.period, hits, periods,
	                   g.period || CASE WHEN periods = 1 THEN '' ELSE 's' END,
	                   round(100.0 * hits / periods), best, worst
	            FROM g JOIN ref.categories c USING (category) WHERE periods > 0")
	[ "$bad" -eq 0 ] && [ "$rows" -ge 1 ]
}
t_ok "each goal: hits, hit rate, streak, best and worst period (SQL over marts.goal_achievement)" c6
c7() {
	bad=0
	while IFS="|" read -r name dt period streak; do
		grep -E "^ ?$(re "$name") · $dt, per $period, .* ?% $streak " "$T_TMP/m1.txt" >/dev/null ||
			{ echo "goal $name $dt $period lacks streak $streak"; bad=1; }
	done < <(q "WITH r AS (
	              SELECT category, day_type, period, met,
	                     count(*) FILTER (WHERE met IS NOT TRUE) OVER (PARTITION BY category, day_type, period
	                         ORDER BY period_start DESC ROWS UNBOUNDED PRECEDING) AS misses
	              FROM marts.goal_achievement
	              WHERE complete AND period_start < date '$M-01' + interval '1 month' AND direction <> 'neutral'),
	            months AS (SELECT DISTINCT category, day_type, period FROM marts.goal_achievement
	              WHERE period_start >= '$M-01' AND period_start < date '$M-01' + interval '1 month'
	                AND complete AND direction <> 'neutral')
	            SELECT c.display_name, m.day_type, m.period,
	                   (SELECT count(*) FROM r WHERE r.category = m.category AND r.day_type = m.day_type
	                      AND r.period = m.period AND r.misses = 0)
	            FROM months m JOIN ref.categories c USING (category)")
	[ "$bad" -eq 0 ]
}
t_ok "the streak of each goal is its met periods in a row up to the last complete one (SQL)" c7
c8() {
	bad=0; rows=0
	# The main categories: the most tracked time (Untracked, Uncategorized left out), 4 of them.
	while IFS="|" read -r cat name; do
		grep -qF "$name · busiest hour" "$T_TMP/m.txt" || { echo "no heat map for $name"; bad=1; continue; }
		# The block of this heat map: the 9 lines after its title.
		awk -v t="$name · busiest hour" "index(\$0, t) { f = 9 } f && f-- > 0" "$T_TMP/m.txt" | tr -s " " > "$T_TMP/hm.txt"
		while IFS="|" read -r wd n cells; do
			rows=$((rows + 1))
			grep -E "^ ?$wd \($n\) $cells$" "$T_TMP/hm.txt" >/dev/null ||
				{ echo "$name $wd ($n) lacks $cells"; bad=1; }
		done < <(q "WITH days AS (
		              SELECT DISTINCT date FROM marts.daily_category
		              WHERE date >= '$M-01' AND date < date '$M-01' + interval '1 month'
		                AND complete AND actual_minutes IS NOT NULL),
		            nd AS (SELECT extract(isodow FROM date)::int AS wd, count(*) AS n FROM days GROUP BY 1),
		            cells AS (
		              SELECT extract(isodow FROM h.date)::int AS wd,
		                     extract(hour FROM h.time AT TIME ZONE 'Asia/Tokyo')::int AS hr,
		                     sum(h.actual_minutes) AS m
		              FROM marts.hourly_category h JOIN days USING (date)
		              WHERE h.category = '$cat' GROUP BY 1, 2)
		            SELECT (ARRAY['Mon','Tue','Wed','Thu','Fri','Sat','Sun'])[nd.wd], nd.n,
		                   string_agg(round(coalesce(c.m, 0) / nd.n)::text, ' ' ORDER BY hr.hr)
		            FROM nd CROSS JOIN generate_series(0, 23) hr(hr)
		            LEFT JOIN cells c ON c.wd = nd.wd AND c.hr = hr.hr
		            GROUP BY nd.wd, nd.n ORDER BY nd.wd")
	done < <(q "SELECT h.category, c.display_name FROM marts.hourly_category h
	            JOIN ref.categories c USING (category)
	            WHERE h.date >= '$M-01' AND h.date < date '$M-01' + interval '1 month'
	              AND h.date IN (SELECT date FROM marts.daily_category WHERE complete AND actual_minutes IS NOT NULL)
	              AND h.category NOT IN ('Untracked', 'Uncategorized')
	            GROUP BY 1, 2 ORDER BY sum(h.actual_minutes) DESC, min(c.sort_order) LIMIT 4")
	[ "$bad" -eq 0 ] && [ "$rows" -ge 28 ]
}
t_ok "hour-of-day cells: minutes per day in each clock hour of each weekday (SQL over marts.hourly_category)" c8
busiest() {  # FIRST NEXT CATEGORY: "HH:00–HH:00 (N min" of the busiest hour over the complete days
	q "WITH days AS (
	     SELECT DISTINCT date FROM marts.daily_category
	     WHERE date >= '$1' AND date < '$2' AND complete AND actual_minutes IS NOT NULL),
	   h AS (SELECT extract(hour FROM time AT TIME ZONE 'Asia/Tokyo')::int AS hr, sum(actual_minutes) AS m
	         FROM marts.hourly_category JOIN days USING (date) WHERE category = '$3' GROUP BY 1)
	   SELECT lpad(hr::text, 2, '0') || ':00–' || lpad(((hr + 1) % 24)::text, 2, '0') || ':00 ('
	          || round(m / (SELECT count(*) FROM days)) || ' min'
	   FROM h ORDER BY m DESC, hr LIMIT 1"
}
cbusy() {
	bad=0; n=0
	while IFS="|" read -r cat name; do
		n=$((n + 1))
		cur=$(busiest "$M-01" "$(date -d "$M-01 +1 month" +%F)" "$cat")
		prev=$(busiest "$(date -d "$M-01 -1 month" +%F)" "$M-01" "$cat")
		grep -qF "$name · busiest hour $cur per day; last month $prev)" "$T_TMP/m.txt" ||
			{ echo "$name lacks busiest hour $cur, last month $prev"; bad=1; }
	done < <(q "SELECT h.category, c.display_name FROM marts.hourly_category h
	            JOIN ref.categories c USING (category)
	            WHERE h.date >= '$M-01' AND h.date < date '$M-01' + interval '1 month'
	              AND h.date IN (SELECT date FROM marts.daily_category WHERE complete AND actual_minutes IS NOT NULL)
	              AND h.category NOT IN ('Untracked', 'Uncategorized')
	            GROUP BY 1, 2 ORDER BY sum(h.actual_minutes) DESC, min(c.sort_order) LIMIT 4")
	[ "$bad" -eq 0 ] && [ "$n" -eq 4 ]
}
t_ok "the busiest hour of each main category, and last month's: the shift (SQL)" cbusy

c9() {
	bad=0; rows=0
	while IFS="|" read -r cat name mins share; do
		# Only the blocks the page had room for; each printed item must match.
		grep -qF "$cat · " "$T_TMP/m.txt" || continue
		grep -qF "$cat · " "$T_TMP/m.txt" && grep -q "tracked" "$T_TMP/m.txt" || continue
		awk -v t="$cat · " "/ h tracked\$/ { f = index(\$0, t) == 1 } f" "$T_TMP/m.txt" > "$T_TMP/block.txt"
		[ -s "$T_TMP/block.txt" ] || continue
		rows=$((rows + 1))
		perl -ne "BEGIN { \$n = shift; \$v = shift } \$hit = 1 if /\Q\$n\E\s+\Q\$v\E/; END { exit !\$hit }" \
			"$name" "$mins $share %" "$T_TMP/block.txt" || { echo "top item $name of $cat lacks $mins $share %"; bad=1; }
	done < <(q "WITH rec AS (
	              SELECT a.category, a.minutes, coalesce(a.project_name, '') AS project,
	                     coalesce(a.description, '') AS description, t.tags
	              FROM core.actual_records a LEFT JOIN core.time_entries t USING (time_entry_id)
	              WHERE a.date >= '$M-01' AND a.date < date '$M-01' + interval '1 month' AND NOT a.is_untracked),
	            tot AS (SELECT category, sum(minutes) AS total FROM rec GROUP BY 1),
	            items AS (
	              SELECT category, 1 AS kind, project AS name, sum(minutes) AS m FROM rec GROUP BY 1, 3
	              UNION ALL SELECT category, 2, coalesce(tag, ''), sum(minutes)
	                FROM rec LEFT JOIN LATERAL unnest(rec.tags) AS tag ON true GROUP BY 1, 3
	              UNION ALL SELECT category, 3, description, sum(minutes) FROM rec GROUP BY 1, 3),
	            ranked AS (SELECT i.*, row_number() OVER (PARTITION BY category, kind ORDER BY m DESC, name) AS rk FROM items i)
	            SELECT c.display_name, r.name, $(hm r.m), round(100 * r.m / t.total)
	            FROM ranked r JOIN tot t USING (category) JOIN ref.categories c USING (category)
	            WHERE rk <= 3 AND r.name <> ''")
	[ "$bad" -eq 0 ] && [ "$rows" -ge 5 ]
}
t_ok "top projects, tags and descriptions per category: minutes and share (SQL over core)" c9
c10() {
	grep -q "Forecast accuracy" "$T_TMP/m.txt" && ! grep -q "Month-end projections" "$T_TMP/m.txt" &&
		grep -q "estimates as of $PREV_END" "$T_TMP/m.txt" || exit 1
	bad=0; rows=0
	while IFS="|" read -r name est lo hi act d p in; do
		rows=$((rows + 1))
		grep -E "^ ?$(re "$name") $(re "$est") $(re "$lo")–$(re "$hi") $(re "$act") $(re "$d") \($(re "$p")\) $in$" "$T_TMP/m1.txt" >/dev/null ||
			{ echo "forecast of $name lacks $est $lo–$hi $act $d ($p) $in"; bad=1; }
	# The calibrated interval: the month projection of the same snapshot
	# (analytics.month_projections, from the backtest's errors of sums).
	done < <(q "WITH s AS (SELECT max(calculated_at) AS at FROM analytics.estimates WHERE as_of = '$PREV_END'),
	            e AS (SELECT category, projected_minutes AS est, lower80 AS lo, upper80 AS hi
	                  FROM analytics.month_projections, s WHERE calculated_at = s.at AND as_of = '$PREV_END'
	                    AND month = '$M-01')
	            SELECT c.display_name, $(hm est), $(hm lo), $(hm hi), $(hm m.actual_minutes),
	                   $(shm "m.actual_minutes - est"), $(pct "m.actual_minutes - est" est),
	                   CASE WHEN m.actual_minutes BETWEEN lo AND hi THEN 'yes' ELSE 'no' END
	            FROM e JOIN marts.monthly_category m ON m.category = e.category AND m.month = '$M-01'
	            JOIN ref.categories c ON c.category = e.category WHERE est > 0")
	[ "$bad" -eq 0 ] && [ "$rows" -ge 3 ] &&
	grep -q "calibrated intervals" "$T_TMP/m1.txt"
}
t_ok "forecast accuracy of $M: estimates as of $PREV_END with the calibrated intervals against the actual (SQL over analytics.month_projections)" c10
t_eq "no text overflows its box" 0 \
	"$(t_psql "SELECT detail->>'overflowing_texts' FROM ops.runs WHERE job = 'report' ORDER BY id DESC LIMIT 1")"
c11() {
	pdftoppm -png -r 40 "$PDF" "$T_TMP/page" 2>"$T_TMP/ppm.err" && [ ! -s "$T_TMP/ppm.err" ] &&
		[ "$(ls "$T_TMP"/page-*.png | wc -l)" -eq 6 ]
}
t_ok "pdftoppm renders the 6 pages" c11
c12() {
	"$DWHBI" -q report --lang en --month $M -o "$T_TMP/again.pdf" --generated-at $GEN >/dev/null &&
		cmp "$PDF" "$T_TMP/again.pdf"
}
t_ok "the same data and --generated-at give the same bytes" c12
c13() {
	grep -qF "generated 2026-01-01 09:00" "$T_TMP/m.txt" && ! grep -qF "T00:00:00Z" "$T_TMP/m.txt"
}
t_ok "generated at is printed in the warehouse zone (2026-01-01T00:00Z = 09:00 JST)" c13
t_ok "no percentage reads -0 %" '! grep -qE "[−-]0 %" "$T_TMP/m.txt"'

CUR=$(TZ=Asia/Tokyo date +%Y-%m)
c14() {
	"$DWHBI" -q report --lang en --month $CUR -o "$T_TMP/cur.pdf" >/dev/null &&
	pdftotext -layout "$T_TMP/cur.pdf" "$T_TMP/cur.txt" &&
	grep -q "Month-end projections" "$T_TMP/cur.txt" && grep -q "partial month" "$T_TMP/cur.txt" &&
	grep -q "Partial month:" "$T_TMP/cur.txt" && ! grep -q "Forecast accuracy" "$T_TMP/cur.txt"
}
t_ok "the running month $CUR has the projection and the partial month marker, no forecast accuracy" c14

# Languages: every label follows --lang; the default is Japanese here (the
# zone is Asia/Tokyo and the names are Japanese).
c15() {
	"$DWHBI" -q report --lang ja --month $M -o "$T_TMP/ja.pdf" --generated-at $GEN >/dev/null &&
	pdftotext -layout "$T_TMP/ja.pdf" "$T_TMP/ja.txt" &&
	grep -q "月次レポート" "$T_TMP/ja.txt" && grep -q "推定の精度" "$T_TMP/ja.txt" &&
	! grep -qE "Key figures|Summary|Forecast accuracy|Goals per period|Hours of the day|Categories|page [0-9] of|Total|per day|busiest" "$T_TMP/ja.txt"
}
t_ok "--lang ja labels the report in Japanese, none of the English labels remain" c15
c16() {
	"$DWHBI" -q report --month $M -o "$T_TMP/def.pdf" --generated-at $GEN >/dev/null &&
	pdftotext "$T_TMP/def.pdf" - | grep -q "月次レポート" &&
	[ "$(t_psql "SELECT detail->>'lang' FROM ops.runs WHERE job = 'report' ORDER BY id DESC LIMIT 1")" = ja ]
}
t_ok "without --lang the report is Japanese (zone Asia/Tokyo), and records the language" c16
t_ok "--lang fr is a usage error (exit 2)" 't_must_fail 2 "$DWHBI" report --month $M --lang fr 2>/dev/null'
c17() {
	"$DWHBI" -q report --lang en --month $M --top 5 -o "$T_TMP/top5.pdf" --generated-at $GEN >/dev/null &&
	pdftotext "$T_TMP/top5.pdf" - | grep -q "the 5 largest per list" &&
	t_must_fail 2 "$DWHBI" report --month $M --top 0 2>/dev/null
}
t_ok "--top 5 lists up to 5 per list; --top 0 is a usage error" c17
t_done
