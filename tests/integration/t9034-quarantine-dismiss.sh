#!/usr/bin/env bash
# t9034 — `dwhbi quarantine list|dismiss ID|dismiss --all`.  A dismissed row
# is kept (resolution 'dismissed', the run, the note), status and doctor
# stop counting it, the same bytes seen again leave it dismissed (no new
# row, no warning), changed but still bad bytes open a new row; bad IDs
# exit 2, an ID with no open row exits 1.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
TOKEN="tok-$RANDOM$RANDOM"
FROM=$(TZ=Asia/Tokyo date -d '-20 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "7:$FROM:21" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"

t_ok "quarantine --help" '"$DWHBI" quarantine --help >"$OUT" && grep -q "dismiss --all" "$OUT"'
t_ok "the command is in dwhbi help" '"$DWHBI" --help | grep -q "^  quarantine "'
t_ok "an empty list" '"$DWHBI" quarantine list >"$OUT" && grep -q "no open quarantine rows" "$OUT"'

t_ok "first sync" '"$DWHBI" sync toggl --days 21 >"$OUT" 2>"$ERR"'
E=$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries WHERE data->'stop' <> 'null' ORDER BY source_id LIMIT 1")
P=$(t_psql "SELECT source_id FROM raw.toggl_track__projects ORDER BY source_id LIMIT 1")
t_psql "SELECT data FROM raw.toggl_track__time_entries WHERE source_id = '$E'" | jq -c '.duration = 1.5' |
	curl -sf -X POST --data-binary @- "$FAKE_URL/__control/raw?id=$E" >/dev/null
PBAD=$(t_psql "SELECT data FROM raw.toggl_track__projects WHERE source_id = '$P'" | jq -c '.name = 7')
curl -sf -X POST --data-binary "$PBAD" "$FAKE_URL/__control/raw-master?entity=projects&id=$P" >/dev/null
t_ok "a sync quarantines the entry and the project" \
	'"$DWHBI" sync toggl >"$OUT" 2>"$ERR" && [ "$(grep -c ": quarantined " "$ERR")" = 2 ]'
QE=$(t_psql "SELECT id FROM ops.quarantine WHERE entity = 'time_entries'")
QP=$(t_psql "SELECT id FROM ops.quarantine WHERE entity = 'projects'")

t_ok "list shows both, with source, item and reason" '"$DWHBI" quarantine list >"$OUT" &&
	grep -Eq "^$QE +toggl_track.time_entries +$E +1 .*\"duration\" is not a whole number" "$OUT" &&
	grep -Eq "^$QP +toggl_track.projects +$P +1 .*\"name\" is not a string" "$OUT"'
t_eq "list --json" "$(t_psql "SELECT string_agg(id || ':open', ' ' ORDER BY id) FROM ops.quarantine")" \
	"$("$DWHBI" quarantine list --json | jq -r 'map("\(.id):\(.state)") | join(" ")')"

for bad in abc 0 -1 +5 " 7" 12abc 99999999999999999999 9223372036854775808 ""; do
	t_ok "dismiss '$bad' is a usage error" 't_must_fail 2 "$DWHBI" quarantine dismiss "$bad" 2>"$ERR"'
done
t_ok "dismiss without an ID" 't_must_fail 2 "$DWHBI" quarantine dismiss 2>"$ERR"'
t_ok "dismiss with an ID and --all" 't_must_fail 2 "$DWHBI" quarantine dismiss "$QE" --all 2>"$ERR"'
t_ok "two IDs" 't_must_fail 2 "$DWHBI" quarantine dismiss "$QE" "$QP" 2>"$ERR"'
t_ok "an unknown subcommand" 't_must_fail 2 "$DWHBI" quarantine drop "$QE" 2>"$ERR"'
t_ok "an unknown list option" 't_must_fail 2 "$DWHBI" quarantine list --bogus 2>"$ERR"'
t_ok "an ID without an open row" 't_must_fail 1 "$DWHBI" quarantine dismiss 9223372036854775807 2>"$ERR"'
t_eq "nothing was dismissed by those" 2 "$(t_psql "SELECT count(*) FROM ops.quarantine WHERE resolved_at IS NULL")"

t_ok "dismiss the project" \
	'"$DWHBI" quarantine dismiss "$QP" --note "renamed by hand" >"$OUT" 2>"$ERR" && grep -q "dismissed quarantine row $QP" "$OUT"'
t_eq "the row is kept, closed as dismissed with the run and the note" "dismissed|renamed by hand|quarantine dismiss|[$QP]" \
	"$(t_psql "SELECT q.resolution, q.note, r.job, r.detail->>'dismissed' FROM ops.quarantine q
	           JOIN ops.runs r ON r.id = q.resolved_run_id WHERE q.id = $QP")"
t_ok "dismissing it again: no open row" 't_must_fail 1 "$DWHBI" quarantine dismiss "$QP" 2>"$ERR"'
t_ok "status counts the open one only" '"$DWHBI" status >"$OUT" 2>&1 && grep -q "^quarantine: 1 open item" "$OUT"'
t_eq "doctor too" "warn|1 open item" \
	"$("$DWHBI" doctor --json 2>/dev/null | jq -r '.checks[] | select(.name == "quarantine") |
	   "\(.status)|\(.detail | capture("(?<n>[0-9]+ open item)").n)"')"

t_ok "the next sync lists the project unchanged: no warning for it" \
	'"$DWHBI" sync toggl >"$OUT" 2>"$ERR" && ! grep -q "quarantined projects" "$ERR"'
t_eq "it stays dismissed, seen again, no new row" "1|dismissed|2" \
	"$(t_psql "SELECT count(*), string_agg(coalesce(resolution, 'open'), ','), max(seen_count)
	           FROM ops.quarantine WHERE entity = 'projects'")"
t_eq "raw keeps its last good version" "$(t_psql "SELECT data->>'name' FROM raw.toggl_track__projects WHERE source_id = '$P'")" \
	"$(t_psql "SELECT data->>'name' FROM raw.toggl_track__projects WHERE source_id = '$P' AND deleted_at IS NULL")"

curl -sf -X POST --data-binary "$(jq -c '.color = 3' <<<"$PBAD")" "$FAKE_URL/__control/raw-master?entity=projects&id=$P" >/dev/null
t_ok "changed but still bad: warned again" '"$DWHBI" sync toggl >"$OUT" 2>"$ERR" && grep -q "quarantined projects $P" "$ERR"'
t_eq "a new open row beside the dismissed one" "dismissed,open" \
	"$(t_psql "SELECT string_agg(coalesce(resolution, 'open'), ',' ORDER BY id) FROM ops.quarantine WHERE entity = 'projects'")"

t_ok "dismiss --all" '"$DWHBI" quarantine dismiss --all >"$OUT" && grep -q "dismissed 2 open quarantine rows" "$OUT"'
t_ok "status: no open items" '"$DWHBI" status 2>&1 | grep -q "^quarantine: no open items"'
t_eq "doctor ok" ok "$("$DWHBI" doctor --json 2>/dev/null | jq -r '.checks[] | select(.name == "quarantine") | .status')"
t_eq "every row is still there" "3|3" \
	"$(t_psql "SELECT count(*), count(*) FILTER (WHERE resolution = 'dismissed') FROM ops.quarantine")"
t_ok "list --all shows them with their state" '"$DWHBI" quarantine list --all >"$OUT" &&
	[ "$(grep -c " dismissed " "$OUT")" = 3 ]'
t_ok "dismiss --all with nothing open is fine" '"$DWHBI" quarantine dismiss --all | grep -q "dismissed 0 open"'
t_done
