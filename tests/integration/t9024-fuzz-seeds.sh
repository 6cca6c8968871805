#!/usr/bin/env bash
# t9024 — the fuzz harnesses (tests/fuzz, run for real by `make fuzz`) are
# built by the ordinary build with a main() that replays a corpus, and each
# runs its seed corpus (drawn from the fixtures by tests/fuzz/seeds) once
# without a crash — under `make asan` with the sanitizers.  Also: the inputs
# that `make fuzz` and the audit found are replayed (tests/fuzz/regress),
# and the replay main reports a crash as a failure.
. "$SRCDIR/tests/lib.sh"

HARNESSES=$(cd "$SRCDIR/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
t_ok "there is a harness for every parser the issue names" '
	for h in fuzz_toggl_items fuzz_toggl_reports fuzz_gcal_events fuzz_oauth_reply fuzz_csv fuzz_form fuzz_time; do
		echo "$HARNESSES" | grep -qx "$h" || { echo "missing $h" >&9; exit 1; }
	done'
for h in $HARNESSES; do
	bin="$BUILD/tests/fuzz/$h"
	t_ok "$h is built" '[ -x "$bin" ]'
	t_ok "$h: seeds are drawn" '"$SRCDIR/tests/fuzz/seeds" "$h" "$T_TMP/$h" && [ "$(ls "$T_TMP/$h" | wc -l)" -ge 3 ]'
	t_ok "$h: every seed runs once without a crash" '
		"$bin" "$T_TMP/$h" >"$T_TMP/$h.out" 2>&1 &&
		grep -q "$(ls "$T_TMP/$h" | wc -l) inputs ran" "$T_TMP/$h.out" || { cat "$T_TMP/$h.out" >&9; false; }'
	if [ -d "$SRCDIR/tests/fuzz/regress/$h" ]; then
		t_ok "$h: the inputs it once crashed on run clean" '
			"$bin" "$SRCDIR/tests/fuzz/regress/$h" >"$T_TMP/$h.reg" 2>&1 || { cat "$T_TMP/$h.reg" >&9; false; }'
	fi
done
t_ok "seeds refuses an unknown harness (exit 2)" \
	't_must_fail 2 "$SRCDIR/tests/fuzz/seeds" fuzz_nothing "$T_TMP/none" 2>/dev/null'
t_ok "the replay main fails on a missing file (exit 2)" \
	't_must_fail 2 "$BUILD/tests/fuzz/fuzz_csv" "$T_TMP/does-not-exist" 2>/dev/null'
t_ok "make fuzz is described in the Makefile and is not part of check" '
	grep -q "^# .*make fuzz" "$SRCDIR/Makefile" && grep -q "^fuzz:" "$SRCDIR/Makefile" &&
	! sed -n "/^check:/,/^$/p" "$SRCDIR/Makefile" | grep -q fuzz'

t_done
