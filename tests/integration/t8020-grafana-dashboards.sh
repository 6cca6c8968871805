#!/usr/bin/env bash
# t8020: `dwhbi grafana dashboards` — the provisioned JSON in grafana/ is its
# output for the example config (config/, Asia/Tokyo); on a demo warehouse
# (the synthetic person through sync, transform, analyze and adjust) the
# generated dashboards carry one colour override per category equal to
# ref.categories.color, the warehouse's zone and an __inputs datasource, and
# every panel query — macros expanded as Grafana expands them ($__timeFilter
# on timestamp and date columns, $__timeGroupAlias, a multi-select category
# variable) — runs and returns rows of its panel's shape, as a role that may
# read only marts.* — the estimate panel too, through the view
# marts.estimate_bands (sql/0165).
# With DWHBI_UPDATE_GRAFANA=1 the example output is copied into grafana/.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo
EXPAND="$SRCDIR/grafana/expand-queries.pl"

# -- the example config's output is what grafana/ provisions ---------------------------
t_migrated_db
"$DWHBI" -q seed --config "$SRCDIR/config" >/dev/null || { echo "seed failed"; exit 1; }
"$DWHBI" grafana dashboards -o "$T_TMP/example" > "$T_TMP/written" 2>"$T_TMP/err"
t_eq "it writes three dashboards and names them" 3 "$(wc -l < "$T_TMP/written")"
if [ "${DWHBI_UPDATE_GRAFANA:-}" = 1 ]; then
	rm -f "$SRCDIR"/grafana/dashboards/*.json
	cp "$T_TMP"/example/*.json "$SRCDIR/grafana/dashboards/"
fi
t_ok "grafana/dashboards holds exactly its output for the example config" '
	diff <(cd "$T_TMP/example" && ls) <(cd "$SRCDIR/grafana/dashboards" && ls)
	for f in "$T_TMP"/example/*.json; do cmp "$f" "$SRCDIR/grafana/dashboards/${f##*/}"; done'
"$DWHBI" grafana dashboards -o "$T_TMP/again" >/dev/null
t_ok "generating again gives the same bytes" 'for f in "$T_TMP"/example/*.json; do cmp "$f" "$T_TMP/again/${f##*/}"; done'
t_must_fail 2 "$DWHBI" grafana >/dev/null 2>"$T_TMP/err"
t_ok "without 'dashboards' it is a usage error that says what to type" 'grep -q "dwhbi grafana dashboards" "$T_TMP/err"'
t_must_fail 2 "$DWHBI" grafana dashboards --bogus >/dev/null 2>&1
t_ok "--help documents -o" '"$DWHBI" grafana --help | grep -q -- "-o DIR"'

# -- a demo warehouse ----------------------------------------------------------------------
t_migrated_db
t_demo_days 11 63
t_ok "the demo pipeline builds marts, estimates and goal status" '
	{ t_demo_pipeline "$DAYS" && "$DWHBI" -q analyze && "$DWHBI" -q adjust; } >"$T_TMP/pipeline.out" 2>&1 ||
		{ tail -5 "$T_TMP/pipeline.out"; exit 1; }'
# A zone of its own and a recoloured category, so nothing is the example's.
t_psql "UPDATE ref.categories SET color = '#123abc' WHERE category = 'Work'" >/dev/null
"$DWHBI" grafana dashboards -o "$T_TMP/demo" >/dev/null 2>"$T_TMP/err" || { cat "$T_TMP/err"; exit 1; }
D="$T_TMP/demo"

t_eq "every dashboard's timezone is the warehouse's" "Asia/Tokyo Asia/Tokyo Asia/Tokyo" \
	"$(for f in "$D"/dwhbi-overview.json "$D"/dwhbi-goals.json "$D"/dwhbi-runs.json; do jq -r .timezone "$f"; done | xargs)"
t_eq "the zone is the one stored in the warehouse" "$(t_psql "SELECT value FROM ref.settings WHERE key = 'timezone'")" \
	"$(jq -r .timezone "$D/dwhbi-overview.json")"
