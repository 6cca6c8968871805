#!/usr/bin/env bash
# The adjuster on a realistic fixture person (tests/fixtures/adjuster/person.sql,
# written straight into the marts and analytics tables of docs/contracts.md):
# an unreachable goal gets a lower proposal, an always-met goal a higher one,
# reasonable and neutral goals none; re-running replaces pending proposals;
# accept and reject; --as-of output is reproducible.
. "$SRCDIR/tests/lib.sh"

FIXTURE="$SRCDIR/tests/fixtures/adjuster/person.sql"
t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$FIXTURE" >/dev/null || { echo "fixture failed"; exit 1; }

goal_id() { # CATEGORY DAY_TYPE PERIOD -> the open goal's id
	t_psql "SELECT goal_id FROM ref.goals WHERE category = '$1' AND day_type = '$2'
	        AND period = '$3' AND valid_to IS NULL"
}
SLEEP=$(goal_id Sleep weekday day)
EXERCISE=$(goal_id Exercise any week)
WORK=$(goal_id Work weekday day)

t_ok "adjust --as-of prints every goal with status and the normal model" '
	"$DWHBI" adjust --as-of 2026-11-20 > "$T_TMP/out1"
	grep -q "normal model" "$T_TMP/out1"
	[ "$(grep -cE "^ +[0-9]+  (Sleep|Work|Exercise|Leisure) " "$T_TMP/out1")" -eq 5 ]
	grep -qE "^ +'"$SLEEP"'  Sleep +weekday +day +more +600 .* off_track " "$T_TMP/out1"
	grep -qE "^ +'"$EXERCISE"'  Exercise .* met " "$T_TMP/out1"
'
t_eq "the unreachable goal (Sleep 600 a weekday) gets a lower proposal, met with p 0.7 (412 rounded)" \
	"410|pending" "$(t_psql "SELECT proposed_minutes, state FROM analytics.goal_proposals WHERE goal_id = $SLEEP")"
t_ok "the always-met goal (Exercise 30 a week) is too far for one 50% step: not stored, the steps shown" '
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE goal_id = '"$EXERCISE"'")" -eq 0 ]
	grep -q "Too far for one step: a 70 % chance needs about 4:49, and one step (at most 50 %) gets only to 100 %; the steps would be 0:30 → 0:45 → " "$T_TMP/out1"
'
t_ok "with a larger step (--step 9) it gets a higher proposal, inside the band" '
	"$DWHBI" adjust --as-of 2026-11-20 --step 9 > /dev/null
	v=$(t_psql "SELECT proposed_minutes FROM analytics.goal_proposals WHERE goal_id = '"$EXERCISE"'")
	[ "$v" -gt 200 ]
	[ "$(t_psql "SELECT probability_after BETWEEN 0.3 AND 0.9 FROM analytics.goal_proposals WHERE goal_id = '"$EXERCISE"'")" = t ]
'
t_eq "reasonable and neutral goals get none" "2" \
	"$(t_psql "SELECT count(*) FROM analytics.goal_proposals")"
t_ok "no stored proposal keeps the probability it had, every one lies in the band" '
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE round(probability_before::numeric, 2) = round(probability_after::numeric, 2)
	             OR probability_after NOT BETWEEN 0.3 AND 0.9")" -eq 0 ]
'

t_ok "each proposal stores its reason and both probabilities" '
	t_psql "SELECT reason FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"'" | grep -q "^Too hard: met in 0 of the last 8 days"
	t_psql "SELECT reason FROM analytics.goal_proposals WHERE goal_id = '"$EXERCISE"'" | grep -q "^Too easy: met in 7 of the last 7 weeks"
	t_psql "SELECT reason FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"'" | grep -q "Lowering it to 6:50 changes the chance of meeting it from 0 % to 75 %."
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals
	             WHERE probability_before >= 0 AND probability_after BETWEEN 0 AND 1")" -eq 2 ]
'
t_ok "ops.runs records the run with the proposals written" '
	[ "$(t_psql "SELECT status, rows_written, rows_read > 0 FROM ops.runs WHERE job = '\''adjust'\''
	             ORDER BY id DESC LIMIT 1")" = "success|2|t" ]
