#!/usr/bin/env bash
# t5011: `dwhbi adjust` takes P(met) from the analyzer's calibrated predictive
# distribution (issue 15): it reads analytics.estimate_errors of the snapshot
# it uses, its probabilities are the ones `analyze --evaluate` scores for
# the same as-of, goals set at the person's own 70th percentile (a ~30 %
# hit rate in the demo person's stable routine) get about 0.3 on average
# and about their realized frequency; without backtest errors it falls back
# to the normal model and says so.
. "$SRCDIR/tests/lib.sh"

export DWHBI_TIMEZONE=Asia/Tokyo
FROM=2026-06-05
DAYS=182
t_migrated_db
t_demo_person 1 $FROM $DAYS
TODAY=$(TZ=Asia/Tokyo date +%F)
# Weekday day goals at the 70th percentile of the 56 weekdays before the
# last as-of (Sleep 430, Meals 105, Work 490, Commute 100 minutes).
cat > "$T_TMP/goals.csv" <<CSV
category,day_type,period,minutes,direction,valid_from,valid_to
Sleep,weekday,day,430,more,$FROM,
Meals,weekday,day,105,more,$FROM,
Work,weekday,day,490,more,$FROM,
Commute,weekday,day,100,more,$FROM,
CSV
t_ok "the demo pipeline" '
	"$DWHBI" -q seed --config "$SRCDIR/config" && "$DWHBI" -q goals import "$T_TMP/goals.csv" &&
	"$DWHBI" -q sync toggl --backfill "$FROM..$TODAY" && "$DWHBI" -q sync gcal && "$DWHBI" -q transform
' > /dev/null
ASOFS="2026-11-04 2026-11-05 2026-11-06 2026-11-09 2026-11-10 2026-11-11 2026-11-12 2026-11-13 2026-11-16 2026-11-17 2026-11-18"
t_ok "analyze and adjust on 11 weekday nights" '
	for d in $ASOFS; do
		"$DWHBI" -q analyze --as-of "$d" > /dev/null &&
		"$DWHBI" adjust --as-of "$d" --format json > "$T_TMP/adjust-$d.json" || exit 1
	done
	"$DWHBI" adjust --as-of 2026-11-18 > "$T_TMP/adjust.txt"
'
t_ok "every night read the snapshot's backtest errors and calibrated every goal" '
	python3 - "$T_TMP" $ASOFS <<EOF
import json, subprocess, sys
for d in sys.argv[2:]:
    j = json.load(open("%s/adjust-%s.json" % (sys.argv[1], d)))
    n = int(subprocess.run(["psql", "-X", "-A", "-t", "-c",
        "SELECT count(*) FROM analytics.estimate_errors WHERE as_of = '\''%s'\''" % d],
        check=True, capture_output=True, text=True).stdout)
    assert j["calibrated"] and j["error_rows"] == n > 0, (d, j["error_rows"], n)
    for g in j["goals"]:
        assert g["model"] == "calibrated" and g["next_model"] == "calibrated", (d, g)
EOF
	grep -q "calibrated predictive distribution" "$T_TMP/adjust.txt"
'
t_ok "the probabilities are the ones --evaluate scores for the same as-of" '
	DWHBI_EVAL_TRACE=1 "$DWHBI" analyze --evaluate 2026-11-18..2026-11-18 2> "$T_TMP/trace" > /dev/null
	python3 - "$T_TMP/adjust-2026-11-18.json" "$T_TMP/trace" <<EOF
import json, sys
j = json.load(open(sys.argv[1]))
tr = {l.split()[1]: float(l.split()[6]) for l in open(sys.argv[2]) if l.startswith("goal ")}
assert len(tr) == 4, tr
for g in j["goals"]:
    assert abs(g["next_probability"] - tr[g["category"]]) < 0.0006, (g, tr)
EOF
'
t_ok "goals at the 70th percentile get about 0.3, near their realized frequency" '
	python3 - "$T_TMP" $ASOFS <<EOF
import json, subprocess, sys
P, M = {}, {}
for d in sys.argv[2:]:
    for g in json.load(open("%s/adjust-%s.json" % (sys.argv[1], d)))["goals"]:
        a = float(subprocess.run(["psql", "-X", "-A", "-t", "-c",
            "SELECT actual_minutes FROM marts.daily_category WHERE category = '\''%s'\'' "
            "AND date = '\''%s'\''" % (g["category"], g["next_period_start"])],
            check=True, capture_output=True, text=True).stdout)
        P.setdefault(g["category"], []).append(g["next_probability"])
        M.setdefault(g["category"], []).append(a >= g["minutes"])
allp = [p for c in P for p in P[c]]; allm = [m for c in M for m in M[c]]
for c in P:
    print("%-8s mean P %.3f, met %d of %d" % (c, sum(P[c]) / len(P[c]), sum(M[c]), len(M[c])))
    assert 0.15 <= sum(P[c]) / len(P[c]) <= 0.45, c
mp, mf = sum(allp) / len(allp), sum(allm) / len(allm)
print("pooled mean P %.3f, realized %.3f" % (mp, mf))
assert abs(mp - mf) <= 0.12
EOF
'
t_ok "without backtest errors: the normal model, and the output says why" '
	t_psql "DELETE FROM analytics.estimate_errors" > /dev/null
	"$DWHBI" adjust --as-of 2026-11-18 > "$T_TMP/normal.txt"
	"$DWHBI" adjust --as-of 2026-11-18 --format json > "$T_TMP/normal.json"
	grep -q "backtest errors: none, so the normal model throughout: the estimates snapshot as of 2026-11-18 has no backtest errors" "$T_TMP/normal.txt"
	python3 - "$T_TMP/normal.json" "$T_TMP/adjust-2026-11-18.json" <<EOF
import json, sys
n, c = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert not n["calibrated"] and "no backtest errors" in n["calibration_note"], n
assert all(g["next_model"] == "normal" for g in n["goals"])
assert any(abs(a["next_probability"] - b["next_probability"]) > 0.01
           for a, b in zip(n["goals"], c["goals"]))
EOF
'
t_done
