#!/usr/bin/env bash
# t6015: `dwhbi run monthly --release` publishes the PDF as a GitHub Release
# asset, against fake-github (docs/upstream-apis.md, "GitHub Releases").
# Off by default: without --release or DWHBI_REPORT_RELEASE=1 nothing is
# sent.  The first run finds no release for tag report-YYYY-MM (404),
# creates it (201) and uploads the bytes to the release's upload_url on the
# uploads host with ?name= and Content-Type: application/pdf (201); the
# stored asset is the PDF byte for byte.  A rerun finds the release and
# the asset, deletes the asset and uploads again (GitHub answers 422 to a
# second asset of one name, which the fake does too).  Every request is
# asserted from the fake's log; the token is in no output, log or ops.runs
# row; a bad token and a missing GITHUB_TOKEN fail the step with a line
# that says what to do.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null ||
	{ echo "fixture failed to load" >&2; exit 1; }
TOKEN=ghp_fake_release_token_$RANDOM$RANDOM
t_start_fake github --token "$TOKEN" --repo octo/dwhbi
export GITHUB_API_BASE=$FAKE_URL GITHUB_REPOSITORY=octo/dwhbi
PDF=$T_TMP/out/report.pdf
mkdir -p "$T_TMP/out"

nreq() { wc -l < "$FAKE_LOG" | tr -d ' '; }
# reqs FROM: the requests logged after line FROM, one compact line each:
# METHOD PATH STATUS
reqs() { tail -n +"$(( $1 + 1 ))" "$FAKE_LOG" | jq -r '"\(.method) \(.path) \(.status)"'; }
# last METHOD PATH-REGEX: the newest logged request that matches
last() { jq -c --arg m "$1" --arg p "$2" 'select(.method == $m and (.path | test($p)))' "$FAKE_LOG" | tail -1; }
everything() { cat "$T_TMP"/*.out "$T_TMP"/*.err "$FAKE_LOG" 2>/dev/null; t_psql "SELECT detail::text, coalesce(error, '') FROM ops.runs"; }

c1() {
	before=$(nreq)
	GITHUB_TOKEN=$TOKEN "$DWHBI" run monthly --month 2026-10 -o "$PDF" >"$T_TMP/off.out" 2>"$T_TMP/off.err" &&
	[ -s "$PDF" ] && [ "$(nreq)" -eq "$before" ] && ! grep -q "publish release" "$T_TMP/off.out"
}
t_ok "off by default: run monthly sends nothing to GitHub" c1

c2() {
	GITHUB_TOKEN=$TOKEN "$DWHBI" run monthly --month 2026-10 -o "$PDF" --release >"$T_TMP/first.out" 2>"$T_TMP/first.err" ||
		{ cat "$T_TMP/first.out" "$T_TMP/first.err"; exit 1; }
	grep -qE "publish release +ok .*report-2026-10.pdf uploaded \([0-9]+ bytes\) in release report-2026-10 \(new\): https://github.com/octo/dwhbi/releases/download/report-2026-10/report-2026-10.pdf" "$T_TMP/first.out"
}
t_ok "--release: the step uploads report-2026-10.pdf into a new release report-2026-10" c2
c3() {
	reqs 0 > "$T_TMP/seq"
	id=$(jq -r 'select(.method == "POST" and .path == "/repos/octo/dwhbi/releases") | .status' "$FAKE_LOG")
	diff <(printf '%s\n' \
		"GET /repos/octo/dwhbi/releases/tags/report-2026-10 404" \
		"POST /repos/octo/dwhbi/releases 201") <(head -2 "$T_TMP/seq") &&
	sed -n 3p "$T_TMP/seq" | grep -qE "^POST /uploads/repos/octo/dwhbi/releases/[0-9]+/assets 201$" &&
	[ "$(wc -l < "$T_TMP/seq")" -eq 3 ] && [ "$id" = 201 ]
}
t_ok "requests: get the release by tag (404), create it (201), upload to the uploads host (201)" c3
c4() {
	r=$(last POST '^/repos/octo/dwhbi/releases$')
	[ "$(jq -cS '.body | fromjson | {tag_name, name, draft, prerelease}' <<<"$r")" = \
	  '{"draft":false,"name":"Monthly report 2026-10","prerelease":false,"tag_name":"report-2026-10"}' ] &&
	[ "$(jq -r '.headers["Content-Type"]' <<<"$r")" = application/json ] &&
	[ "$(jq -r '.headers.Authorization' <<<"$r")" = '***' ] &&
	[ "$(jq -r '.headers.Accept' <<<"$r")" = application/vnd.github+json ] &&
	[ "$(jq -r '.headers["X-GitHub-Api-Version"]' <<<"$r")" = 2022-11-28 ]
}
t_ok "the release is created with tag_name, name, draft false, the GitHub headers" c4
c5() {
	u=$(last POST '^/uploads/')
	[ "$(jq -r '.query.name' <<<"$u")" = report-2026-10.pdf ] &&
	[ "$(jq -r '.headers["Content-Type"]' <<<"$u")" = application/pdf ] &&
	[ "$(jq -r '.headers.Authorization' <<<"$u")" = '***' ] &&
	[ "$(jq -r '.body_bytes' <<<"$u")" = "$(stat -c %s "$PDF")" ] &&
	[ "$(jq -r '.headers["Content-Length"]' <<<"$u")" = "$(stat -c %s "$PDF")" ]
}
t_ok "the upload: ?name=, Content-Type application/pdf, the PDF's size as the body" c5
c6() {
	id=$(curl -s -H "Authorization: Bearer $TOKEN" "$FAKE_URL/repos/octo/dwhbi/releases/tags/report-2026-10" |
		jq -r '.assets[0].id')
	curl -s -o "$T_TMP/stored.pdf" "$FAKE_URL/__control/assets/$id" && cmp "$PDF" "$T_TMP/stored.pdf"
}
t_ok "the stored asset is the PDF byte for byte" c6

c7() {
	before=$(nreq)
	GITHUB_TOKEN=$TOKEN "$DWHBI" run monthly --month 2026-10 -o "$PDF" --release >"$T_TMP/second.out" 2>"$T_TMP/second.err" ||
		{ cat "$T_TMP/second.out" "$T_TMP/second.err"; exit 1; }
	grep -qE "publish release +ok .*report-2026-10.pdf replaced \([0-9]+ bytes\) in release report-2026-10: " "$T_TMP/second.out" &&
	reqs "$before" > "$T_TMP/seq2" &&
	sed -n 1p "$T_TMP/seq2" | grep -qx "GET /repos/octo/dwhbi/releases/tags/report-2026-10 200" &&
	sed -n 2p "$T_TMP/seq2" | grep -qE "^DELETE /repos/octo/dwhbi/releases/assets/[0-9]+ 204$" &&
	sed -n 3p "$T_TMP/seq2" | grep -qE "^POST /uploads/repos/octo/dwhbi/releases/[0-9]+/assets 201$" &&
	[ "$(wc -l < "$T_TMP/seq2")" -eq 3 ] &&
	[ "$(curl -s -H "Authorization: Bearer $TOKEN" "$FAKE_URL/repos/octo/dwhbi/releases/tags/report-2026-10" |
		jq '.assets | length')" -eq 1 ]
}
t_ok "a rerun finds the release (200), deletes the old asset (204), uploads again: one asset" c7

# The fake behaves as GitHub does for the cases dwhbi must not run into.
c8() {
	rel=$(curl -s -H "Authorization: Bearer $TOKEN" "$FAKE_URL/repos/octo/dwhbi/releases/tags/report-2026-10")
	up=$(jq -r '.upload_url' <<<"$rel" | sed 's/{.*//')
	st=$(curl -s -o "$T_TMP/dup.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-H "Content-Type: application/pdf" --data-binary @"$PDF" "$up?name=report-2026-10.pdf")
	[ "$st" = 422 ] && [ "$(jq -r '.errors[0].code' "$T_TMP/dup.json")" = already_exists ] &&
	st=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H "Content-Type:" \
		--data-binary @"$PDF" "$up?name=other.pdf") && [ "$st" = 400 ] &&
	st=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-H "Content-Type: application/pdf" --data-binary @"$PDF" "$up") && [ "$st" = 422 ] &&
	api=$(sed "s|/uploads/|/|" <<<"$up") &&
	st=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-H "Content-Type: application/pdf" --data-binary @"$PDF" "$api?name=x.pdf") && [ "$st" = 404 ] &&
	st=$(curl -s -o "$T_TMP/dup2.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-d '{"tag_name":"report-2026-10"}' "$FAKE_URL/repos/octo/dwhbi/releases") && [ "$st" = 422 ] &&
	[ "$(jq -r '.errors[0].code' "$T_TMP/dup2.json")" = already_exists ]
}
t_ok "fake-github: 422 for an asset name that exists or a tag with a release, 400 without Content-Type, no uploads on the API path" c8