'
t_ok "re-running for the same as-of gives the same output and no duplicates" '
	ids_before=$(t_psql "SELECT string_agg(proposal_id::text, \",\" ORDER BY proposal_id) FROM analytics.goal_proposals")
	"$DWHBI" adjust --as-of 2026-11-20 --step 9 > "$T_TMP/out1"
	"$DWHBI" adjust --as-of 2026-11-20 --step 9 > "$T_TMP/out2"
	cmp "$T_TMP/out1" "$T_TMP/out2"
	ids_after=$(t_psql "SELECT string_agg(proposal_id::text, \",\" ORDER BY proposal_id) FROM analytics.goal_proposals")
	[ "$ids_before" = "$ids_after" ]
'
t_ok "--format json carries the same goals and proposals" '
	"$DWHBI" adjust --as-of 2026-11-20 --format json > "$T_TMP/j1"
	"$DWHBI" adjust --as-of 2026-11-20 --format json > "$T_TMP/j2"
	cmp "$T_TMP/j1" "$T_TMP/j2"
	j=$(cat "$T_TMP/j1")
	[ "$(t_psql "SELECT jsonb_array_length(\$j\$${j}\$j\$::jsonb->'\''goals'\'')")" -eq 5 ]
	[ "$(t_psql "SELECT p->>'\''proposed_minutes'\'' FROM jsonb_array_elements(\$j\$${j}\$j\$::jsonb->'\''proposals'\'') p
	             WHERE (p->>'\''goal_id'\'')::int = '"$SLEEP"'")" = 410 ]
	[ "$(t_psql "SELECT \$j\$${j}\$j\$::jsonb->>'\''model'\''")" != "" ]
	t_psql "SELECT \$j\$${j}\$j\$::jsonb->>'\''model'\''" | grep -q "normal model"
'
t_ok "options move the band and the step" '
	# Work 470 against N(480, 25): p = 0.66, inside the default band.
	"$DWHBI" adjust --as-of 2026-11-20 --band-low 0.7 --target 0.8 --band-high 0.95 > /dev/null
	[ "$(t_psql "SELECT proposed_minutes FROM analytics.goal_proposals WHERE goal_id = '"$WORK"'")" -eq 460 ]
	# A 5% step (570) leaves Sleep at p 0: out of the band, not stored.
	"$DWHBI" adjust --as-of 2026-11-20 --step 0.05 > "$T_TMP/small"
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"'")" -eq 0 ]
	grep -q "the steps would be 10:00 → 9:30 → 9:00 → " "$T_TMP/small"
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE goal_id = '"$WORK"'")" -eq 0 ]
	# adjust.step in ref.settings does what --step does; the option wins.
	t_psql "INSERT INTO ref.settings VALUES ('\''adjust.step'\'', '\''0.05'\'')"
	"$DWHBI" adjust --as-of 2026-11-20 > /dev/null
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"'")" -eq 0 ]
	"$DWHBI" adjust --as-of 2026-11-20 --step 9 > /dev/null
	[ "$(t_psql "SELECT proposed_minutes FROM analytics.goal_proposals WHERE goal_id = '"$SLEEP"'")" -eq 410 ]
	t_psql "DELETE FROM ref.settings WHERE key = '\''adjust.step'\''"
'
t_ok "bad options are usage errors (exit 2)" '
	set +e
	"$DWHBI" adjust --format xml 2>/dev/null; [ $? -eq 2 ] || exit 1
	"$DWHBI" adjust --target 1.5 2>/dev/null; [ $? -eq 2 ] || exit 1
	"$DWHBI" adjust --band-low 0.8 2>/dev/null; [ $? -eq 2 ] || exit 1
	"$DWHBI" adjust --as-of 2026-13-01 2>/dev/null; [ $? -eq 2 ] || exit 1
	"$DWHBI" adjust accept 2>/dev/null; [ $? -eq 2 ] || exit 1
	"$DWHBI" adjust accept abc 2>/dev/null; [ $? -eq 2 ] || exit 1
'

