#!/usr/bin/env bash
# t9004 — `dwhbi run daily` on a night when both sources serve a hostile
# item (a Toggl entry with "duration": 3600.5, a Google event with
# start.dateTime "2026-99-99T99:99:99Z"): every step succeeds, the run
# exits 0, the marts are rebuilt, the syncs' rows count the quarantined
# items.  The night after the fix is clean and resolves both.
. "$SRCDIR/tests/lib.sh"

FROM=$(TZ=Asia/Tokyo date -d '-20 days' +%F)
PERSON="5:$FROM:25"
export DWHBI_TIMEZONE=Asia/Tokyo DWHBI_HTTP_WAIT_BUDGET=3
t_migrated_db
t_start_fake toggl --person "$PERSON" --tz Asia/Tokyo --token toggl-tok
TOGGL_URL=$FAKE_URL
export TOGGL_API_BASE=$FAKE_URL TOGGL_API_TOKEN=toggl-tok
t_start_fake google --person "$PERSON" --tz Asia/Tokyo --client-id cid --client-secret csecret \
	--refresh-token good-refresh
GOOGLE_URL=$FAKE_URL
export GOOGLE_API_BASE=$FAKE_URL/calendar/v3 GOOGLE_OAUTH_URL=$FAKE_URL/token \
	GOOGLE_CLIENT_ID=cid GOOGLE_CLIENT_SECRET=csecret GOOGLE_REFRESH_TOKEN=good-refresh \
	GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"
child() { t_psql "SELECT $3 FROM ops.runs WHERE parent_id = $1 AND job = '$2' ORDER BY id LIMIT 1"; }
run_id() { t_psql "SELECT max(id) FROM ops.runs WHERE job = 'run daily'"; }

t_ok "a first night" '"$DWHBI" run daily >"$OUT" 2>"$ERR"'

ENTRY=$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries
                WHERE deleted_at IS NULL AND data->'stop' <> 'null' ORDER BY source_id LIMIT 1")
EVENT=$(t_psql "SELECT source_id FROM raw.google_calendar__events
                WHERE deleted_at IS NULL AND data->'start' ? 'dateTime'
                  AND source_id NOT LIKE 'ja.japanese%' ORDER BY source_id LIMIT 1")
CAL=${EVENT%:*} EVID=${EVENT##*:}
GRAW="$GOOGLE_URL/__control/google/raw?calendarId=$(jq -rn --arg s "$CAL" '$s|@uri')&id=$(jq -rn --arg s "$EVID" '$s|@uri')"
curl -sf "$TOGGL_URL/__control/dump" | jq -c ".time_entries[] | select(.id == $ENTRY) | .duration = 3600.5" |
	curl -sf -X POST --data-binary @- "$TOGGL_URL/__control/raw?id=$ENTRY" >/dev/null
t_psql "SELECT data FROM raw.google_calendar__events WHERE source_id = '$EVENT'" |
	jq -c '.start.dateTime = "2026-99-99T99:99:99Z"' |
	curl -sf -X POST --data-binary @- "$GRAW" >/dev/null

BEFORE=$(t_psql "SELECT now()")
"$DWHBI" run daily >"$OUT" 2>"$ERR"; rc=$?
RUN=$(run_id)
t_eq "the hostile night exits 0" 0 "$rc"
t_eq "the run succeeded" success "$(t_psql "SELECT status FROM ops.runs WHERE id = $RUN")"
t_eq "sync toggl succeeded with one quarantined" "success|1" "$(child "$RUN" 'sync toggl' "status || '|' || rows_quarantined")"
t_eq "sync gcal succeeded with one quarantined" "success|1" "$(child "$RUN" 'sync gcal' "status || '|' || rows_quarantined")"
t_eq "the transform succeeded" success "$(child "$RUN" transform status)"
t_ok "the warnings name the entry and the event" \
	'grep -q "quarantined time_entries $ENTRY:" "$ERR" && grep -q "quarantined events $EVENT:" "$ERR"'
t_ok "every mart was rebuilt tonight" '[ "$(t_psql "SELECT bool_and(built_at > '"'"'$BEFORE'"'"') AND count(*) >= 5
	FROM ops.model_builds WHERE model LIKE '"'"'marts.%'"'"'")" = t ]'

curl -sf -X POST --data-binary '' "$TOGGL_URL/__control/raw?id=$ENTRY" >/dev/null
curl -sf -X POST --data-binary '' "$GRAW" >/dev/null
t_ok "the night after the fix exits 0" '"$DWHBI" run daily >"$OUT" 2>"$ERR"'
t_ok "without quarantine warnings" '! grep -q quarantined "$ERR"'
t_eq "both quarantine rows are resolved" "2|0" \
	"$(t_psql "SELECT count(*) FILTER (WHERE resolution = 'landed'), count(*) FILTER (WHERE resolved_at IS NULL)
	           FROM ops.quarantine")"
t_done
