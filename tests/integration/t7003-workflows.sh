#!/usr/bin/env bash
# t7003-workflows: the GitHub Actions workflows are valid and do what the
# schedule promises.  action-validator (npm, installed by scripts/install-deps
# from scripts/deps/workflows.npm) checks each file against the workflow
# schema; the checks here add what it does not: cron expressions, required
# keys (timeouts, concurrency), that every workflow_dispatch input is used,
# and the secrets each job needs.  A broken copy must fail the same checks.
. "$SRCDIR/tests/lib.sh"

NM="$SRCDIR/.deps/node_modules"
VALIDATOR="$NM/.bin/action-validator"
WF="$SRCDIR/.github/workflows"
if [ ! -x "$VALIDATOR" ] || [ ! -d "$NM/yaml" ] || ! command -v node >/dev/null; then
	t_skip "workflow validation" "action-validator/yaml not installed (scripts/install-deps needs npm)"
	t_done
fi

# YAML -> JSON with the yaml package (the `on:` key stays a string); each
# file is converted once (node starts slowly).
to_json() {
	local cache="$T_TMP/json/$(printf '%s' "$1" | md5sum | cut -c1-16)"
	if [ ! -f "$cache" ]; then
		mkdir -p "$T_TMP/json"
		NODE_PATH="$NM" node -e 'const Y=require("yaml"),fs=require("fs");
			process.stdout.write(JSON.stringify(Y.parse(fs.readFileSync(process.argv[1],"utf8"))))' \
			"$1" > "$cache.tmp" || return 1
		mv "$cache.tmp" "$cache"
	fi
	cat "$cache"
}

# cron_ok "m h dom mon dow": five fields of numbers, ranges, lists, steps in range.
cron_field_ok() {
	local f=$1 lo=$2 hi=$3 part a b
	IFS=, read -ra parts <<<"$f"
	for part in "${parts[@]}"; do
		part=${part%/*[0-9]}
		[[ $f == */0 ]] && return 1
		[ "$part" = "*" ] && continue
		if [[ $part =~ ^([0-9]+)-([0-9]+)$ ]]; then a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]}
		elif [[ $part =~ ^[0-9]+$ ]]; then a=$part b=$part
		else return 1; fi
		[ "$a" -ge "$lo" ] && [ "$b" -le "$hi" ] && [ "$a" -le "$b" ] || return 1
	done
}
cron_ok() {
	local -a f
	read -ra f <<<"$1"
	[ "${#f[@]}" -eq 5 ] &&
	cron_field_ok "${f[0]}" 0 59 && cron_field_ok "${f[1]}" 0 23 &&
	cron_field_ok "${f[2]}" 1 31 && cron_field_ok "${f[3]}" 1 12 && cron_field_ok "${f[4]}" 0 6
}

# check_workflow FILE: prints what is wrong, fails when anything is.
check_workflow() {
	local file=$1 json bad=0 c input
	"$VALIDATOR" "$file" >/dev/null 2>&1 || { echo "$file: action-validator rejects it"; return 1; }
	json=$(to_json "$file") || { echo "$file: not YAML"; return 1; }
	for key in name on jobs concurrency; do
		jq -e --arg k "$key" 'has($k)' <<<"$json" >/dev/null || { echo "$file: no '$key'"; bad=1; }
	done
	jq -e '[.jobs[] | has("timeout-minutes") and has("runs-on")] | all' <<<"$json" >/dev/null ||
		{ echo "$file: a job without runs-on or timeout-minutes"; bad=1; }
	while read -r c; do
		[ -n "$c" ] || continue
		cron_ok "$c" || { echo "$file: bad cron '$c'"; bad=1; }
	done < <(jq -r '.on.schedule // [] | .[].cron' <<<"$json")
	while read -r input; do
		[ -n "$input" ] || continue
		grep -Eq "(github\.event\.)?inputs\.$input\b" "$file" ||
			{ echo "$file: input '$input' is never used"; bad=1; }
	done < <(jq -r '.on.workflow_dispatch.inputs // {} | keys[]' <<<"$json")
	return $bad
}