SLEEP_P=$(t_psql "SELECT proposal_id FROM analytics.goal_proposals WHERE goal_id = $SLEEP")
EXERCISE_P=$(t_psql "SELECT proposal_id FROM analytics.goal_proposals WHERE goal_id = $EXERCISE")
# A day goal changes from the next day that has not started: tomorrow (the
# fixture's as-of lies in the past), never as-of + 1.
EFF=$(t_psql "SELECT greatest('2026-11-21'::date, (now() AT TIME ZONE 'UTC')::date + 1)")
t_ok "accept closes the old goal and opens the new version from tomorrow ($EFF)" '
	"$DWHBI" adjust accept '"$SLEEP_P"' > "$T_TMP/acc"
	grep -q "600 -> 410 min from $EFF" "$T_TMP/acc"
	[ "$(t_psql "SELECT valid_to FROM ref.goals WHERE goal_id = '"$SLEEP"'")" = $EFF ]
	[ "$(t_psql "SELECT minutes, direction, valid_from, valid_to IS NULL, source FROM ref.goals
	             WHERE category = '\''Sleep'\'' AND goal_id <> '"$SLEEP"'")" = "410|more|$EFF|t|proposal" ]
	[ "$(t_psql "SELECT state, decided_at IS NOT NULL, valid_from, new_goal_id IS NOT NULL
	             FROM analytics.goal_proposals WHERE proposal_id = '"$SLEEP_P"'")" = "accepted|t|$EFF|t" ]
'
snapshot() { t_psql "SELECT count(*), string_agg(goal_id || ':' || coalesce(valid_to::text, '-'), ',' ORDER BY goal_id) FROM ref.goals"
	t_psql "SELECT string_agg(proposal_id || ':' || state, ',' ORDER BY proposal_id) FROM analytics.goal_proposals"; }
t_ok "accepting again, or an unknown id, fails with exit 1 and changes nothing" '
	before=$(snapshot)
	set +e
	"$DWHBI" adjust accept '"$SLEEP_P"' 2> "$T_TMP/e1"; rc1=$?
	"$DWHBI" adjust reject '"$SLEEP_P"' 2> "$T_TMP/e2"; rc2=$?
	"$DWHBI" adjust accept 999999 2> "$T_TMP/e3"; rc3=$?
	set -e
	[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && [ $rc3 -eq 1 ]
	grep -q "already accepted" "$T_TMP/e1"; grep -q "already accepted" "$T_TMP/e2"
	grep -q "no proposal 999999" "$T_TMP/e3"
	[ "$(wc -l < "$T_TMP/e3")" -eq 1 ]
	[ "$before" = "$(snapshot)" ]
'
t_ok "reject marks the proposal rejected and keeps the goal" '
	"$DWHBI" adjust reject '"$EXERCISE_P"' | grep -q "rejected proposal '"$EXERCISE_P"'"
	[ "$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = '"$EXERCISE_P"'")" = rejected ]
	[ "$(t_psql "SELECT minutes, valid_to IS NULL FROM ref.goals WHERE goal_id = '"$EXERCISE"'")" = "30|t" ]
'
t_ok "re-running the same as-of does not re-propose decided goals" '
	"$DWHBI" adjust --as-of 2026-11-20 --step 9 > "$T_TMP/out3"
	[ "$(t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = '\''pending'\''")" -eq 0 ]
	grep -q "Not stored: the goal already has a newer version" "$T_TMP/out3"
	grep -q "Not stored: a proposal for this as-of was already decided" "$T_TMP/out3"
'
t_ok "the next as-of evaluates the new goal version" '
	"$DWHBI" adjust --as-of "$EFF" --format json > "$T_TMP/j3"
	j=$(cat "$T_TMP/j3")
	[ "$(t_psql "SELECT count(*) FROM jsonb_array_elements(\$j\$${j}\$j\$::jsonb->'\''goals'\'') g
	             WHERE g->>'\''category'\'' = '\''Sleep'\'' AND (g->>'\''minutes'\'')::int = 410")" -eq 1 ]
'
t_ok "without marts adjust says to run the transform (exit 1)" '
	t_migrated_db
	t_must_fail 1 "$DWHBI" adjust --as-of 2026-11-20 2> "$T_TMP/e"; grep -q "run '\''dwhbi transform'\'' first" "$T_TMP/e"
'
t_done
