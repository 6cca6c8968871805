#!/usr/bin/env bash
# t9003 — a Reports v3 backfill whose rows hold hostile time entries (a
# fractional `seconds`, a garbage start): the backfill exits 0 and warns
# naming each entry, cuts only those entries out of their rows (the rest of
# every page lands, checkpoint by checkpoint) and quarantines them; the
# transform passes its tests.  Once fixed upstream, running the backfill
# again brings them in and resolves their quarantine rows.
. "$SRCDIR/tests/lib.sh"

TOKEN="tok-$RANDOM-backfill"
FROM=$(TZ=Asia/Tokyo date -d '-200 days' +%F)
TO=$(TZ=Asia/Tokyo date -d '-141 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "9:$FROM:60" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
t_migrated_db
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"

live_ids() {
	curl -sf "$FAKE_URL/__control/dump" |
		jq -r '.time_entries[] | select(.server_deleted_at == null and .stop != null) | .id' | sort
}
dump_entry() { curl -sf "$FAKE_URL/__control/dump" | jq -c ".time_entries[] | select(.id == $1)"; }
inject() { curl -sf -X POST --data-binary @- "$FAKE_URL/__control/raw?id=$1&api=reports" >/dev/null; }

IDS=($(live_ids | sed -n '10p;200p'))
E1=${IDS[0]} E2=${IDS[1]}
dump_entry "$E1" | jq -c '{id, seconds: 3600.5, start, stop, at}' | inject "$E1"
dump_entry "$E2" | jq -c '{id, seconds: 60, start: "garbage-date", stop, at}' | inject "$E2"

t_ok "the backfill with two hostile entries exits 0" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size 100 >"$OUT" 2>"$ERR"'
t_ok "it took several pages" '[ "$(t_psql "SELECT detail->>'"'"'pages'"'"' FROM ops.runs
	WHERE job = '"'"'sync toggl'"'"' ORDER BY id DESC LIMIT 1")" -ge 3 ]'
t_eq "one warning names the first" 1 "$(grep -c "warning.*quarantined time_entries $E1: \"seconds\"" "$ERR")"
t_eq "one warning names the second" 1 "$(grep -c "warning.*quarantined time_entries $E2: \"start\"" "$ERR")"
t_eq "raw holds every other live entry of the range" \
	"$(live_ids | grep -v -x -e "$E1" -e "$E2")" \
	"$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries ORDER BY source_id" | sort)"
t_eq "both are quarantined, counted on the run" "2|2" \
	"$(t_psql "SELECT (SELECT count(*) FROM ops.quarantine WHERE resolved_at IS NULL
	                   AND item_id IN ('$E1', '$E2')),
	           (SELECT rows_quarantined FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1)")"
t_ok "the stored bytes are the entry as sent" '[ "$(t_psql "SELECT convert_from(raw, '"'"'UTF8'"'"')::jsonb->>'"'"'seconds'"'"'
	FROM ops.quarantine WHERE item_id = '"'"'$E1'"'"'")" = 3600.5 ]'
t_ok "transform --test exits 0" '"$DWHBI" -q transform --test'

inject "$E1" </dev/null
inject "$E2" </dev/null
t_ok "the backfill again, after the fix" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size 100 >"$OUT" 2>"$ERR"'
t_ok "without warnings" '! grep -q quarantined "$ERR"'
t_eq "raw holds every live entry of the range" "$(live_ids)" \
	"$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries ORDER BY source_id" | sort)"
t_eq "both quarantine rows are resolved" "landed|landed" \
	"$(t_psql "SELECT string_agg(resolution, '|' ORDER BY item_id) FROM ops.quarantine
	           WHERE item_id IN ('$E1', '$E2')")"
t_eq "the fixed entry has its real duration" \
	"$(dump_entry "$E1" | jq -r .duration)" \
	"$(t_psql "SELECT data->>'duration' FROM raw.toggl_track__time_entries WHERE source_id = '$E1'")"
t_done
