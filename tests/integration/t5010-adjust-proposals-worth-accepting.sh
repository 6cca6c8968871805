#!/usr/bin/env bash
# t5010: proposals worth accepting, on the demo person with the example
# goals (config/goals.csv) over 5 nights: no stored proposal has the same
# probability with the proposal as with the current goal (to 2 decimals),
# every stored proposal's probability lies in the band (0.3..0.9 by
# default), and a goal that no proposal can bring into the band gets a
# notice in plain words instead.  Reasons are sentences, not jargon.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/adjuster/demo-lib.sh"

demo_db 7
"$DWHBI" -q goals import "$SRCDIR/config/goals.csv" > /dev/null
"$DWHBI" -q transform > /dev/null
t_ok "adjust runs for 5 nights" '
	for n in 5 4 3 2 1; do
		"$DWHBI" adjust --as-of "$(days_ago $n)" > "$T_TMP/night$n" || exit 1
	done
'
t_ok "some proposals were stored" '[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals")" -gt 0 ]'
t_eq "no stored proposal leaves the probability where it was (2 decimals)" 0 \
	"$(t_psql "SELECT count(*) FROM analytics.goal_proposals
	           WHERE round(probability_before::numeric, 2) = round(probability_after::numeric, 2)")"
t_eq "every stored proposal's probability lies in the band, unless it makes the goals fit the day" 0 \
	"$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE probability_after NOT BETWEEN 0.3 AND 0.9
	           AND reason NOT LIKE '%makes the goals fit the 1440-minute day%'")"
t_ok "a goal out of reach gets a plain notice instead of a proposal (娯楽: 3:00 on holidays)" '
	grep -A1 "Entertainment holiday day less" "$T_TMP/night1" | grep -qE "(Too far for one step|Out of reach): .*Not stored|Out of reach: .*not stored"
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE category = '\''Entertainment'\''")" -eq 0 ]
'
t_ok "reasons are sentences: what happened, what changes, the chance before and after" '
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals
	             WHERE reason !~ '\''^(Too (hard|easy)|Does not fit the day): '\''
	                OR reason !~ '\''changes the chance of meeting it from [0-9]+ % to [0-9]+ %\.'\''
	                OR reason ~ '\''p=|limited to a|rounded to'\''")" -eq 0 ]
'
# The day is 24 hours (issue 14's inequality): for each day type, the sum of
# the daily-equivalent `more` goals after the stored proposals (per category
# the largest) is at most 1440 minus the measured unmanaged minimum, the
# 10 % quantile (percentile_disc) of the daily minutes of the categories
# without a `more` goal on that day type (Untracked excluded) over the last
# 56 days of the type.  Both sides are computed here from the database and
# the goals' breakdown, independently of the adjuster's own figures, which
# must agree with them.
AS_OF=$(days_ago 1)
"$DWHBI" adjust --as-of "$AS_OF" --format json > "$T_TMP/night1.json"
t_ok "for each day type: more goals after the stored proposals <= 1440 - measured unmanaged minimum" '
	python3 - "$T_TMP/night1.json" "$AS_OF" <<EOF
import json, subprocess, sys
j = json.load(open(sys.argv[1])); as_of = sys.argv[2]
def psql(q):
    return subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", q],
                          check=True, capture_output=True, text=True).stdout.strip()
pending = {int(r.split("|")[0]): int(r.split("|")[1]) for r in
           psql("SELECT goal_id, proposed_minutes FROM analytics.goal_proposals "
                "WHERE state = '\''pending'\'' AND as_of = '\''%s'\''" % as_of).splitlines() if r}
stored = {p["goal_id"]: p["proposed_minutes"] for p in j["proposals"] if p["stored"]}
assert stored == pending, (stored, pending)
for t in ("weekday", "holiday"):
    more = {}
    for g in j["goals"]:
        if g["direction"] != "more" or g["minutes"] <= 0 or g["per_day"][t] <= 0:
            continue
        unit = g["per_day"][t] / g["minutes"]
        v = pending.get(g["goal_id"], g["minutes"]) * unit
        more[g["category"]] = max(more.get(g["category"], 0), v)
    managed = list(more) + ["Untracked"]
    um = float(psql("SELECT percentile_disc(0.1) WITHIN GROUP (ORDER BY s) FROM ("
                    "SELECT date, sum(actual_minutes) AS s FROM marts.daily_category "
                    "WHERE date > date '\''%s'\'' - 56 AND date <= '\''%s'\'' AND day_type = '\''%s'\'' "
                    "AND actual_minutes IS NOT NULL AND category <> ALL (ARRAY[%s]) "
                    "GROUP BY date) d" % (as_of, as_of, t,
                    ",".join("'\''%s'\''" % c for c in managed))))
    total = sum(more.values())
    b = j["day_budget"][t]
    print("%s: more goals %.1f <= 1440 - %.1f = %.1f (adjuster: %.1f, %.1f over %d days)"
          % (t, total, um, 1440 - um, b["more_goals_fitted"], b["unmanaged_minimum"],
             b["unmanaged_days"]))
    assert abs(b["unmanaged_minimum"] - um) < 0.06, (b, um)
    assert abs(b["more_goals_fitted"] - total) < 0.06, (b, total)
    assert b["unmanaged_days"] > 0, b
    assert total <= 1440 - um + 1e-6, (t, total, um)
EOF
'
t_done
