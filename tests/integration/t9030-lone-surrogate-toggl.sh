#!/usr/bin/env bash
# t9030 — an unpaired surrogate escape inside one Toggl entry's string
# ("\ud800", a high surrogate followed by something else, a lone "\udc00")
# used to make cJSON refuse the whole page, so the page failed on every run.
# Now the connector marks such escapes before parsing (validate.h), the
# checks quarantine only the entry holding one (the warning names it and
# the reason), the rest of the page lands, a valid pair is untouched, the
# bytes are stored as sent, and the fixed entries come in on the next sync.
# The same for a Reports backfill page.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
TOKEN="tok-$RANDOM$RANDOM"
FROM=$(TZ=Asia/Tokyo date -d '-20 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "7:$FROM:21" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"

# The fake's dump shows injected bytes too: read it before injecting.
refresh_dump() { curl -sf "$FAKE_URL/__control/dump" >"$T_TMP/dump"; }
dump_entry() { jq -c ".time_entries[] | select(.id == $1)" "$T_TMP/dump"; }
inject() {   # inject ID [reports] — bytes on stdin
	curl -sf -X POST --data-binary @- "$FAKE_URL/__control/raw?id=$1${2:+&api=$2}" >/dev/null
}
# with_desc ID TEXT: the entry as the fake serves it, its description
# replaced by TEXT verbatim (JSON escapes jq could not write)
with_desc() { dump_entry "$1" | jq -c '.description = "@@DESC@@"' | sed "s/@@DESC@@/$2/"; }
raw_data() { t_psql "SELECT data::text FROM raw.toggl_track__time_entries WHERE source_id = '$1'"; }

t_ok "first sync (--days 21)" '"$DWHBI" sync toggl --days 21 >"$OUT" 2>"$ERR"'
IDS=($(t_psql "SELECT source_id FROM raw.toggl_track__time_entries
               WHERE deleted_at IS NULL AND data->'stop' <> 'null'
               ORDER BY source_id LIMIT 5"))
BEFORE=()
refresh_dump
for i in 0 1 2; do BEFORE[$i]=$(raw_data "${IDS[$i]}"); done

with_desc "${IDS[0]}" 'lone \\ud800 high' | inject "${IDS[0]}"
with_desc "${IDS[1]}" '\\uD834\\u0041 high then not low' | inject "${IDS[1]}"
with_desc "${IDS[2]}" 'lone low \\udc00' | inject "${IDS[2]}"
with_desc "${IDS[3]}" 'a pair \\ud83d\\ude00 and an escaped backslash \\\\ud800' | inject "${IDS[3]}"
curl -sf -X POST -d "{\"id\": ${IDS[4]}, \"description\": \"good edit\"}" "$FAKE_URL/__control/edit" >/dev/null
t_ok "the fake really serves the escapes" \
	'curl -sf -u "$TOKEN:api_token" "$FAKE_URL/api/v9/me/time_entries?since=1" | grep -q "lone \\\\ud800 high"'

t_ok "the sync with three lone surrogates exits 0" '"$DWHBI" sync toggl >"$OUT" 2>"$ERR"'
for i in 0 1 2; do
	t_eq "one warning names entry $i (${IDS[$i]}) and the reason" 1 \
		"$(grep -c "warning.*quarantined time_entries ${IDS[$i]}: \"description\" holds an unpaired surrogate escape" "$ERR")"
done
t_eq "no other entry is quarantined" 3 "$(grep -c "quarantined time_entries" "$ERR")"
t_eq "the good edit of the same page landed" "good edit" \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '${IDS[4]}'")"
t_eq "a valid pair and an escaped backslash land as text" \
	'a pair 😀 and an escaped backslash \ud800' \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '${IDS[3]}'")"
t_ok "raw keeps the last good version of the three" '
	for i in 0 1 2; do [ "$(raw_data "${IDS[$i]}")" = "${BEFORE[$i]}" ] || exit 1; done'
t_eq "three open rows, counted on the run" "3|3" \
	"$(t_psql "SELECT (SELECT count(*) FROM ops.quarantine WHERE resolved_at IS NULL),
	           (SELECT rows_quarantined FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1)")"
t_eq "the stored bytes hold the escapes as sent" "t|t|t" \
	"$(t_psql "SELECT string_agg(CASE WHEN position(convert_to(x.esc, 'UTF8') in q.raw) > 0
	                              AND position('\xfffe'::bytea in q.raw) = 0 THEN 't' ELSE 'f' END,
	                              '|' ORDER BY x.n)
	           FROM (VALUES (0, '${IDS[0]}', E'\\\\ud800'), (1, '${IDS[1]}', E'\\\\uD834\\\\u0041'),
	                        (2, '${IDS[2]}', E'\\\\udc00')) AS x(n, id, esc)
	           JOIN ops.quarantine q ON q.item_id = x.id")"
t_ok "transform --test exits 0" '"$DWHBI" -q transform --test'

# -- fixed upstream ---------------------------------------------------------
for i in 0 1 2; do inject "${IDS[$i]}" </dev/null; done
refresh_dump
t_ok "the sync after the fix exits 0 without warnings" \
	'"$DWHBI" sync toggl >"$OUT" 2>"$ERR" && ! grep -q quarantined "$ERR"'
t_eq "the three rows are resolved as landed" "3|landed|0" \
	"$(t_psql "SELECT count(*) FILTER (WHERE resolved_at IS NOT NULL),
	           string_agg(DISTINCT resolution, ','), count(*) FILTER (WHERE resolved_at IS NULL)
	           FROM ops.quarantine")"
t_ok "raw holds them as the fake serves them" '
	for i in 0 1 2; do
		[ "$(raw_data "${IDS[$i]}" | jq -S -c .)" = "$(dump_entry "${IDS[$i]}" | jq -S -c .)" ] || exit 1
	done'

# -- a Reports backfill page with a lone surrogate in one nested entry -------
REPORT=$(curl -sf -X POST -u "$TOKEN:api_token" -H 'Content-Type: application/json' \
	-d "{\"start_date\":\"$FROM\",\"end_date\":\"$(TZ=Asia/Tokyo date +%F)\",\"page_size\":50}" \
	"$FAKE_URL/reports/api/v3/workspace/$(t_psql "SELECT source_id FROM raw.toggl_track__workspaces LIMIT 1")/search/time_entries")
RID=$(echo "$REPORT" | jq -r '.[0].time_entries[0].id')
echo "$REPORT" | jq -c ".[0].time_entries[0] | .at = \"@@AT@@\"" |
	sed 's/"@@AT@@"/"2026-01-01T00:00:00Z","note":"x\\udbff"/' | inject "$RID" reports
t_ok "a backfill with the lone surrogate in a Reports entry exits 0" \
	'"$DWHBI" sync toggl --backfill "$FROM..$(TZ=Asia/Tokyo date +%F)" >"$OUT" 2>"$ERR"'
t_ok "it quarantines that entry only, naming it" \
	'[ "$(grep -c "quarantined time_entries" "$ERR")" = 1 ] &&
	 grep -q "quarantined time_entries $RID: .*unpaired surrogate escape" "$ERR"'
t_eq "the other entries of the range are in raw" 0 \
	"$(t_psql "SELECT count(*) FROM jsonb_array_elements('$(echo "$REPORT" | jq -c '[.[].time_entries[].id]')'::jsonb) AS e(id)
	           WHERE e.id::text <> '$RID'
	             AND NOT EXISTS (SELECT 1 FROM raw.toggl_track__time_entries r WHERE r.source_id = e.id::text)")"
t_done
