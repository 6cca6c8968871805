#!/usr/bin/env bash
# t3004: every SQL query of the Grafana dashboards runs against a transformed
# test database.  The queries are extracted from grafana/dashboards/*.json
# (the output of `dwhbi grafana dashboards`, see t8020), their macros
# ($__timeFilter, $__timeGroupAlias, $__interval, ...) and template variables
# (a multi-select one as a quoted list) expanded as Grafana would for March
# 2026 to now (grafana/expand-queries.pl), and each must
# succeed and return rows of the shape its panel format needs: time series
# start with a "time" column followed by numbers (or metric + value), tables
# have rows.  The provisioning files are checked for the keys Grafana needs.
. "$SRCDIR/tests/lib.sh"
t_migrated_db
export DWHBI_TIMEZONE=Asia/Tokyo
export GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'
FIX="$SRCDIR/tests/fixtures/transform"
psql -X -q -v ON_ERROR_STOP=1 -f "$FIX/tokyo-day.sql" >/dev/null || exit 1
cat > "$T_TMP/goals.csv" <<'CSV'
category,day_type,period,minutes,direction,valid_from
Work,weekday,day,360,more,2026-01-01
Sleep,any,day,420,more,2026-01-01
Reading,any,week,120,less,2026-01-01
CSV
"$DWHBI" -q seed --config "$FIX/config" >/dev/null &&
	"$DWHBI" -q goals import "$T_TMP/goals.csv" >/dev/null &&
	"$DWHBI" -q transform >/dev/null || { echo "cannot build the test marts" >&2; exit 1; }
# An estimate, so the estimate columns of the panels are not all NULL.
t_psql "INSERT INTO analytics.estimates VALUES (now(), '2026-03-11', '2026-03-12', 'Work', 'test', 400, 350, 450, 300, 500)" >/dev/null
"$DWHBI" -q transform >/dev/null

mkdir -p "$T_TMP/q"
n=$(perl "$SRCDIR/grafana/expand-queries.pl" "$T_TMP/q" 2026-03-01T00:00:00Z "$(date -u +%FT%TZ)" 1h \
	"$SRCDIR"/grafana/dashboards/*.json) || { echo "cannot extract the queries" >&2; exit 1; }
t_ok "the dashboards hold panel queries ($n)" '[ "$n" -ge 6 ]'

for meta in "$T_TMP"/q/*.meta; do
	sql="${meta%.meta}.sql"
	IFS=$'\t' read -r format board title < "$meta"
	t_ok "panel '$title' ($format) runs and returns rows of its shape" '
		psql -X -q -A -t -F "|" -v ON_ERROR_STOP=1 -f "$sql" > "$sql.rows"
		printf "%s\n\\gdesc\n" "$(cat "$sql")" | psql -X -q -A -t -F "|" -v ON_ERROR_STOP=1 > "$sql.desc"
		cat "$sql.desc"; head -3 "$sql.rows"
		[ -s "$sql.rows" ]
		case "$format" in
		time_series)
			first=$(head -1 "$sql.desc")
			[ "${first%%|*}" = time ]
			case "${first#*|}" in timestamp*|numeric|double*|bigint|integer) ;; *) exit 1 ;; esac
			# the other columns: numbers, or one text "metric" column
			tail -n +2 "$sql.desc" | while IFS="|" read -r col type; do
				case "$type" in numeric|double*|bigint|integer|real) ;;
				text) [ "$col" = metric ] || exit 1 ;;
				*) exit 1 ;; esac
			done
			[ "$(tail -n +2 "$sql.desc" | grep -c "|numeric\||double\||bigint\||integer")" -ge 1 ] ;;
		table|variable) [ "$(wc -l < "$sql.desc")" -ge 1 ] ;;
		*) echo "unknown format $format"; exit 1 ;;
		esac'
done

stacked=$(grep -l "Minutes per day by category (stacked)" "$T_TMP"/q/*.meta); stacked=${stacked%.meta}.sql
t_eq "the stacked panel sums to the minutes of 03-10 (24 hours)" "1440" \
	"$(psql -X -A -t -c "SELECT round(sum(value)) FROM ($(sed 's/ORDER BY 1, sort_order//' "$stacked")) q WHERE time >= '2026-03-10 00:00+09' AND time < '2026-03-11 00:00+09'")"

D="$SRCDIR/grafana/provisioning"
t_ok "datasource provisioning: a postgres datasource from environment variables" '
	grep -q "^apiVersion: 1" "$D/datasources/dwhbi.yaml" &&
	grep -q "type: postgres" "$D/datasources/dwhbi.yaml" &&
	grep -q "uid: dwhbi-pg" "$D/datasources/dwhbi.yaml" &&
	grep -q "password: \${DWHBI_PG_PASSWORD}" "$D/datasources/dwhbi.yaml" &&
	! grep -qi "password: [a-z0-9]" "$D/datasources/dwhbi.yaml"'
t_ok "dashboard provisioning points at a folder of dashboards" '
	grep -q "type: file" "$D/dashboards/dwhbi.yaml" && grep -q "path:" "$D/dashboards/dwhbi.yaml"'
DSVAR='${ds}'
t_ok "every panel uses the dashboard's datasource variable (provisioned: the default datasource; imported: __inputs)" '
	for f in "$SRCDIR"/grafana/dashboards/*.json; do
		jq -e --arg w "$DSVAR" "[.panels[] | select(.type != \"row\") | .datasource.uid] | all(. == \$w)" "$f" >/dev/null || exit 1
	done'
t_done
