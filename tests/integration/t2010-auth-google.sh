#!/usr/bin/env bash
# t2010: `dwhbi auth google`, the installed-app flow, end to end against the
# fake authorization server with curl as the browser (it follows the
# consent page's redirect to dwhbi's loopback listener): the refresh token
# lands in the env file (mode 0600, other lines kept) and works for a sync;
# without a file it is printed once; a wrong state, a denied consent and an
# expired code save nothing; the wait times out cleanly; the client secret,
# the code and the tokens never show in the output.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
unset GOOGLE_REFRESH_TOKEN
export DWHBI_NO_BROWSER=1
ALL_OUT="$T_TMP/all-output"
: > "$ALL_OUT"

# auth_start ARGS... — starts `dwhbi auth google ARGS` in the background and
# waits for the consent URL it prints; sets AUTH_PID, AUTH_URL, AUTH_ERR,
# AUTH_OUT.
AUTH_N=0
auth_start() {
	local i
	AUTH_N=$((AUTH_N + 1))
	AUTH_ERR="$T_TMP/auth$AUTH_N.err" AUTH_OUT="$T_TMP/auth$AUTH_N.out"
	"$DWHBI" auth google "$@" >"$AUTH_OUT" 2>"$AUTH_ERR" &
	AUTH_PID=$!
	AUTH_URL=
	for i in $(seq 1 100); do
		AUTH_URL=$(grep -m1 '^http' "$AUTH_ERR" 2>/dev/null || true)
		[ -n "$AUTH_URL" ] && return 0
		kill -0 "$AUTH_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "auth_start: no consent URL:" >&9
	cat "$AUTH_ERR" >&9
	return 1
}
# auth_wait — waits for it; sets AUTH_RC; keeps its output for the secret check.
auth_wait() {
	wait "$AUTH_PID"
	AUTH_RC=$?
	cat "$AUTH_OUT" "$AUTH_ERR" >> "$ALL_OUT"
}
# url_param URL NAME — a query parameter of URL, decoded.
url_param() {
	perl -e 'my ($u, $n) = @ARGV; my ($q) = $u =~ /\?([^#]*)/;
		for (split /&/, $q // "") { my ($k, $v) = split /=/, $_, 2; next unless $k eq $n;
			$v =~ tr/+/ /; $v =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; print "$v\n"; last }' "$1" "$2"
}

# -- success, into an existing env file ---------------------------------------
ENVF="$T_TMP/env"
printf '%s\n' '# my secrets' 'export TOGGL_API_TOKEN=abc' \
	'export GOOGLE_REFRESH_TOKEN=stale-token-0000' 'export GCAL_CALENDAR_IDS=primary' >"$ENVF"
chmod 644 "$ENVF"
auth_start --env-file "$ENVF" --timeout 30
t_eq "the consent URL asks for calendar.readonly, offline, PKCE S256, a state, a loopback redirect" \
	"https://www.googleapis.com/auth/calendar.readonly|offline|S256|43|32|code|$G_CLIENT_ID" \
	"$(url_param "$AUTH_URL" scope)|$(url_param "$AUTH_URL" access_type)|$(url_param "$AUTH_URL" code_challenge_method)|$(url_param "$AUTH_URL" code_challenge | tr -d '\n' | wc -c)|$(url_param "$AUTH_URL" state | tr -d '\n' | wc -c)|$(url_param "$AUTH_URL" response_type)|$(url_param "$AUTH_URL" client_id)"
t_ok "the redirect_uri is 127.0.0.1 on a port of its own" \
	'url_param "$AUTH_URL" redirect_uri | grep -Eq "^http://127\.0\.0\.1:[0-9]+/$"'
curl -sS -L -o "$T_TMP/page1" -w '%{http_code}' "$AUTH_URL" >"$T_TMP/code1"
auth_wait
t_eq "curl follows the redirect to dwhbi, which answers 200 and exits 0" "200|0" \
	"$(cat "$T_TMP/code1")|$AUTH_RC"
t_ok "the browser page says it worked" 'grep -q "dwhbi is authorized" "$T_TMP/page1"'
t_eq "the env file is mode 0600" 600 "$(stat -c %a "$ENVF")"
t_eq "the token line is replaced, other lines kept in order" \
	"# my secrets|export TOGGL_API_TOKEN=abc|export GOOGLE_REFRESH_TOKEN=$G_REFRESH_TOKEN|export GCAL_CALENDAR_IDS=primary" \
	"$(paste -sd'|' "$ENVF")"
