#!/usr/bin/env bash
# `dwhbi analyze --evaluate` on the demo person (seed 1, half a year, Asia/Tokyo)
# through the real pipeline (fake Toggl and Google -> sync -> transform): as-of
# evaluations weekly from 2026-09-30 to 2026-11-18 (the table).
. "$SRCDIR/tests/lib.sh"

export DWHBI_TIMEZONE=Asia/Tokyo
FROM=2026-06-05
DAYS=182

t_migrated_db
t_demo_person 1 $FROM $DAYS
TODAY=$(TZ=Asia/Tokyo date +%F)
t_ok "the demo pipeline" '
	"$DWHBI" -q seed --config "$SRCDIR/config" && "$DWHBI" -q goals import "$SRCDIR/config/goals.csv" &&
	"$DWHBI" -q sync toggl --backfill "$FROM..$TODAY" && "$DWHBI" -q sync gcal && "$DWHBI" -q transform
'
t_ok "evaluate weekly 2026-09-30..2026-11-18" '
	"$DWHBI" analyze --evaluate 2026-09-30..2026-11-18 --every 7 > "$T_TMP/eval.out"
	cat "$T_TMP/eval.out"
	grep -q "^summary: n=" "$T_TMP/eval.out"
'
t_done
