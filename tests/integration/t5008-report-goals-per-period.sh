#!/usr/bin/env bash
# t5008: the monthly report judges each goal per period on its own day type,
# with the numbers of marts.goal_achievement: for every goal of the demo
# month the PDF shows "hits of periods" equal to the mart, 娯楽's achieved
# figure uses holidays only, the change against the previous month is per
# day, and a report of the running month says it is partial and counts only
# periods that are over.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/adjuster/demo-lib.sh"

# Data from the 1st of the month before last, so last month has a previous
# month to compare with.
TODAY=$(TZ=Asia/Tokyo date +%F)
MONTH=$(TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%Y-%m-15) -1 month" +%Y-%m)
START=$(date -u -d "$MONTH-01 -1 month" +%F)
DEMO_DAYS=$(( ( $(date -u -d "$TODAY" +%s) - $(date -u -d "$START" +%s) ) / 86400 + 1 ))
demo_db
"$DWHBI" -q goals import "$SRCDIR/config/goals.csv" > /dev/null
"$DWHBI" -q transform > /dev/null
M1="$MONTH-01"
PDF=$T_TMP/month.pdf
t_ok "the report of $MONTH renders" '
	"$DWHBI" -q report --lang en --month "$MONTH" -o "$PDF" > /dev/null
	pdftotext -layout "$PDF" "$T_TMP/month.txt"
'
HM="floor(round(%s) / 60)::bigint || ':' || lpad((round(%s) %% 60)::bigint::text, 2, '0')"
hm() { printf "$HM" "$1" "$1"; }

