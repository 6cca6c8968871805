#!/usr/bin/env bash
# The command line: help, unknown commands and options, configuration errors.
. "$SRCDIR/tests/lib.sh"

t_ok "dwhbi help lists the commands on stdout, exit 0" '
	"$DWHBI" help > "$T_TMP/help.out"
	for c in migrate seed goals sync transform analyze adjust report run dispatch status serve demo rules doctor auth; do
		grep -q "^  $c " "$T_TMP/help.out"
	done
'
t_ok "no command: usage on stderr, exit 2" '
	t_must_fail 2 "$DWHBI" > "$T_TMP/o" 2> "$T_TMP/e"; [ ! -s "$T_TMP/o" ]; grep -q "^usage: dwhbi" "$T_TMP/e"
'
t_ok "unknown command: names it, usage on stderr, exit 2" '
	t_must_fail 2 "$DWHBI" frobnicate > "$T_TMP/o" 2> "$T_TMP/e"; [ ! -s "$T_TMP/o" ]
	grep -q "unknown command '\''frobnicate'\''" "$T_TMP/e"; grep -q "^usage:" "$T_TMP/e"
'
t_ok "every command answers --help with its usage, exit 0, without a database" '
	for c in migrate seed goals sync transform analyze adjust report run dispatch status serve demo rules doctor auth; do
		"$DWHBI" $c --help > "$T_TMP/h" 2>&1
		grep -q "usage: dwhbi $c" "$T_TMP/h" || { echo "no usage for $c"; cat "$T_TMP/h"; exit 1; }
	done
	"$DWHBI" sync toggl --help | grep -q "usage: dwhbi sync toggl"
	"$DWHBI" sync gcal --help | grep -q "usage: dwhbi sync gcal"
	"$DWHBI" help status | grep -q "usage: dwhbi status"
'
t_ok "unknown option: one line naming it, exit 2" '
	t_migrated_db
	t_must_fail 2 "$DWHBI" migrate --frob > "$T_TMP/o" 2>&1; grep -q "unknown option '\''--frob'\''" "$T_TMP/o"; [ "$(wc -l < "$T_TMP/o")" -eq 1 ]
'
t_ok "bad time zone: configuration error naming the variable, exit 2" '
	DWHBI_TIMEZONE=Asia/Atlantis t_must_fail 2 "$DWHBI" status > "$T_TMP/o" 2>&1; grep -q DWHBI_TIMEZONE "$T_TMP/o"
'
t_ok "--quiet silences progress but not errors; --verbose adds timestamps" '
	t_migrated_db
	"$DWHBI" --quiet migrate > /dev/null 2> "$T_TMP/q"; [ ! -s "$T_TMP/q" ]
	set +e; "$DWHBI" -v sync bogus 2> "$T_TMP/v"; set -e
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z error: " "$T_TMP/v"
'
t_done