for f in "$WF"/*.yml; do
	name=$(basename "$f")
	t_ok "$name passes the validator and the checks" 'check_workflow "$f"'
done
t_eq "the five workflows" "ci.yml report-monthly.yml sync-gcal.yml sync-toggl.yml transform.yml" \
	"$(cd "$WF" && ls *.yml | tr '\n' ' ' | sed 's/ $//')"

cron_of() { to_json "$WF/$1" | jq -r '.on.schedule[0].cron'; }
t_eq "toggl at 01:00 JST" "0 16 * * *" "$(cron_of sync-toggl.yml)"
t_eq "gcal at 01:05 JST" "5 16 * * *" "$(cron_of sync-gcal.yml)"
t_eq "transform at 02:00 JST" "0 17 * * *" "$(cron_of transform.yml)"
t_eq "report on the first of the month" "1" "$(cron_of report-monthly.yml | awk '{print $3}')"
t_ok "every scheduled workflow can be started by hand" '
	for f in sync-toggl sync-gcal transform report-monthly; do
		to_json "$WF/$f.yml" | jq -e ".on | has(\"workflow_dispatch\")" >/dev/null
	done'
t_eq "inputs the issue names" "days full month" \
	"$(for f in sync-toggl sync-gcal report-monthly; do to_json "$WF/$f.yml" | jq -r '.on.workflow_dispatch.inputs | keys[]'; done | tr '\n' ' ' | sed 's/ $//')"
t_ok "ci runs make check on push and pull_request" '
	j=$(to_json "$WF/ci.yml"); jq -e ".on | has(\"push\") and has(\"pull_request\")" <<<"$j" >/dev/null &&
	grep -q "run: make check" "$WF/ci.yml"'
t_ok "jobs read the database and API secrets from the repository secrets" '
	grep -q "DATABASE_URL: \${{ secrets.DATABASE_URL }}" "$WF/sync-toggl.yml" &&
	grep -q "TOGGL_API_TOKEN: \${{ secrets.TOGGL_API_TOKEN }}" "$WF/sync-toggl.yml" &&
	grep -q "GOOGLE_REFRESH_TOKEN: \${{ secrets.GOOGLE_REFRESH_TOKEN }}" "$WF/sync-gcal.yml" &&
	grep -q "DATABASE_URL: \${{ secrets.DATABASE_URL }}" "$WF/transform.yml"'
t_ok "the report is kept as an artifact" 'grep -q "actions/upload-artifact" "$WF/report-monthly.yml"'
t_ok "no secret value is written into a workflow" '! grep -Eq "(TOKEN|SECRET|DATABASE_URL): [^$ ]" "$WF"/*.yml'

# The checks catch what they claim to.
sed 's/^      days:/      weeks:/' "$WF/sync-toggl.yml" > "$T_TMP/unused-input.yml"
t_ok "an input that is never used is caught" '! check_workflow "$T_TMP/unused-input.yml" >/dev/null'
sed "s/'0 16 \* \* \*'/'0 25 * * *'/" "$WF/sync-toggl.yml" > "$T_TMP/bad-cron.yml"
t_ok "an impossible cron is caught" '! check_workflow "$T_TMP/bad-cron.yml" >/dev/null'
sed 's/^    runs-on:/    runs_on:/' "$WF/transform.yml" > "$T_TMP/bad-key.yml"
t_ok "a misspelt key is caught by the validator" '! check_workflow "$T_TMP/bad-key.yml" >/dev/null'
sed '/timeout-minutes/d' "$WF/transform.yml" > "$T_TMP/no-timeout.yml"
t_ok "a job without a timeout is caught" '! check_workflow "$T_TMP/no-timeout.yml" >/dev/null'
printf 'name: x\non: [push\njobs: {}\n' > "$T_TMP/broken.yml"
t_ok "broken YAML is caught" '! check_workflow "$T_TMP/broken.yml" >/dev/null'

t_done