t_ok "every goal of the month shows its hits of marts.goal_achievement" '
	n=0
	while IFS="|" read -r name type period hits periods unit; do
		n=$((n + 1))
		grep -E "^ *$name · $type, per $period, .* $hits of $periods $unit" "$T_TMP/month.txt" >/dev/null ||
			{ echo "goal $name $type $period: no \"$hits of $periods $unit\""; exit 1; }
	done < <(t_psql "SELECT c.display_name, a.day_type, a.period,
	                 count(*) FILTER (WHERE a.met AND a.complete), count(*) FILTER (WHERE a.complete),
	                 a.period || CASE WHEN count(*) FILTER (WHERE a.complete) = 1 THEN '\'''\'' ELSE '\''s'\'' END
	                 FROM marts.goal_achievement a JOIN ref.categories c USING (category)
	                 WHERE a.period_start >= '\''$M1'\'' AND a.period_start < '\''$M1'\''::date + interval '\''1 month'\''
	                   AND a.direction <> '\''neutral'\''
	                 GROUP BY 1, 2, 3")
	[ "$n" -ge 5 ]
'
t_ok "the Typst data carries the same hits" '
	"$DWHBI" -q report --lang en --month "$MONTH" --format typst -o "$T_TMP/typ" > /dev/null
	j=$(cat "$T_TMP/typ/report.json")
	[ "$(t_psql "SELECT count(*) FROM jsonb_array_elements(\$j\$${j}\$j\$::jsonb->'\''goals'\'') g
	             JOIN (SELECT category, day_type, period,
	                          count(*) FILTER (WHERE met AND complete) AS hits,
	                          count(*) FILTER (WHERE complete) AS periods
	                   FROM marts.goal_achievement
	                   WHERE period_start >= '\''$M1'\'' AND period_start < '\''$M1'\''::date + interval '\''1 month'\''
	                   GROUP BY 1, 2, 3) a
	             ON a.category = g->>'\''category'\'' AND a.day_type = g->>'\''day_type'\''
	                AND a.period = g->>'\''period'\''
	             WHERE (g->>'\''hits'\'')::int = a.hits AND (g->>'\''periods'\'')::int = a.periods")" = \
	  "$(t_psql "SELECT count(DISTINCT (category, day_type, period)) FROM marts.goal_achievement
	             WHERE period_start >= '\''$M1'\'' AND period_start < '\''$M1'\''::date + interval '\''1 month'\''")" ]
'
RANGE="date >= '$M1' AND date < '$M1'::date + interval '1 month'"
HOLI=$(t_psql "SELECT round(100 * sum(actual_minutes) / sum(goal_minutes)) FROM marts.daily_category
               WHERE category = 'Entertainment' AND $RANGE AND complete AND day_type = 'holiday'")
ALL=$(t_psql "SELECT round(100 * sum(actual_minutes) / sum(goal_minutes) FILTER (WHERE day_type = 'holiday'))
              FROM marts.daily_category WHERE category = 'Entertainment' AND $RANGE AND complete")
t_ok "娯楽's achieved figure uses holidays only ($HOLI %, not $ALL % over all days)" '
	[ -n "$HOLI" ] && [ "$HOLI" != "$ALL" ]
	grep -E "^ *娯楽 .* $HOLI % ≤ " "$T_TMP/month.txt" >/dev/null
'
t_ok "the change against the previous month is per day" '
	bad=0
	while IFS="|" read -r name change; do
		grep -E "^ *$name .* ${change//+/\\+}/day" "$T_TMP/month.txt" >/dev/null ||
			{ echo "row of $name lacks ${change}/day"; bad=1; }
	done < <(t_psql "WITH d AS (SELECT category,
	                   avg(actual_minutes) FILTER (WHERE $RANGE) - avg(actual_minutes) FILTER (WHERE NOT ($RANGE)) AS d
	                   FROM marts.daily_category WHERE complete AND actual_minutes IS NOT NULL
	                     AND date >= '\''$M1'\''::date - interval '\''1 month'\'' AND date < '\''$M1'\''::date + interval '\''1 month'\''
	                   GROUP BY category)
	                 SELECT c.display_name, CASE WHEN d >= 0 THEN '\''+'\'' ELSE '\''-'\'' END || $(hm "abs(d)")
	                 FROM d JOIN ref.categories c USING (category) WHERE c.category IN ('\''Sleep'\'', '\''Work'\'', '\''Entertainment'\'')")
	[ "$bad" -eq 0 ]
'
CUR=$(TZ=Asia/Tokyo date +%Y-%m)
t_ok "a report of the running month ($CUR) says it is partial" '
	"$DWHBI" -q report --lang en --month "$CUR" -o "$T_TMP/cur.pdf" > /dev/null
	pdftotext -layout "$T_TMP/cur.pdf" "$T_TMP/cur.txt"
	n=$(t_psql "SELECT count(*) FROM core.days WHERE complete AND date >= '\''$CUR-01'\''")
	grep -q "Partial month: $n of $(t_psql "SELECT extract(day FROM (date '\''$CUR-01'\'' + interval '\''1 month'\'' - interval '\''1 day'\''))::int") days are over" "$T_TMP/cur.txt"
	! grep -q "Partial month" "$T_TMP/month.txt"
'
t_ok "the running month counts only periods that are over (today is never met so far)" '
	open=$(t_psql "SELECT count(*) FROM marts.goal_achievement WHERE NOT complete AND period_start >= '\''$CUR-01'\''")
	[ "$open" -gt 0 ]
	sleep_hits=$(t_psql "SELECT count(*) FILTER (WHERE met AND complete) || '\'' of '\'' || count(*) FILTER (WHERE complete)
	                     FROM marts.goal_achievement WHERE category = '\''Sleep'\'' AND period = '\''day'\''
	                       AND period_start >= '\''$CUR-01'\''")
	grep -E "^ *睡眠 · any, per day, .* $sleep_hits day" "$T_TMP/cur.txt"
	hits=$(t_psql "SELECT count(*) FILTER (WHERE met AND complete) || '\'' of '\'' || count(*) FILTER (WHERE complete)
	               FROM marts.goal_achievement WHERE direction <> '\''neutral'\'' AND period_start >= '\''$CUR-01'\''")
	grep -q "$hits" "$T_TMP/cur.txt"
'
t_done
