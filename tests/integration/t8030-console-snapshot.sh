#!/usr/bin/env bash
# t8030: each console page reads one snapshot (issue 20).  A writer flips
# the warehouse between two committed states, as a transform commits its
# marts together with ops.model_builds (and the adjuster its proposals),
# hundreds of times a second, while the overview, the goals page and
# /api/goals are read over and over.  Every answer must show exactly state
# A or state B: the overview's "source_freshness was built" time (one
# query) agrees with the marts table's row count and refresh time (another
# query); the goals page's actual minutes (marts.goal_achievement) agree
# with the pending proposal's new goal (analytics.goal_proposals, read
# later); /api/goals' actual minutes agree with the goal's chance.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"
export DWHBI_TIMEZONE=UTC

t_migrated_db
console_fixture marts
t_psql "INSERT INTO ops.model_builds (model, built_at, rows) VALUES
        ('marts.source_freshness', '2026-01-01 00:00Z', 5),
        ('marts.goal_achievement', '2026-01-01 00:00Z', 4)" >/dev/null
console_start
N=60

# The flip to state B ($1 = 1) or back to A ($1 = -1), as PL/pgSQL.
flip_sql() {
	cat <<EOF
UPDATE ops.model_builds SET built_at = built_at + $1 * interval '1 day'
 WHERE model IN ('marts.source_freshness', 'marts.goal_achievement');
UPDATE marts.goal_achievement SET actual_minutes = actual_minutes + $1 * 100
 WHERE goal_id = 1 AND period_start = current_date;
UPDATE analytics.goal_proposals SET proposed_minutes = proposed_minutes + $1 * 20,
       probability_before = probability_before + $1 * 0.01
 WHERE proposal_id = 2;
IF $1 = 1 THEN
  INSERT INTO marts.goal_achievement (period, period_start, "time", goal_id, category, day_type,
          direction, goal_minutes, actual_minutes, achievement_rate, met, complete)
  VALUES ('day', current_date - 40, now(), 1, 'Sleep', 'any', 'more', 420, 1, 0, false, true);
ELSE
  DELETE FROM marts.goal_achievement WHERE period_start = current_date - 40;
END IF;
EOF
}
flip() { psql -X -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN $(flip_sql "$1") END \$\$;" >/dev/null; }

# Fingerprints: what each answer shows of the values the flip changes.
fp_overview() {
	perl -0777 -ne '
		my ($built) = /data-testid="freshness-source".*?<time datetime="([^"]+)"/s;
		my ($rows, $ref) = m{<code>marts\.goal_achievement</code>.*?data-label="Rows">(\d+)<.*?<time datetime="([^"]+)"}s;
		print "built=", $built // "?", " rows=", $rows // "?", " refreshed=", $ref // "?", "\n"'
}
fp_goals() {
	perl -0777 -ne '
		my ($actual) = m{<tr data-goal-id="1"[^>]*>.*?data-label="Actual">([^<]+)<}s;
		my ($prop) = m{id="proposal-2".*?→ <strong>([^<]+)</strong>}s;
		$actual =~ s/ /_/g if defined $actual; $prop =~ s/ /_/g if defined $prop;
		print "actual=", $actual // "?", " proposed=", $prop // "?", "\n"'
}
fp_api() {
	jq -r '.goals[] | select(.goal_id == 1) | "actual=\(.current_period.actual_minutes) chance=\(.probability)"' 2>/dev/null ||
		echo "?"
}

A_OV=$(http GET / | fp_overview); A_GO=$(http GET /goals | fp_goals); A_API=$(http GET /api/goals | fp_api)
flip 1
B_OV=$(http GET / | fp_overview); B_GO=$(http GET /goals | fp_goals); B_API=$(http GET /api/goals | fp_api)
flip -1
t_ok "the two states differ in every value the fingerprints read" '
	echo "A: $A_OV / $A_GO / $A_API"; echo "B: $B_OV / $B_GO / $B_API"
	[[ "$A_OV$A_GO$A_API$B_OV$B_GO$B_API" != *"?"* ]] &&
	paste -d" " <(tr " " "\n" <<<"$A_OV $A_GO $A_API") <(tr " " "\n" <<<"$B_OV $B_GO $B_API") |
		awk "\$1 == \$2 { bad = 1 } END { exit bad }"
'

# The writer: a bounded loop of committed flips (at most 40000, at most 90 s).
cat > "$T_TMP/writer.sql" <<EOF
DO \$\$
BEGIN
  FOR i IN 1..40000 LOOP
    IF i % 2 = 1 THEN
      $(flip_sql 1)
    ELSE
      $(flip_sql -1)
    END IF;
    COMMIT;
    PERFORM pg_sleep(0.0005);
  END LOOP;
END
\$\$;
EOF
timeout 90 psql -X -q -f "$T_TMP/writer.sql" >/dev/null 2>"$T_TMP/writer.err" &
WRITER=$!
T_PIDS+=("$WRITER")
sleep 0.3

declare -A seen
mixed=0 failed=0
check() {  # KIND FINGERPRINT A B
	if [ "$2" = "$3" ]; then seen[$1.a]=$(( ${seen[$1.a]:-0} + 1 ))
	elif [ "$2" = "$4" ]; then seen[$1.b]=$(( ${seen[$1.b]:-0} + 1 ))
	else mixed=$((mixed + 1)); echo "$1 mixes the states: $2" >&2
	fi
}
for i in $(seq 1 $N); do
	ov=$(http GET / | fp_overview); [ "$(http_status)" = 200 ] || failed=$((failed + 1))
	check overview "$ov" "$A_OV" "$B_OV"
	go=$(http GET /goals | fp_goals); [ "$(http_status)" = 200 ] || failed=$((failed + 1))
	check goals "$go" "$A_GO" "$B_GO"
	api=$(http GET /api/goals | fp_api); [ "$(http_status)" = 200 ] || failed=$((failed + 1))
	check api "$api" "$A_API" "$B_API"
done
writer_alive=0
kill -0 "$WRITER" 2>/dev/null && writer_alive=1
kill "$WRITER" 2>/dev/null
wait "$WRITER" 2>/dev/null

t_eq "the writer was still flipping when the last page was read" 1 "$writer_alive"
t_eq "every page and API answer was 200" 0 "$failed"
t_eq "no page or API answer mixes two states" 0 "$mixed"
t_ok "the pages saw both states (the writer really alternated): overview A ${seen[overview.a]:-0} B ${seen[overview.b]:-0}, goals A ${seen[goals.a]:-0} B ${seen[goals.b]:-0}, api A ${seen[api.a]:-0} B ${seen[api.b]:-0}" '
	[ "${seen[overview.a]:-0}" -gt 0 ] && [ "${seen[overview.b]:-0}" -gt 0 ] &&
	[ "${seen[goals.a]:-0}" -gt 0 ] && [ "${seen[goals.b]:-0}" -gt 0 ]
'
t_ok "the console leaves no transaction open between requests" '
	[ "$(t_psql "SELECT count(*) FROM pg_stat_activity
	             WHERE datname = current_database() AND pid <> pg_backend_pid()
	               AND state LIKE '"'"'idle in transaction%'"'"'")" = 0 ]
'
t_done
