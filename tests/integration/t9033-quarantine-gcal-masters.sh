#!/usr/bin/env bash
# t9033 — Google's calendar list and color palette are screened at the
# edge: a calendar whose summary holds \u0000, one whose "primary" is not a
# boolean, a color whose background is a number and one whose foreground
# holds a lone surrogate escape are quarantined with a warning naming them;
# the rest of the list and palette lands, the list's reconcile does not
# take the quarantined calendars for deleted, events still sync, and after
# the fix the next sync lands them.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

t_migrated_db
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
export GCAL_CALENDAR_IDS=primary DWHBI_TIMEZONE=Asia/Tokyo
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"

cal_raw() { t_psql "SELECT data::text FROM raw.google_calendar__calendar_list WHERE source_id = '$1'"; }
color_raw() { t_psql "SELECT data::text FROM raw.google_calendar__colors WHERE source_id = '$1'"; }
inject() {   # inject QUERY — bytes on stdin
	curl -sf -X POST --data-binary @- "$FAKE_URL/__control/google/raw-master?$1" >/dev/null
}
live() { t_psql "SELECT count(*) FROM raw.google_calendar__$1 WHERE deleted_at IS NULL"; }

t_ok "first sync" '"$DWHBI" sync gcal >"$OUT" 2>"$ERR"'
NL=$(live calendar_list) NC=$(live colors)
t_eq "three calendars and 35 colors" "3 35" "$NL $NC"
BT=$(cal_raw "$G_TEAM") BH=$(cal_raw "$G_HOLIDAY") BE3=$(color_raw event:3)

cal_raw "$G_TEAM" | jq -c '.summary = "te\u0000am"' | inject "calendarId=$(g_enc "$G_TEAM")"
cal_raw "$G_HOLIDAY" | jq -c '.primary = "yes"' | inject "calendarId=$(g_enc "$G_HOLIDAY")"
color_raw event:3 | jq -c '.background = 5' | inject "color=event:3"
color_raw calendar:2 | jq -c '.foreground = "@@F@@"' | sed 's/@@F@@/#\\udc00/' | inject "color=calendar:2"
g_event primary '{"id": "deepwork20261124", "summary": "Deep Work (moved)"}'

t_ok "the sync with two hostile calendars and two hostile colors exits 0" \
	'"$DWHBI" sync gcal >"$OUT" 2>"$ERR"'
t_ok "the warnings name each one and the field" '
	grep -q "warning: sync gcal: quarantined calendar_list $G_TEAM: \"summary\" holds a \\\\u0000" "$ERR" &&
	grep -q "quarantined calendar_list $G_HOLIDAY: \"primary\" is not true or false" "$ERR" &&
	grep -q "quarantined colors event:3: \"background\" is not a string: 5" "$ERR" &&
	grep -q "quarantined colors calendar:2: \"foreground\" holds an unpaired surrogate escape" "$ERR"'
t_eq "four warnings, no more" 4 "$(grep -ac ": quarantined " "$ERR")"
t_eq "counted on the run" "success|4" \
	"$(t_psql "SELECT status, rows_quarantined FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
t_eq "open rows by entity" "calendar_list:2 colors:2" \
	"$(t_psql "SELECT string_agg(entity || ':' || n, ' ' ORDER BY entity) FROM
	           (SELECT entity, count(*) n FROM ops.quarantine WHERE resolved_at IS NULL GROUP BY entity) x")"
t_ok "raw keeps the last good versions" '[ "$(cal_raw "$G_TEAM")" = "$BT" ] &&
	[ "$(cal_raw "$G_HOLIDAY")" = "$BH" ] && [ "$(color_raw event:3)" = "$BE3" ]'
t_eq "the list reconcile kept the quarantined calendars live" "$NL $NC" "$(live calendar_list) $(live colors)"
t_eq "events still synced" "Deep Work (moved)" \
	"$(t_psql "SELECT data->>'summary' FROM raw.google_calendar__events WHERE source_id = 'taro@example.com:deepwork20261124'")"
t_ok "transform --test exits 0" '"$DWHBI" -q transform --test'

inject "calendarId=$(g_enc "$G_TEAM")" </dev/null
inject "calendarId=$(g_enc "$G_HOLIDAY")" </dev/null
inject "color=event:3" </dev/null
inject "color=calendar:2" </dev/null
t_ok "the sync after the fix exits 0 without warnings" \
	'"$DWHBI" sync gcal >"$OUT" 2>"$ERR" && ! grep -aq ": quarantined " "$ERR"'
t_eq "the four rows are resolved as landed" "4|landed|0" \
	"$(t_psql "SELECT count(*) FILTER (WHERE resolved_at IS NOT NULL),
	           string_agg(DISTINCT resolution, ','), count(*) FILTER (WHERE resolved_at IS NULL)
	           FROM ops.quarantine")"
t_done
