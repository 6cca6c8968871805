#!/usr/bin/env bash
# t2004: the access token comes from the refresh-token grant and lives in
# memory only.  When it expires mid-run (401) the connector refreshes once
# and the run succeeds; a revoked refresh token stops the run before
# anything is written, with the message that tells the person what to do,
# exit 1, and no secret anywhere in the output.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

# -- expiry mid-run -----------------------------------------------------------
t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json" \
	--page-cap 2 --expire-token-after 5
export GCAL_CALENDAR_IDS="primary,$G_TEAM"
export GCAL_HOLIDAY_CALENDAR_ID="$G_HOLIDAY"

t_ok "a run whose token expires after 5 calls succeeds" \
	'"$DWHBI" sync gcal >"$T_TMP/out1" 2>&1 || { cat "$T_TMP/out1"; false; }'
t_eq "exactly one refresh after the first grant, after exactly one 401" "2|1" \
	"$(g_stat token_grants)|$(g_stat unauthorized)"
t_eq "raw equals the fake" 0 "$(g_mismatches)"
g_log
t_eq "the request that got 401 was repeated with the new token and succeeded" "1" \
	"$(t_psql "SELECT count(*) FROM fake_log a JOIN fake_log b ON b.seq = a.seq + 2 WHERE (a.j->>'status')::int = 401 AND b.j->>'path' = a.j->>'path' AND b.j->'query' = a.j->'query' AND (b.j->>'status')::int = 200")"
t_eq "the token grant is a form POST with grant_type=refresh_token, secrets redacted in the log" "1" \
	"$(t_psql "SELECT count(*) FROM fake_log WHERE j->>'path' = '/token' AND j->>'method' = 'POST' AND j->>'body' LIKE '%grant_type=refresh_token%' AND j->>'body' LIKE '%refresh_token=***%' AND j->>'seq' = '1'")"
t_eq "ops.runs detail counts the refreshes" "2" \
	"$(t_psql "SELECT detail->>'token_refreshes' FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"

# -- revoked refresh token ----------------------------------------------------
t_migrated_db
g_ctl POST revoke >/dev/null
"$DWHBI" sync gcal >"$T_TMP/out2" 2>"$T_TMP/err2"
t_eq "a revoked refresh token fails the run with exit 1" 1 "$?"
t_ok "the message says what to do" \
	'grep -q "Google authorization expired or revoked: re-authorize and update GOOGLE_REFRESH_TOKEN" "$T_TMP/err2" || { cat "$T_TMP/err2"; false; }'
t_eq "the message is printed once" 1 "$(grep -c "re-authorize" "$T_TMP/err2")"
t_eq "nothing was written" "0|0|0|0" \
	"$(t_psql "SELECT (SELECT count(*) FROM raw.google_calendar__events), (SELECT count(*) FROM raw.google_calendar__calendar_list), (SELECT count(*) FROM raw.google_calendar__colors), (SELECT count(*) FROM ops.sync_state)")"
t_eq "ops.runs records the failure with the message" "failed|t" \
	"$(t_psql "SELECT status, error LIKE '%re-authorize and update GOOGLE_REFRESH_TOKEN%' FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_eq "no secret in stdout, stderr or ops.runs" "0" \
	"$( (cat "$T_TMP/out2" "$T_TMP/err2"; t_psql "SELECT coalesce(detail::text, ''), coalesce(error, ''), args FROM ops.runs") | grep -c -e "$G_CLIENT_SECRET" -e "$G_REFRESH_TOKEN" -e 'ya29\.')"

# A token that never was valid is the same story.
t_migrated_db
GOOGLE_REFRESH_TOKEN=wrong-token-1234 "$DWHBI" sync gcal >/dev/null 2>"$T_TMP/err3"
t_eq "an unknown refresh token: exit 1" 1 "$?"
t_ok "same message" 'grep -q "re-authorize and update GOOGLE_REFRESH_TOKEN" "$T_TMP/err3"'

# A revocation between runs, after data exists: rows and cursors stay.
t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
t_ok "a good run" '"$DWHBI" -q sync gcal'
state=$(t_psql "SELECT md5(string_agg(source || coalesce(cursor, ''), ',' ORDER BY source)) FROM ops.sync_state")
rows=$(t_psql "SELECT md5(string_agg(source_id || data::text || coalesce(deleted_at::text, ''), ',' ORDER BY source_id)) FROM raw.google_calendar__events")
g_ctl POST revoke >/dev/null
g_ctl POST expire-access-tokens >/dev/null
"$DWHBI" -q sync gcal 2>/dev/null
t_eq "after revocation: exit 1" 1 "$?"
t_eq "cursors unchanged" "$state" \
	"$(t_psql "SELECT md5(string_agg(source || coalesce(cursor, ''), ',' ORDER BY source)) FROM ops.sync_state")"
t_eq "rows unchanged" "$rows" \
	"$(t_psql "SELECT md5(string_agg(source_id || data::text || coalesce(deleted_at::text, ''), ',' ORDER BY source_id)) FROM raw.google_calendar__events")"

# Missing configuration is a usage error.
unset GOOGLE_REFRESH_TOKEN
"$DWHBI" sync gcal >/dev/null 2>"$T_TMP/err4"
t_eq "no GOOGLE_REFRESH_TOKEN: exit 2" 2 "$?"
t_ok "the message names the variable" 'grep -q GOOGLE_REFRESH_TOKEN "$T_TMP/err4"'
export GOOGLE_REFRESH_TOKEN="$G_REFRESH_TOKEN"
"$DWHBI" sync gcal --bogus >/dev/null 2>&1
t_eq "an unknown option: exit 2" 2 "$?"
"$DWHBI" sync gcal --since 2026-13-01 >/dev/null 2>"$T_TMP/err5"
t_eq "a bad --since date: exit 2" 2 "$?"
t_ok "the message names the bad date" 'grep -q "2026-13-01" "$T_TMP/err5"'

t_done