t_eq "one code exchanged at the fake (which checked the verifier against the challenge)" 1 \
	"$(g_stat code_grants)"
t_ok "the exchange is a form POST with grant_type=authorization_code and a code_verifier" '
	grep "\"path\":\"/token\"" "$FAKE_LOG" | grep -q "grant_type=authorization_code.*code_verifier=[A-Za-z0-9_-]\{43,128\}"'
t_ok "stdout holds nothing (the token went to the file)" '[ ! -s "$AUTH_OUT" ]'
t_ok "stderr says where it went and warns about the 7-day Testing expiry" '
	grep -q "written to $ENVF" "$AUTH_ERR"; grep -q "7 days" "$AUTH_ERR"'
t_ok "the listener is gone after the answer" '! curl -s -m 2 "$(url_param "$AUTH_URL" redirect_uri)" >/dev/null'
t_migrated_db
t_ok "the written token works: sync gcal with the env file sourced" '
	( unset GOOGLE_REFRESH_TOKEN; . "$ENVF"; "$DWHBI" -q sync gcal )'

# -- a new file; an env file without export lines ----------------------------
auth_start --env-file "$T_TMP/new.env"
curl -sS -L -o /dev/null "$AUTH_URL"
auth_wait
t_eq "a new env file: exit 0, one line, mode 0600" "0|GOOGLE_REFRESH_TOKEN=$G_REFRESH_TOKEN|600" \
	"$AUTH_RC|$(cat "$T_TMP/new.env")|$(stat -c %a "$T_TMP/new.env")"
printf 'A=1\nB=2' >"$T_TMP/plain.env"
auth_start --env-file "$T_TMP/plain.env"
curl -sS -L -o /dev/null "$AUTH_URL"
auth_wait
t_eq "no token line yet: appended after the last line (which had no newline)" \
	"0|A=1|B=2|GOOGLE_REFRESH_TOKEN=$G_REFRESH_TOKEN" "$AUTH_RC|$(paste -sd'|' "$T_TMP/plain.env")"

# -- no env file: printed once with a warning ---------------------------------
auth_start
curl -sS -L -o /dev/null "$AUTH_URL"
auth_wait
t_eq "without --env-file: exit 0, the token printed once on stdout" \
	"0|GOOGLE_REFRESH_TOKEN=$G_REFRESH_TOKEN" "$AUTH_RC|$(cat "$AUTH_OUT")"
t_ok "with a warning on stderr, and the token not on stderr" '
	grep -q "^warning: no --env-file" "$AUTH_ERR"; ! grep -q "$G_REFRESH_TOKEN" "$AUTH_ERR"'
# This one print is intended; the secret check below covers the rest.
: > "$ALL_OUT"

# -- wrong state ---------------------------------------------------------------
cp "$ENVF" "$T_TMP/env.before"
grants=$(g_stat code_grants)
auth_start --env-file "$ENVF" --timeout 30
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AUTH_URL")
state=$(url_param "$loc" state)
bad=${loc/state=$state/state=forged-state-0123456789}
t_ok "the fake redirected with a code and the state" '[ "$state" = "$(url_param "$AUTH_URL" state)" ] && [ -n "$(url_param "$loc" code)" ] && [ "$bad" != "$loc" ]'
curl -sS -o "$T_TMP/page2" -w '%{http_code}' "$bad" >"$T_TMP/code2"
auth_wait
t_eq "a forged state: the listener answers 400 and dwhbi exits 1" "400|1" "$(cat "$T_TMP/code2")|$AUTH_RC"
t_ok "the message says the state differs and nothing was saved" '
	grep -q "different state" "$AUTH_ERR"; grep -q "nothing was saved" "$AUTH_ERR"'
t_ok "the env file is unchanged" 't_cmp "$T_TMP/env.before" "$ENVF"'
t_eq "the code was never exchanged" "$grants" "$(g_stat code_grants)"
t_ok "the genuine answer after the forged one is turned away (one-shot)" \
	'! curl -s -m 2 -o /dev/null "$loc"'

