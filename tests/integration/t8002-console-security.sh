#!/usr/bin/env bash
# t8002: the console's security rules over HTTP — loopback unless a token is
# set, every state change needs the token (session + CSRF, or Bearer), GET
# never changes state, cross-origin posts and foreign Host headers are
# refused, bodies are bounded, and the login is rate-limited.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"

t_migrated_db
console_fixture
runs() { t_psql "SELECT count(*) FROM ops.runs WHERE job LIKE 'sync %' OR job LIKE 'adjust%'"; }
pending() { t_psql "SELECT count(*) FROM analytics.goal_proposals WHERE state = 'pending'"; }

# -- where it listens -----------------------------------------------------------
"$DWHBI" serve --listen 0.0.0.0:0 >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
t_eq "a non-loopback address without DWHBI_CONSOLE_TOKEN is refused (exit 2)" 2 "$rc"
t_ok "the refusal names DWHBI_CONSOLE_TOKEN" 'grep -q "DWHBI_CONSOLE_TOKEN" "$T_TMP/err"'
DWHBI_CONSOLE_TOKEN=short "$DWHBI" serve --listen 127.0.0.1:0 >/dev/null 2>"$T_TMP/err"; rc=$?
t_ok "a token shorter than 8 characters is refused" '[ "$rc" = 2 ] && grep -q "8 to 128" "$T_TMP/err"'
"$DWHBI" serve --bogus >/dev/null 2>"$T_TMP/err"; rc=$?
t_ok "an unknown option is a usage error" '[ "$rc" = 2 ] && grep -q "unknown option" "$T_TMP/err"'
"$DWHBI" serve --listen nowhere >/dev/null 2>"$T_TMP/err"; rc=$?
t_ok "a malformed --listen is a usage error" '[ "$rc" = 2 ] && grep -q "ADDR:PORT" "$T_TMP/err"'

# -- a generated token when none is set (loopback) -------------------------------
console_start
gen=$(sed -n 's/^log in with the token \([0-9a-f]*\) .*/\1/p' "$CONSOLE_OUT")
t_ok "without DWHBI_CONSOLE_TOKEN a token is made and printed" '[ ${#gen} -ge 32 ]'
http POST /api/sync/nope >/dev/null
t_eq "without it, a POST is refused" 401 "$(http_status)"
http POST /api/sync/nope -H "Authorization: Bearer $gen" >/dev/null
t_eq "the printed token works (unknown service: 404, not 401)" 404 "$(http_status)"
console_stop

# -- with a configured token -------------------------------------------------------
TOKEN=console-token-for-t8002-abcdef
export DWHBI_CONSOLE_TOKEN=$TOKEN
console_start
before_runs=$(runs)
before_pending=$(pending)

body=$(http POST /api/sync/toggl)
t_eq "POST /api/sync without a token: 401" 401 "$(http_status)"
t_ok "the 401 says how to authenticate" 'jq -e ".error | test(\"Bearer\")" <<<"$body" >/dev/null &&
	grep -qi "^www-authenticate: Bearer" "$T_TMP/headers"'
http POST /api/sync/toggl -H "Authorization: Bearer wrong-token-xyz" >/dev/null
t_eq "a wrong Bearer token: 401" 401 "$(http_status)"
http POST /api/proposals/1/accept >/dev/null
t_eq "accepting without a token: 401" 401 "$(http_status)"
http POST /sync/toggl -d "csrf=x" >/dev/null
t_eq "a form post without a session: 401" 401 "$(http_status)"
http GET /api/sync/toggl >/dev/null
t_eq "GET on an action is 405" 405 "$(http_status)"
http GET /proposals/1/accept >/dev/null
t_eq "GET on a form action is 404" 404 "$(http_status)"
t_eq "nothing ran" "$before_runs" "$(runs)"
t_eq "no proposal changed" "$before_pending" "$(pending)"

