#!/usr/bin/env bash
# Option values: every command reads its whole numbers, dates and FROM..TO
# ranges through cli/opt, so a bad value is exit 2 with one line in one
# wording that names the option and the value ("OPTION: 'VALUE' is not ..."),
# a good value at either bound is taken, and no run is kept in ops.runs.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
export TOGGL_API_TOKEN=unused GOOGLE_CLIENT_ID=x GOOGLE_CLIENT_SECRET=y GOOGLE_REFRESH_TOKEN=z
before=$(t_psql "SELECT count(*) FROM ops.runs")

# bad EXPECTED COMMAND... — exit 2, one line, containing EXPECTED.
bad() {
	local want=$1; shift
	t_must_fail 2 "$@" > "$T_TMP/o" 2> "$T_TMP/e" || return 1
	grep -qF -- "$want" "$T_TMP/e" || { echo "wanted: $want" >&9; cat "$T_TMP/e" >&9; return 1; }
	[ "$(wc -l < "$T_TMP/e")" -eq 1 ] || { cat "$T_TMP/e" >&9; return 1; }
	grep -q "(try 'dwhbi .* --help')" "$T_TMP/e"
}

t_ok "whole numbers out of range or not numbers: one wording with the bounds" '
	bad "--limit: '\''0'\'' is not a whole number from 1 to 10000" "$DWHBI" adjust list --limit 0
	bad "--round-to: '\''61'\'' is not a whole number of minutes from 1 to 60" "$DWHBI" adjust --round-to 61
	bad "--every: '\''7d'\'' is not a whole number of days from 1 to 366" "$DWHBI" analyze --every 7d
	bad "--port: '\''80'\'' is not a whole number from 1024 to 65535" "$DWHBI" auth google --port 80
	bad "--timeout: '\'' 5'\'' is not a whole number of seconds from 1 to" "$DWHBI" auth google --timeout " 5"
	bad "--days: '\''34'\'' is not a whole number of days from 35 to 1000" "$DWHBI" demo --days 34
	bad "--limit: '\''101'\'' is not a whole number from 1 to 100" "$DWHBI" dispatch --list --limit 101
	bad "--top: '\''+3'\'' is not a whole number from 1 to" "$DWHBI" report --month 2026-10 --top +3
	bad "--step-timeout: '\''86401'\'' is not a whole number of seconds from 1 to 86400" "$DWHBI" run daily --step-timeout 86401
	bad "--stale-hours: '\''0'\'' is not a whole number of hours from 1 to 100000" "$DWHBI" serve --stale-hours 0
	bad "--runs: '\''1001'\'' is not a whole number from 1 to 1000" "$DWHBI" status --runs 1001
	bad "--stale-hours: '\''x'\'' is not a whole number of hours from 1 to 100000" "$DWHBI" status --stale-hours x
	bad "--days: '\''99999999999999999999'\'' is not a whole number of days from 1 to 3660" "$DWHBI" sync toggl --days 99999999999999999999
	bad "--page-size: '\'''\'' is not a whole number from 1 to 100000" "$DWHBI" sync toggl --page-size ""
	bad "--max-pages: '\''0'\'' is not a whole number from 1 to 1000000" "$DWHBI" sync toggl --max-pages 0'

t_ok "dates: one wording naming the option and the value" '
	bad "--as-of: '\''2026-02-29'\'' is not a date; --as-of needs a date YYYY-MM-DD" "$DWHBI" adjust --as-of 2026-02-29
	bad "--as-of: '\''2026-13-45'\'' is not a date" "$DWHBI" analyze --as-of 2026-13-45
	bad "--as-of: '\''soon'\'' is not a date" "$DWHBI" analyze --as-of=soon
	bad "--replace-from: '\''2026-1-01'\'' is not a date" "$DWHBI" goals import --replace-from 2026-1-01 x.csv
	bad "--to: '\''2026-12-32'\'' is not a date; --to needs a date YYYY-MM-DD" "$DWHBI" rules suggest --to 2026-12-32
	bad "--since: '\''2026-13-01'\'' is not a date" "$DWHBI" sync gcal --since 2026-13-01
	bad "--since: '\''2026-13-01T00:00Z'\'' is not a date YYYY-MM-DD or an RFC 3339 time" "$DWHBI" sync toggl --since 2026-13-01T00:00Z
	bad "--since needs a date YYYY-MM-DD" "$DWHBI" sync gcal --since
	bad "--as-of needs a date YYYY-MM-DD" "$DWHBI" analyze --as-of'

t_ok "FROM..TO ranges: order, form and the bound are checked, one wording" '
	bad "--backfill: '\''2024-02-01..2024-01-01'\'' is not a range FROM..TO of dates YYYY-MM-DD with FROM <= TO" "$DWHBI" sync toggl --backfill 2024-02-01..2024-01-01
	bad "--backfill: '\''2024-01-01...2024-02-01'\'' is not a range" "$DWHBI" sync toggl --backfill 2024-01-01...2024-02-01
	bad "--evaluate: '\''2010-01-01..2026-01-01'\'' is not a range FROM..TO of dates YYYY-MM-DD with FROM <= TO, at most 3660 days apart" "$DWHBI" analyze --evaluate 2010-01-01..2026-01-01
	bad "--evaluate: '\''2026-01-01'\'' is not a range" "$DWHBI" analyze --evaluate 2026-01-01'

t_ok "the proposal ID keeps its own words (t9023) and the same strictness" '
	bad "proposal ID must be a whole number from 1 to 9223372036854775807, got '\''+5'\''" "$DWHBI" adjust accept +5'

t_eq "no usage error is kept in ops.runs" "$before" \
	"$(t_psql "SELECT count(*) FROM ops.runs")"

t_ok "values at the bounds get past the option checks (exit is not 2)" '
	"$DWHBI" adjust list --limit 10000 > /dev/null
	"$DWHBI" adjust list --limit 1 > /dev/null
	"$DWHBI" status --runs 1000 --stale-hours 100000 > /dev/null
	"$DWHBI" status --runs 1 --stale-hours 1 > /dev/null
	"$DWHBI" rules suggest --from 2026-02-28 --to 2026-02-28 > /dev/null 2>&1 || [ $? -ne 2 ]'

t_done