# A missing state is refused the same way.
auth_start --env-file "$ENVF" --timeout 30
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$AUTH_URL")
curl -sS -o /dev/null "$(url_param "$AUTH_URL" redirect_uri)?code=$(url_param "$loc" code)"
auth_wait
t_eq "no state at all: exit 1, nothing saved" "1|$grants" "$AUTH_RC|$(g_stat code_grants)"

# -- stray requests (favicon) do not end the wait -------------------------------
auth_start --env-file "$T_TMP/stray.env" --timeout 30
redirect=$(url_param "$AUTH_URL" redirect_uri)
t_eq "requests without code or state (favicon, the bare page) get 404" "404|404" \
	"$(curl -s -o /dev/null -w '%{http_code}' "${redirect}favicon.ico")|$(curl -s -o /dev/null -w '%{http_code}' "$redirect")"
curl -sS -L -o /dev/null "$AUTH_URL"
auth_wait
t_eq "and the real answer after it still works" "0" "$AUTH_RC"

# -- consent denied --------------------------------------------------------------
g_ctl POST auth-mode mode=deny >/dev/null
auth_start --env-file "$ENVF" --timeout 30
curl -sS -L -o "$T_TMP/page3" -w '%{http_code}' "$AUTH_URL" >"$T_TMP/code3"
auth_wait
t_eq "denied consent: the page says so (403), exit 1" "403|1" "$(cat "$T_TMP/code3")|$AUTH_RC"
t_ok "the message names access_denied and says what to do" '
	grep -q "did not authorize dwhbi (access_denied)" "$AUTH_ERR"; grep -q "allow read-only access" "$AUTH_ERR"'
t_ok "the env file is unchanged" 't_cmp "$T_TMP/env.before" "$ENVF"'

# -- expired code ----------------------------------------------------------------
g_ctl POST auth-mode mode=expire-codes >/dev/null
auth_start --env-file "$ENVF" --timeout 30
curl -sS -L -o /dev/null "$AUTH_URL"
auth_wait
t_eq "an expired code: exit 1" 1 "$AUTH_RC"
t_ok "the message names invalid_grant and says to run again" '
	grep -q "refused the authorization code (invalid_grant" "$AUTH_ERR"; grep -q "run .dwhbi auth google. again" "$AUTH_ERR"'
t_ok "the env file is unchanged" 't_cmp "$T_TMP/env.before" "$ENVF"'
g_ctl POST auth-mode mode=consent >/dev/null

# -- the fake checks PKCE like Google: a wrong verifier is invalid_grant ---------
verifier=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
challenge=$(perl -MDigest::SHA=sha256 -MMIME::Base64 -e '$_ = encode_base64(sha256($ARGV[0]), ""); tr{+/}{-_}; s/=+$//; print' "$verifier")
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -G "$FAKE_URL/o/oauth2/v2/auth" \
	--data-urlencode "client_id=$G_CLIENT_ID" --data-urlencode "redirect_uri=http://127.0.0.1:9/" \
	--data-urlencode response_type=code --data-urlencode scope=https://www.googleapis.com/auth/calendar.readonly \
	--data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256 \
	--data-urlencode state=s1)
code=$(url_param "$loc" code)
exchange() {
	curl -s -o "$T_TMP/x.json" -w '%{http_code}' "$FAKE_URL/token" \
		--data-urlencode "code=$code" --data-urlencode "client_id=$G_CLIENT_ID" \
		--data-urlencode "client_secret=$G_CLIENT_SECRET" \
		--data-urlencode "redirect_uri=http://127.0.0.1:9/" \
		--data-urlencode grant_type=authorization_code --data-urlencode "code_verifier=$1"
}
t_eq "fake: a wrong verifier is 400 invalid_grant" "400|invalid_grant" \
	"$(exchange "${verifier}x")|$(jq -r .error "$T_TMP/x.json")"
t_eq "fake: the right verifier gets the refresh token, once" "200|$G_REFRESH_TOKEN|400" \
	"$(exchange "$verifier")|$(jq -r .refresh_token "$T_TMP/x.json")|$(exchange "$verifier")"

