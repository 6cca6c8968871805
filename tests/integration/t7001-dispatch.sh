#!/usr/bin/env bash
# t7001-dispatch: `dwhbi dispatch` against fake-github.  For each answer GitHub
# can give (204, 404, 422, 401) the request must be exactly the documented
# one (path, headers, JSON body) and the outcome must reach the person: the
# exit status and GitHub's own message.  Without GITHUB_TOKEN nothing is sent.
. "$SRCDIR/tests/lib.sh"

TOKEN=ghp_fake_dispatch_token_123
t_start_fake github --token "$TOKEN" --repo octo/dwhbi
export GITHUB_API_BASE=$FAKE_URL GITHUB_REPOSITORY=octo/dwhbi

# last N: the Nth-last request in the fake's log, as compact JSON
req() { tail -n "${1:-1}" "$FAKE_LOG" | head -1; }
nreq() { wc -l < "$FAKE_LOG" | tr -d ' '; }

# -- 204: triggered -----------------------------------------------------------
out=$(GITHUB_TOKEN=$TOKEN "$DWHBI" dispatch sync-toggl --input days=7 --ref main 2>"$T_TMP/err"); rc=$?
t_eq "204 exits 0" 0 "$rc"
t_ok "204 says triggered" 'grep -q "^triggered sync-toggl.yml on octo/dwhbi" <<<"$out"'
r=$(req)
t_eq "method" POST "$(jq -r .method <<<"$r")"
t_eq "path" /repos/octo/dwhbi/actions/workflows/sync-toggl.yml/dispatches "$(jq -r .path <<<"$r")"
t_eq "body is ref + inputs" '{"inputs":{"days":"7"},"ref":"main"}' "$(jq -cS '.body | fromjson' <<<"$r")"
t_eq "Accept header" application/vnd.github+json "$(jq -r '.headers.Accept' <<<"$r")"
t_eq "API version header" 2022-11-28 "$(jq -r '.headers["X-GitHub-Api-Version"]' <<<"$r")"
t_eq "JSON content type" application/json "$(jq -r '.headers["Content-Type"]' <<<"$r")"
# The fake answers 401 unless the header is exactly "Bearer <token>"; its log
# keeps the header but never the token.
t_eq "Authorization sent (redacted in the log)" '***' "$(jq -r '.headers.Authorization' <<<"$r")"
t_eq "fake answered 204" 204 "$(jq -r .status <<<"$r")"
t_ok "the token is in no log or output" '! grep -q "$TOKEN" "$FAKE_LOG" "$T_TMP/err" <<<"$out"'

# default ref, .yml given, several inputs
GITHUB_TOKEN=$TOKEN "$DWHBI" -q dispatch report-monthly.yml --input month=2026-10 >/dev/null
t_eq "default ref is main" '{"inputs":{"month":"2026-10"},"ref":"main"}' "$(jq -cS '.body | fromjson' <<<"$(req)")"

# -- 404: unknown workflow ------------------------------------------------------
GITHUB_TOKEN=$TOKEN "$DWHBI" dispatch no-such-flow >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
t_eq "404 exits 1" 1 "$rc"
t_eq "404 path" /repos/octo/dwhbi/actions/workflows/no-such-flow.yml/dispatches "$(jq -r .path <<<"$(req)")"
t_ok "404 shows GitHub's message" 'grep -q "404 Not Found" "$T_TMP/err"'
t_ok "404 nothing on stdout" '[ ! -s "$T_TMP/out" ]'

# -- 422: no workflow_dispatch trigger; unexpected input ----------------------
GITHUB_TOKEN=$TOKEN "$DWHBI" dispatch ci 2>"$T_TMP/err"; rc=$?
t_eq "422 exits 1" 1 "$rc"
t_ok "422 shows GitHub's message" 'grep -q "Workflow does not have .workflow_dispatch. trigger" "$T_TMP/err"'
GITHUB_TOKEN=$TOKEN "$DWHBI" dispatch sync-gcal --input days=3 2>"$T_TMP/err"; rc=$?
t_eq "422 bad input exits 1" 1 "$rc"
t_eq "422 request carried the input" '{"inputs":{"days":"3"},"ref":"main"}' "$(jq -cS '.body | fromjson' <<<"$(req)")"
t_ok "422 names the input" 'grep -q "Unexpected inputs provided: \[\"days\"\]" "$T_TMP/err"'

# -- 401: wrong token ----------------------------------------------------------------
GITHUB_TOKEN=ghp_wrong_token_456 "$DWHBI" dispatch sync-gcal 2>"$T_TMP/err"; rc=$?
t_eq "401 exits 1" 1 "$rc"
t_eq "401 answered" 401 "$(jq -r .status <<<"$(req)")"
t_ok "401 shows Bad credentials and what to check" 'grep -q "401 Bad credentials; check GITHUB_TOKEN" "$T_TMP/err"'
t_ok "401 the wrong token is not echoed" '! grep -q ghp_wrong_token_456 "$T_TMP/err"'

# -- missing token / repository: configuration errors, no request -------------------
before=$(nreq)
"$DWHBI" dispatch sync-toggl 2>"$T_TMP/err"; rc=$?
t_eq "missing token exits 2" 2 "$rc"
t_ok "missing token names GITHUB_TOKEN" 'grep -q "GITHUB_TOKEN is not set" "$T_TMP/err"'
GITHUB_TOKEN=$TOKEN GITHUB_REPOSITORY= "$DWHBI" dispatch sync-toggl 2>"$T_TMP/err"; rc=$?
t_eq "missing repository exits 2" 2 "$rc"
t_eq "no request sent without credentials" "$before" "$(nreq)"

# -- usage ------------------------------------------------------------------------
GITHUB_TOKEN=$TOKEN "$DWHBI" dispatch 2>/dev/null; rc=$?
t_eq "no workflow is a usage error" 2 "$rc"
GITHUB_TOKEN=$TOKEN "$DWHBI" dispatch sync-toggl --input days 2>/dev/null; rc=$?
t_eq "--input without = is a usage error" 2 "$rc"

# -- --list ------------------------------------------------------------------------
out=$(GITHUB_TOKEN=$TOKEN "$DWHBI" dispatch --list --limit 3); rc=$?
t_eq "--list exits 0" 0 "$rc"
t_eq "--list request" "GET /repos/octo/dwhbi/actions/runs 3" "$(jq -r '"\(.method) \(.path) \(.query.per_page)"' <<<"$(req)")"
# newest first: the report-monthly dispatch, then the sync-toggl one
t_eq "--list shows the newest runs first" "report-monthly sync-toggl" \
	"$(awk 'NR>1 {print $3}' <<<"$out" | head -2 | tr '\n' ' ' | sed 's/ $//')"
t_ok "--list shows status and URL" 'grep -q "queued .*https://github.com/octo/dwhbi/actions/runs/" <<<"$out"'
GITHUB_TOKEN=nope "$DWHBI" dispatch --list 2>"$T_TMP/err"; rc=$?
t_eq "--list with a bad token exits 1" 1 "$rc"

t_done