t_ok "each has an __inputs datasource, used by its datasource variable and every panel" '
	for f in "$D"/*.json; do
		jq -e "[.__inputs[] | select(.type == \"datasource\" and .pluginId == \"postgres\" and .name == \"DS_DWHBI\")] | length == 1" "$f" >/dev/null
		jq -e ".templating.list[] | select(.type == \"datasource\" and .name == \"ds\") | .current.value == \"\${DS_DWHBI}\"" "$f" >/dev/null
		jq -e "[.. | objects | select(has(\"datasource\")) | .datasource | select(type == \"object\") | .uid] | all(. == \"\${ds}\")" "$f" >/dev/null
		jq -e "[.panels[] | select(.type != \"row\")] | all(.datasource.uid == \"\${ds}\")" "$f" >/dev/null
	done'
colors=$(t_psql "SELECT string_agg(display_name || '=' || lower(color), ',' ORDER BY sort_order, category) FROM ref.categories")
n_over=0
for title in "Minutes per day by category (stacked)" "Per-day average by week (minutes)" "Per-day average by month (minutes)"; do
	got=$(jq -r --arg t "$title" '.panels[] | select(.title == $t) | [.fieldConfig.overrides[] | select(.properties[0].id == "color") | "\(.matcher.options)=\(.properties[0].value.fixedColor)"] | join(",")' "$D/dwhbi-overview.json")
	t_eq "'$title': one colour override per category, equal to ref.categories.color" "$colors" "$got"
done
t_ok "the recoloured category is in its new colour" 'grep -q "#123abc" "$D/dwhbi-overview.json"'

# -- every query on the demo warehouse -------------------------------------------------------
# The reader: a role (made by the cluster's superuser: the test's own role
# may not create roles) that may read marts.* only.  The grants themselves
# are the owner's.
R=t8020_reader_$$
if psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -c "CREATE ROLE $R NOLOGIN; GRANT $R TO $PGUSER" >/dev/null 2>&1; then
	trap 'psql -X -q -U postgres -d "$PGDATABASE" -c "DROP OWNED BY $R" -c "DROP ROLE $R" >/dev/null 2>&1; t__cleanup' EXIT
	t_psql "GRANT USAGE ON SCHEMA marts TO $R; GRANT SELECT ON ALL TABLES IN SCHEMA marts TO $R" >/dev/null
	setrole() { echo "SET ROLE $1;"; }
else
	t_skip "queries run as a marts-only role" "cannot create roles in this cluster; the relation check below still runs"
	setrole() { :; }
fi
# The range ends 14 days ahead, as the goals board's does (time.to
# now+14d), so the estimate panel has the days after today to show.
NOW=$(date -u -d "+14 days" +%FT%TZ)
t_eq "the goals board's range reaches 14 days ahead, where the estimates are" "now+14d" \
	"$(jq -r .time.to "$D/dwhbi-goals.json")"
mkdir -p "$T_TMP/q"
n=$(perl "$EXPAND" "$T_TMP/q" "${FROM}T00:00:00Z" "$NOW" 1h "$D"/*.json) || { echo "cannot expand the queries"; exit 1; }
t_ok "the dashboards hold panel queries ($n)" '[ "$n" -ge 18 ]'
t_ok "the macros Grafana expands are all used: timeFilter on timestamp and date columns, timeGroupAlias, multi-select" '
	grep -h "rawSql" "$D"/*.json | grep -q "\$__timeFilter(\\\\\"time\\\\\")"
	grep -h "rawSql" "$D"/*.json | grep -q "\$__timeFilter(date)"
	grep -h "rawSql" "$D"/*.json | grep -q "\$__timeFilter(period_start)"
	grep -h "rawSql" "$D"/*.json | grep -q "\$__timeGroupAlias(started_at"
	grep -h "rawSql" "$D"/*.json | grep -q "IN (\$category)"
	grep -q "IN ('"'"'Sleep'"'"','"'"'Meals'"'"'" "$T_TMP"/q/*.sql'
for meta in "$T_TMP"/q/*.meta; do
	sql="${meta%.meta}.sql"
	IFS=$'\t' read -r format board title < "$meta"
	role=$R
	t_ok "$board: '$title' ($format) runs as a marts-only reader and returns rows of its shape" '
		{ setrole "$role"; cat "$sql"; echo ";"; } | psql -X -q -A -t -F "|" -v ON_ERROR_STOP=1 > "$sql.rows"
		{ setrole "$role"; cat "$sql"; printf "\n\\\\gdesc\n"; } | psql -X -q -A -t -F "|" -v ON_ERROR_STOP=1 > "$sql.desc"
		[ -s "$sql.rows" ] || { echo "no rows"; cat "$sql"; exit 1; }
		case "$format" in
		time_series)
			first=$(head -1 "$sql.desc")
			[ "${first%%|*}" = time ] || { echo "first column: $first"; exit 1; }
			case "${first#*|}" in timestamp*|numeric|double*|bigint|integer) ;; *) exit 1 ;; esac
			tail -n +2 "$sql.desc" | while IFS="|" read -r col type; do
				case "$type" in numeric|double*|bigint|integer|real) ;;
				text) [ "$col" = metric ] || { echo "text column $col"; exit 1; } ;;
				*) echo "column $col: $type"; exit 1 ;; esac
			done ;;
		table|variable) [ "$(wc -l < "$sql.desc")" -ge 1 ] ;;
		*) echo "unknown format $format"; exit 1 ;;
		esac'
	t_ok "$board: '$title' names only marts.* relations" '
		refs=$(grep -oiE "(from|join)[[:space:]]+[a-z_]+\.[a-z_]+" "$sql" | awk "{ print tolower(\$2) }" | sort -u)
		for r in $refs; do
			case $r in marts.*) ;; *) echo "reads $r"; exit 1 ;; esac
		done'
done
[ "$(type -t setrole)" = function ] && [ -n "$(setrole x)" ] &&
t_ok "the marts-only reader really cannot read the rest (the check can fail)" '
	! psql -X -q -v ON_ERROR_STOP=1 -c "SET ROLE $R; SELECT 1 FROM analytics.latest_estimates LIMIT 1" >/dev/null 2>&1 &&
	! psql -X -q -v ON_ERROR_STOP=1 -c "SET ROLE $R; SELECT 1 FROM ops.runs LIMIT 1" >/dev/null 2>&1'

q() { for meta in "$T_TMP"/q/*.meta; do grep -qF "$1" "$meta" && { echo "${meta%.meta}.sql"; return; }; done; }
tracked_today=$(t_psql "SELECT coalesce(sum(actual_minutes), 0) FROM marts.daily_category WHERE date = (now() AT TIME ZONE 'Asia/Tokyo')::date AND category <> 'Untracked'")
t_eq "'Tracked today' is today's tracked minutes in the warehouse's zone" "$tracked_today" \
	"$(psql -X -A -t -f "$(q 'Tracked today')")"
t_eq "the stacked panel has one value per local day and category with data" \
	"$(t_psql "SELECT count(*) FROM marts.daily_category WHERE actual_minutes IS NOT NULL AND time >= '${FROM}T00:00:00Z'")" \
	"$(wc -l < "$(q 'Minutes per day by category').rows")"
t_eq "the heat map has a row per weekday with data and 24 hour columns" "7 25" \
	"$(awk -F'|' 'END { print NR, NF }' "$(q 'Hour of day x weekday').rows")"
t_ok "the heat map's cells add up to the tracked minutes per day on average" '
	f=$(q "Hour of day x weekday").rows
	got=$(awk -F"|" "{ for (i = 2; i <= NF; i++) s += \$i } END { printf \"%.0f\", s / 7 }" "$f")
	want=$(t_psql "SELECT round(sum(actual_minutes) / count(DISTINCT date) * 1.0) FROM marts.daily_category WHERE actual_minutes IS NOT NULL AND category <> '"'Untracked'"' AND time >= '"'${FROM}T00:00:00Z'"'")
	echo "cells/7 $got, per day $want"
	awk -v a="$got" -v b="$want" "BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * 0.15) }"'
t_ok "the estimate panel has the 80 % and 95 % bands, the 95 % band around the 80 %" '
	head -3 "$(q "Estimate for").rows"
	awk -F"|" "{ if (!(\$5 <= \$3 && \$3 <= \$2 && \$2 <= \$4 && \$4 <= \$6)) bad++ } END { exit bad > 0 }" "$(q "Estimate for").rows"'
t_ok "the estimate panel (marts.estimate_bands) shows exactly the analyzer's latest snapshot" '
	f=$(q "Estimate for")
	sed "s/FROM marts\.estimate_bands e/FROM (SELECT target_date AS date, * FROM analytics.latest_estimates) e/" "$f" > "$T_TMP/est-direct.sql"
	! grep -q estimate_bands "$T_TMP/est-direct.sql"
	psql -X -q -A -t -F "|" -v ON_ERROR_STOP=1 -f "$T_TMP/est-direct.sql" > "$T_TMP/est-direct.rows"
	[ -s "$T_TMP/est-direct.rows" ] && cmp "$T_TMP/est-direct.rows" "$f.rows"'
t_ok "the analyzer, the adjuster and the transform never read marts.estimate_bands (no loop back)" '
	! grep -rn "estimate_bands" "$SRCDIR"/analyzer "$SRCDIR"/adjuster "$SRCDIR"/transform'
t_done