c9() {
	before=$(nreq)
	DWHBI_REPORT_RELEASE=1 GITHUB_TOKEN=$TOKEN "$DWHBI" run monthly --month 2026-09 -o "$T_TMP/out/sep.pdf" >"$T_TMP/setting.out" 2>"$T_TMP/setting.err" ||
		{ cat "$T_TMP/setting.out" "$T_TMP/setting.err"; exit 1; }
	grep -q "report-2026-09.pdf uploaded" "$T_TMP/setting.out" &&
	reqs "$before" | grep -qE "^POST /uploads/repos/octo/dwhbi/releases/[0-9]+/assets 201$"
}
t_ok "DWHBI_REPORT_RELEASE=1 turns it on without the flag (another month, another release)" c9

c10() {
	GITHUB_TOKEN=ghp_wrong_token_$RANDOM "$DWHBI" run monthly --month 2026-10 -o "$PDF" --release >"$T_TMP/bad.out" 2>"$T_TMP/bad.err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -qE "publish release +FAILED .*401 Bad credentials; check GITHUB_TOKEN" "$T_TMP/bad.out" &&
	! grep -q "ghp_wrong_token" "$T_TMP/bad.out" "$T_TMP/bad.err" "$FAKE_LOG" &&
	! t_psql "SELECT detail::text || coalesce(error, '') FROM ops.runs" | grep -q ghp_wrong_token
}
t_ok "a bad token: the step fails (exit 1) with GitHub's 401 and what to check, the token nowhere" c10
c11() {
	before=$(nreq)
	env -u GITHUB_TOKEN "$DWHBI" run monthly --month 2026-10 -o "$PDF" --release >"$T_TMP/none.out" 2>"$T_TMP/none.err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "publish release.*FAILED.*GITHUB_TOKEN" "$T_TMP/none.out" &&
	grep -q "report .*ok" "$T_TMP/none.out" && [ -s "$PDF" ] && [ "$(nreq)" -eq "$before" ]
}
t_ok "without GITHUB_TOKEN: the report is made, the publish step fails naming GITHUB_TOKEN, nothing is sent" c11
# A fake whose releases point upload_url at another origin: the token must
# not go there, nor any upload be tried.
UPLOADS_BEFORE=$(jq -r .path "$FAKE_LOG" | grep -c "^/uploads/")
t_start_fake github --token "$TOKEN" --repo octo/dwhbi --upload-origin "http://127.0.0.2:9"
c12() {
	GITHUB_API_BASE=$FAKE_URL GITHUB_TOKEN=$TOKEN "$DWHBI" run monthly --month 2026-10 -o "$PDF" --release \
		>"$T_TMP/foreign.out" 2>"$T_TMP/foreign.err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "publish release.*FAILED.*upload_url is on another host.*not sending the token" "$T_TMP/foreign.out" &&
	[ "$(jq -r .path "$FAKE_LOG" | grep -c "^/uploads/")" -eq "$UPLOADS_BEFORE" ] &&
	jq -r .path "$FAKE_LOG" | grep -q "^/repos/octo/dwhbi/releases$"
}
t_ok "an upload_url on a foreign origin is refused before the token is sent" c12
t_ok "the token is in no output, fake log or ops.runs row" '! everything | grep -qF "$TOKEN"'
t_ok "run monthly --help documents --release and DWHBI_REPORT_RELEASE" '
	"$DWHBI" run --help | grep -q -- "--release" && "$DWHBI" run --help | grep -q DWHBI_REPORT_RELEASE'
t_done
