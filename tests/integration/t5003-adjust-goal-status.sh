#!/usr/bin/env bash
# `dwhbi adjust` stores every goal's status in its current period in
# analytics.goal_status (sql/0051): the rows say what the text and JSON output
# say for the same as-of, a re-run replaces them (no duplicates, same values),
# other as-of dates keep their snapshot, and analytics.latest_goal_status shows
# the newest as-of.  accept/reject do not touch the snapshot.
. "$SRCDIR/tests/lib.sh"

FIXTURE="$SRCDIR/tests/fixtures/adjuster/person.sql"
t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$FIXTURE" >/dev/null || { echo "fixture failed"; exit 1; }

# psql with the file $1 bound to :'j' and the query file $2.
with_json() { psql -X -A -t -q -v ON_ERROR_STOP=1 -v j="$(cat "$1")" -f "$2"; }

# One line per goal, as the JSON rounds it (numbers as float8 text, so 420
# and 420.0 compare equal).
cat > "$T_TMP/from_json.sql" <<'SQL'
SELECT string_agg(concat_ws(' ', g->>'goal_id', g->>'category', g->>'period_start',
                            g->>'period_end', g->>'minutes',
                            (g->>'actual_so_far')::float8, (g->>'expected')::float8,
                            (g->>'sd')::float8, coalesce(g->>'probability', '-'),
                            g->>'status', coalesce(g->>'hits', '-'), g->>'periods'),
                  E'\n' ORDER BY (g->>'goal_id')::bigint)
FROM jsonb_array_elements(:'j'::jsonb->'goals') g;
SQL
# The same from the table (or the view), rounded like the JSON.
status_lines() { # RELATION AS_OF
	t_psql "SELECT string_agg(concat_ws(' ', goal_id, category, period_start, period_end,
	                goal_minutes, round(so_far::numeric, 1)::float8, round(expected::numeric, 1)::float8,
	                round(sd::numeric, 1)::float8,
	                coalesce(round(probability::numeric, 4)::float8::text, '-'),
	                status, coalesce(hits::text, '-'), periods),
	         E'\n' ORDER BY goal_id) FROM $1 WHERE as_of = '$2'"
}

t_ok "adjust stores one goal_status row per goal, matching its JSON" '
	"$DWHBI" adjust --as-of 2026-11-20 --format json > "$T_TMP/j1"
	want=$(with_json "$T_TMP/j1" "$T_TMP/from_json.sql")
	got=$(status_lines analytics.goal_status 2026-11-20)
	[ -n "$want" ] && [ "$(echo "$want" | wc -l)" -eq 5 ] || { echo "json: $want"; exit 1; }
	[ "$want" = "$got" ] || { echo "json:"; echo "$want"; echo "table:"; echo "$got"; exit 1; }
'
t_ok "the rows match the text output (P(met) and status per goal id)" '
	"$DWHBI" adjust --as-of 2026-11-20 > "$T_TMP/t1"
	# columns: id category type period dir goal period so_far mean ± sd P status ...
	want=$(awk "/^goals\$/ {on=1; getline; next} on && /^\$/ {on=0} on {print \$1, \$12, \$13}" "$T_TMP/t1" | sort -n)
	got=$(t_psql "SELECT string_agg(concat_ws('\'' '\'', goal_id,
	                coalesce(to_char(probability, '\''FM0.00'\''), '\''-'\''), status),
	                E'\''\n'\'' ORDER BY goal_id) FROM analytics.goal_status
	              WHERE as_of = '\''2026-11-20'\''")
	[ "$(echo "$want" | wc -l)" -eq 5 ] || { echo "text: $want"; exit 1; }
	[ "$want" = "$got" ] || { echo "text:"; echo "$want"; echo "table:"; echo "$got"; exit 1; }
	grep -q " neutral " <<< "$got"
	grep -q "^[0-9]* - neutral\$" <<< "$got"
'
t_ok "a re-run replaces the rows of its as-of: no duplicates, same values, newer calculated_at" '
	before=$(status_lines analytics.goal_status 2026-11-20)
	t0=$(t_psql "SELECT max(calculated_at) FROM analytics.goal_status")
	"$DWHBI" adjust --as-of 2026-11-20 > /dev/null
	[ "$(t_psql "SELECT count(*), count(DISTINCT calculated_at) FROM analytics.goal_status")" = "5|1" ]
	[ "$(t_psql "SELECT min(calculated_at) > '\''$t0'\'' FROM analytics.goal_status")" = t ]
	[ "$before" = "$(status_lines analytics.goal_status 2026-11-20)" ]
'
t_ok "another as-of keeps its own snapshot; the view shows the greatest as-of" '
	"$DWHBI" adjust --as-of 2026-11-19 --format json > "$T_TMP/j0"
	[ "$(t_psql "SELECT as_of, count(*) FROM analytics.goal_status GROUP BY 1 ORDER BY 1")" = \
	  "2026-11-19|5
2026-11-20|5" ]
	[ "$(t_psql "SELECT DISTINCT as_of FROM analytics.latest_goal_status")" = 2026-11-20 ]
	[ "$(status_lines analytics.latest_goal_status 2026-11-20)" = "$(status_lines analytics.goal_status 2026-11-20)" ]
	[ "$(with_json "$T_TMP/j0" "$T_TMP/from_json.sql")" = "$(status_lines analytics.goal_status 2026-11-19)" ]
'
t_ok "accept and reject leave the snapshot alone" '
	before=$(t_psql "SELECT string_agg(concat_ws('\''/'\'', as_of, goal_id, calculated_at), '\'','\'' ORDER BY as_of, goal_id) FROM analytics.goal_status")
	p=$(t_psql "SELECT min(proposal_id) FROM analytics.goal_proposals WHERE state = '\''pending'\''")
	[ -n "$p" ] && [ -n "$before" ]
	"$DWHBI" adjust reject "$p" > /dev/null
	[ "$before" = "$(t_psql "SELECT string_agg(concat_ws('\''/'\'', as_of, goal_id, calculated_at), '\'','\'' ORDER BY as_of, goal_id) FROM analytics.goal_status")" ]
'
t_done