# -- timeout ---------------------------------------------------------------------
start=$(date +%s)
auth_start --env-file "$ENVF" --timeout 1
redirect=$(url_param "$AUTH_URL" redirect_uri)
auth_wait
elapsed=$(( $(date +%s) - start ))
t_eq "nobody answers: exit 1" 1 "$AUTH_RC"
t_ok "within a few seconds of --timeout 1 ($elapsed s)" '[ "$elapsed" -le 4 ]'
t_ok "the message says it timed out and what to do" '
	grep -q "no answer from the browser within 1 s" "$AUTH_ERR"; grep -q -- "--timeout" "$AUTH_ERR"'
t_ok "the listener is closed" '! curl -s -m 2 -o /dev/null "$redirect"'
t_ok "the env file is unchanged" 't_cmp "$T_TMP/env.before" "$ENVF"'

# -- a fixed port --------------------------------------------------------------
fixed=$((20000 + RANDOM % 20000))
auth_start --env-file "$T_TMP/port.env" --port "$fixed"
t_eq "--port N: the redirect_uri uses it" "http://127.0.0.1:$fixed/" "$(url_param "$AUTH_URL" redirect_uri)"
# While it listens, a second one on the same port fails at once, naming it.
t_ok "the same port twice: the second exits 1 and says to choose another" '
	t_must_fail 1 "$DWHBI" auth google --port "$fixed" --timeout 5 2>"$T_TMP/p2"
	grep -q "cannot listen on 127.0.0.1:$fixed.*choose another --port" "$T_TMP/p2"'
curl -sS -L -o /dev/null "$AUTH_URL"
auth_wait
t_eq "and the flow completes on it" "0|GOOGLE_REFRESH_TOKEN=$G_REFRESH_TOKEN" "$AUTH_RC|$(cat "$T_TMP/port.env")"

# -- usage and configuration -------------------------------------------------------
t_ok "--port 80 is a usage error, exit 2" '
	t_must_fail 2 "$DWHBI" auth google --port 80 2>"$T_TMP/u0"; grep -q -- "--port" "$T_TMP/u0"'
t_ok "--timeout 0 is a usage error, exit 2" '
	t_must_fail 2 "$DWHBI" auth google --timeout 0 2>"$T_TMP/u1"; grep -q -- "--timeout" "$T_TMP/u1"'
t_ok "an unknown service is a usage error, exit 2" '
	t_must_fail 2 "$DWHBI" auth github 2>"$T_TMP/u2"; grep -q "only .google." "$T_TMP/u2"'
t_ok "no GOOGLE_CLIENT_SECRET: exit 2 naming it" '
	( unset GOOGLE_CLIENT_SECRET; t_must_fail 2 "$DWHBI" auth google 2>"$T_TMP/u3" ); grep -q GOOGLE_CLIENT_SECRET "$T_TMP/u3"'
t_ok "--help explains the Desktop app client and the 7-day Testing expiry" '
	"$DWHBI" auth google --help | grep -q "Desktop app"; "$DWHBI" auth --help | grep -q "7 days"'

t_ok "doctor, with the client but no refresh token, points at dwhbi auth google" '
	"$DWHBI" doctor >"$T_TMP/u4" 2>&1 || true
	grep "^FAIL  google" "$T_TMP/u4" | grep -q "dwhbi auth google --env-file FILE" || { cat "$T_TMP/u4"; false; }'
g_ctl POST revoke >/dev/null
t_ok "and after a revocation, to auth google and the 7-day Testing expiry" '
	GOOGLE_REFRESH_TOKEN=$G_REFRESH_TOKEN "$DWHBI" doctor >"$T_TMP/u5" 2>&1 || true
	grep "^FAIL  google" "$T_TMP/u5" | grep -q "dwhbi auth google.*7 days" || { cat "$T_TMP/u5"; false; }'

# -- secrets ---------------------------------------------------------------------
cat "$T_TMP"/u* >> "$ALL_OUT"
t_ok "the output of every run was collected" '[ -s "$ALL_OUT" ]'
t_eq "the client secret, codes, refresh and access tokens never in any output (but the one print)" 0 \
	"$(grep -c -e "$G_CLIENT_SECRET" -e "$G_REFRESH_TOKEN" -e '4/fake-code' -e 'ya29\.' "$ALL_OUT")"
t_eq "nor in the fake's log of the requests (secret fields redacted by the fake)" 0 \
	"$(grep -c -e "$G_CLIENT_SECRET" -e '4/fake-code' "$FAKE_LOG")"

t_done
