#!/usr/bin/env bash
# t8032: the JSON API's accept and reject take the same confirmation step
# as the goals page (issue 19).  A first POST changes nothing and answers
# 428 with the change, the day it takes effect and a token; a second POST
# with confirm=<token> (form field, query or JSON body) decides.  A token
# is good once, for its proposal and decision only.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
console_fixture
TOKEN=console-token-for-t8032-xyz
export DWHBI_CONSOLE_TOKEN=$TOKEN
auth=(-H "Authorization: Bearer $TOKEN")
console_start
goals() { t_psql "SELECT string_agg(concat_ws(' ', goal_id, minutes, valid_from, coalesce(valid_to::text, 'open')), ',' ORDER BY goal_id) FROM ref.goals"; }
state() { t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = $1"; }
G0=$(goals)

body=$(http POST /api/proposals/1/accept "${auth[@]}")
t_eq "a first accept answers 428 (confirmation needed)" 428 "$(http_status)"
t_ok "it says what would change: the proposed minutes, the category, the day it takes effect" '
	jq -e ".status == \"confirm\" and .action == \"accept\" and .proposal_id == 1" <<<"$body" >/dev/null
	[ "$(jq .change.proposed_minutes <<<"$body")" = "$(t_psql "SELECT proposed_minutes FROM analytics.goal_proposals WHERE proposal_id = 1")" ]
	[ "$(jq -r .change.category <<<"$body")" = Exercise ]
	[ "$(jq -r .takes_effect <<<"$body")" = "$(t_psql "SELECT (date_trunc('"'"'week'"'"', (now() AT TIME ZONE '"'"'Asia/Tokyo'"'"')::date) + interval '"'"'7 days'"'"')::date")" ]
'
t_ok "and how to confirm (a 32-hex token, an expiry, the next step in .error)" '
	jq -e ".confirm | test(\"^[0-9a-f]{32}$\")" <<<"$body" >/dev/null
	jq -e ".confirm_expires_at | test(\"Z$\")" <<<"$body" >/dev/null
	jq -e ".error | test(\"confirm=\")" <<<"$body" >/dev/null
'
TOK=$(jq -r .confirm <<<"$body")
t_eq "the first call changed nothing" "pending $G0" "$(state 1) $(goals)"

http POST /api/proposals/1/accept "${auth[@]}" -d "confirm=$(printf '%032d' 0)" >/dev/null
t_eq "a made-up token: 409, nothing changes" "409 pending $G0" "$(http_status) $(state 1) $(goals)"
http POST /api/proposals/1/reject "${auth[@]}" -d "confirm=$TOK" >/dev/null
t_eq "accept's token does not reject: 409, nothing changes" "409 pending" "$(http_status) $(state 1)"
http POST /api/proposals/1/accept "${auth[@]}" -d "confirm=$TOK" >/dev/null
t_eq "and once tried for the wrong decision it is used up" "409 pending" "$(http_status) $(state 1)"
http POST /api/proposals/1/accept >/dev/null
t_eq "without the console token the first step is refused too" 401 "$(http_status)"

if adjust_available; then
	TOK=$(http POST /api/proposals/1/accept "${auth[@]}" | jq -r .confirm)
	body=$(http POST "/api/proposals/1/accept?confirm=$TOK" "${auth[@]}")
	t_eq "the second call with the token accepts (query argument)" "200 accepted accepted" \
		"$(http_status) $(jq -r .status <<<"$body") $(state 1)"
	t_ok "a new goal version starts on the day the first answer named" '
		[ "$(t_psql "SELECT valid_from FROM ref.goals WHERE category = '"'"'Exercise'"'"' AND valid_to IS NULL")" = \
		  "$(t_psql "SELECT valid_from FROM analytics.goal_proposals WHERE proposal_id = 1")" ]
		[ "$(goals)" != "$G0" ]
	'
	http POST "/api/proposals/1/accept?confirm=$TOK" "${auth[@]}" >/dev/null
	t_eq "the token is good once" 409 "$(http_status)"
	body=$(http POST /api/proposals/1/accept "${auth[@]}")
	t_ok "a decided proposal gets no token (409, says it is accepted)" '
		[ "$(http_status)" = 409 ] && jq -e "(.confirm | not) and (.error | test(\"accepted\"))" <<<"$body" >/dev/null'
	G1=$(goals)
	TOK=$(http POST /api/proposals/2/reject "${auth[@]}" | jq -r .confirm)
	body=$(http POST /api/proposals/2/reject "${auth[@]}" -H 'Content-Type: application/json' \
		--data "{\"confirm\": \"$TOK\"}")
	t_eq "reject with the token in a JSON body" "200 rejected" "$(http_status) $(state 2)"
	t_eq "rejecting adds no goal version" "$G1" "$(goals)"
else
	t_skip "the confirmed decision through dwhbi adjust" "dwhbi adjust accept is not implemented in this build"
fi
http POST /api/proposals/424242/accept "${auth[@]}" >/dev/null
t_eq "an unknown proposal: 404 at the first step" 404 "$(http_status)"
t_done
