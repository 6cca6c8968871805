#!/usr/bin/env bash
# t3007: rules from the person's own data.  With the rule for the Toggl
# project 会議 removed, `dwhbi rules suggest` lists that project first with
# the minutes SQL gives, guesses Meeting from the plan at the same times,
# and its --csv line, appended to category_rules.csv and seeded, leaves
# nothing of 会議 in Uncategorized.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
t_demo_days 7 21
CFG=$T_TMP/config
cp -r "$SRCDIR/config" "$CFG"
grep -v '^10,toggl_project,会議,Meeting$' "$SRCDIR/config/category_rules.csv" > "$CFG/category_rules.csv"

t_ok "the pipeline runs with the rule removed" '
	{
		"$DWHBI" -q seed --config "$CFG" &&
		"$DWHBI" -q sync toggl --days $((DAYS + 1)) &&
		"$DWHBI" -q sync gcal &&
		"$DWHBI" -q transform
	} > "$T_TMP/p.out" 2>&1 || { cat "$T_TMP/p.out"; exit 1; }'
UNCAT="SELECT coalesce(round(sum(minutes)), 0)::bigint FROM core.actual_records
       WHERE category = 'Uncategorized' AND project_name = '会議'"
MIN=$(t_psql "$UNCAT")
t_ok "会議 is uncategorized now ($MIN min)" '[ "$MIN" -gt 60 ]'
"$DWHBI" rules suggest > "$T_TMP/suggest.out"
t_eq "the first line is the project, with its minutes, and guesses Meeting" \
	"toggl toggl_project 会議 $((MIN / 60)):$(printf %02d $((MIN % 60))) Meeting" \
	"$(sed -n 2p "$T_TMP/suggest.out" | awk '{print $1, $2, $3, $4, $6}')"
t_ok "--csv gives rule lines; a date range narrows it; bad dates are usage errors" '
	"$DWHBI" rules suggest --csv > "$T_TMP/rules.csv"
	grep -qx "50,toggl_project,会議,Meeting" "$T_TMP/rules.csv"
	"$DWHBI" rules suggest --from 2001-01-01 --to 2001-01-31 | grep -q "every entry and event"
	t_must_fail 2 "$DWHBI" rules suggest --from 2026-13-01 2> "$T_TMP/e"
	grep -q "needs a date" "$T_TMP/e"
	t_must_fail 2 "$DWHBI" rules frob 2>/dev/null'
t_ok "appending the line and seeding again maps every minute of 会議" '
	grep -x "50,toggl_project,会議,Meeting" "$T_TMP/rules.csv" >> "$CFG/category_rules.csv"
	"$DWHBI" -q seed --config "$CFG" && "$DWHBI" -q transform
	[ "$(t_psql "$UNCAT")" = 0 ]
	[ "$(t_psql "SELECT count(*) FROM core.actual_records WHERE project_name = '\''会議'\'' AND category = '\''Meeting'\''")" -gt 0 ]
	! "$DWHBI" rules suggest --csv | grep -q "会議"'
t_done