# -- login, session cookie, CSRF ----------------------------------------------------
http POST /login -d "token=not-the-token&next=/goals" >/dev/null
t_eq "a wrong token at the login form: 401" 401 "$(http_status)"
http POST /login -d "token=$TOKEN&next=/goals" -c "$T_TMP/jar" >/dev/null
t_eq "the right token: 303" 303 "$(http_status)"
t_ok "the session cookie is HttpOnly and SameSite=Strict" \
	'grep -i "^set-cookie: dwhbi_session=" "$T_TMP/headers" | grep -i "HttpOnly" | grep -qi "SameSite=Strict"'
t_ok "the login goes where it was asked" 'grep -qi "^location: /goals" "$T_TMP/headers"'
http POST /login -d "token=$TOKEN&next=//evil.example/" >/dev/null
t_ok "an off-site next is ignored" 'grep -qi "^location: /\s*$" "$T_TMP/headers"'
page=$(http GET /goals -b "$T_TMP/jar")
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' <<<"$page" | head -1 | sed 's/.*value="\([0-9a-f]*\)"/\1/')
t_ok "logged in, forms carry a CSRF token" '[ ${#csrf} = 64 ]'
http POST /proposals/1/reject -b "$T_TMP/jar" >/dev/null
t_ok "a form post without the CSRF token changes nothing" \
	'[ "$(http_status)" = 303 ] && [ "$(pending)" = "$before_pending" ]'
http POST /proposals/1/reject -b "$T_TMP/jar" -d "csrf=$(printf '%064d' 0)" >/dev/null
t_eq "a wrong CSRF token changes nothing" "$before_pending" "$(pending)"
http POST /api/proposals/1/reject -b "$T_TMP/jar" >/dev/null
t_eq "the API with a cookie but no X-CSRF-Token: 401" 401 "$(http_status)"
http POST /proposals/1/reject -b "$T_TMP/jar" -d "csrf=$csrf" -H "Origin: http://evil.example" >/dev/null
t_ok "a cross-origin post is refused even with cookie and CSRF token" \
	'[ "$(http_status)" = 403 ] && [ "$(pending)" = "$before_pending" ]'
http POST /proposals/1/reject -b "$T_TMP/jar" -d "csrf=$csrf" -H "Origin: null" >/dev/null
t_eq "an opaque origin is refused" 403 "$(http_status)"
http POST /logout -b "$T_TMP/jar" -d "csrf=$csrf" >/dev/null
t_ok "logging out clears the cookie" 'grep -i "^set-cookie: dwhbi_session=;" "$T_TMP/headers" | grep -qi "Max-Age=0"'
http POST /proposals/1/reject -b "$T_TMP/jar" -d "csrf=$csrf" >/dev/null
t_ok "after logout the old session is dead" '[ "$(http_status)" = 401 ] && [ "$(pending)" = "$before_pending" ]'

# -- transport-level checks ----------------------------------------------------------
http GET / -H "Host: evil.example:80" >/dev/null
t_eq "a foreign Host header is refused (DNS rebinding)" 421 "$(http_status)"
head -c 20000 /dev/zero | tr '\0' a > "$T_TMP/big"
http POST /login --data-binary "@$T_TMP/big" >/dev/null
t_eq "a body over the limit: 413" 413 "$(http_status)"
http PUT /api/status >/dev/null
t_eq "other methods: 405" 405 "$(http_status)"
http GET / >/dev/null
t_ok "pages carry a strict CSP, no framing, no sniffing" \
	'grep -qi "^content-security-policy: default-src .none.; script-src .self." "$T_TMP/headers" &&
	 grep -qi "^x-frame-options: DENY" "$T_TMP/headers" && grep -qi "^x-content-type-options: nosniff" "$T_TMP/headers"'
t_ok "no page shows the console token" \
	'for p in / /runs /goals /reports /login /api/status; do ! http GET $p -H "Authorization: Bearer $TOKEN" | grep -q "$TOKEN" || exit 1; done'

# -- rate limit (last: it blocks logins for a minute) ------------------------------
for i in $(seq 1 10); do http POST /login -d "token=guess-$i" >/dev/null; done
http POST /login -d "token=$TOKEN" >/dev/null
t_eq "after 10 failed logins even the right token waits (429)" 429 "$(http_status)"
t_done
