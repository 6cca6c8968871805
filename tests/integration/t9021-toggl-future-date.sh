#!/usr/bin/env bash
# t9021 — the `since` cursor does not trust the server's clock: one reply
# dated 2035 (a server or proxy clock gone wrong) leaves the cursor at local
# time less the overlap, with a warning naming both clocks, and the changes
# made afterwards are fetched by the next runs.  A cursor already stored in
# the future (by an older dwhbi) is bounded by when it was saved.
. "$SRCDIR/tests/lib.sh"

TOKEN="tok-$RANDOM-clock"
FROM=$(date -u -d '-10 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "3:$FROM:10"
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=UTC
OUT="$T_TMP/out"
cursor() { t_psql "SELECT cursor FROM ops.sync_state WHERE source = 'toggl_track.time_entries'"; }
since_asked() { jq -r 'select(.path == "/api/v9/me/time_entries") | .query.since // empty' "$FAKE_LOG" | tail -1; }
now_rfc() { date -u +%Y-%m-%dT%H:%M:%SZ; }

t_migrated_db
t_ok "a first sync (days window) sets a cursor" \
	'"$DWHBI" sync toggl --days 12 >>"$OUT" 2>&1 && [ -n "$(cursor)" ]'
t_ok "a second sync uses since" '"$DWHBI" sync toggl >>"$OUT" 2>&1 && [ -n "$(since_asked)" ]'

# One reply dated 2035: the fake's clock jumps, answers one sync, jumps back.
curl -sf -X POST -d '{"now":"2035-01-01T00:00:00Z"}' "$FAKE_URL/__control/clock" >/dev/null
t_ok "a sync whose replies are dated 2035 succeeds" \
	'"$DWHBI" sync toggl >"$T_TMP/future" 2>&1'
cat "$T_TMP/future" >> "$OUT"
curl -sf -X POST -d "{\"now\":\"$(now_rfc)\"}" "$FAKE_URL/__control/clock" >/dev/null
t_ok "it warns that the server's Date is ahead of the local clock" '
	grep -q "warning: toggl: the server.s Date (2035-01-01T00:00:00Z) is [0-9]* s ahead of the local clock" "$T_TMP/future"'
t_ok "the cursor is not later than local time less the overlap" '
	c=$(cursor); [ "$c" -le $(( $(date +%s) - 300 )) ] && [ "$c" -ge $(( $(date +%s) - 400 )) ]'

# Changes made after that reply must come in on the next runs.
ID1=$(curl -sf "$FAKE_URL/__control/dump" | jq -r '[.time_entries[] | select(.server_deleted_at == null and .stop != null)][0].id')
ID2=$(curl -sf "$FAKE_URL/__control/dump" | jq -r '[.time_entries[] | select(.server_deleted_at == null and .stop != null)][1].id')
curl -sf -X POST -d "{\"id\":$ID1,\"description\":\"edited after the 2035 reply\"}" \
	"$FAKE_URL/__control/edit" >/dev/null
curl -sf -X POST -d "{\"id\":$ID2}" "$FAKE_URL/__control/delete" >/dev/null
t_ok "the next sync succeeds" '"$DWHBI" sync toggl >>"$OUT" 2>&1'
t_ok "it asked since a time before now" '[ "$(since_asked)" -lt "$(date +%s)" ]'
t_eq "the edit made after the 2035 reply is in raw" "edited after the 2035 reply" \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '$ID1'")"
t_eq "the deletion made after it is in raw" "t" \
	"$(t_psql "SELECT deleted_at IS NOT NULL FROM raw.toggl_track__time_entries WHERE source_id = '$ID2'")"
t_ok "a later sync still asks since the past and succeeds" \
	'"$DWHBI" sync toggl >>"$OUT" 2>&1 && [ "$(since_asked)" -lt "$(date +%s)" ]'

# A server clock behind the local one: the cursor follows the server (its
# `at` stamps are on its clock), with a warning.
curl -sf -X POST -d "{\"now\":\"$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)\"}" "$FAKE_URL/__control/clock" >/dev/null
t_ok "a reply two hours behind is reported as behind" '
	"$DWHBI" sync toggl >"$T_TMP/behind" 2>&1 && grep -q "s behind the local clock" "$T_TMP/behind"'
t_ok "and the cursor follows the server clock" '
	c=$(cursor); [ "$c" -le $(( $(date +%s) - 7200 - 300 + 60 )) ]'
curl -sf -X POST -d "{\"now\":\"$(now_rfc)\"}" "$FAKE_URL/__control/clock" >/dev/null

# A cursor stored in the future (as an older dwhbi saved it from a 2035
# reply) is bounded by the time it was saved.
t_psql "UPDATE ops.sync_state SET cursor = '2051222100', updated_at = now() - interval '1 hour'
	WHERE source = 'toggl_track.time_entries'"
curl -sf -X POST -d "{\"id\":$ID1,\"description\":\"edited again\"}" "$FAKE_URL/__control/edit" >/dev/null
t_ok "a sync with a stored future cursor warns and succeeds" '
	"$DWHBI" sync toggl >"$T_TMP/stored" 2>&1 && grep -q "warning: toggl: the stored since cursor 2051222100" "$T_TMP/stored"'
t_ok "it asked since the time the cursor was saved, less the overlap" '
	s=$(since_asked); [ "$s" -le $(( $(date +%s) - 3600 - 300 + 5 )) ] && [ "$s" -ge $(( $(date +%s) - 3600 - 300 - 60 )) ]'
t_eq "the edit is in raw" "edited again" \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '$ID1'")"

t_done
