#!/usr/bin/env bash
# t1002 — a two-year Reports backfill in many small pages: killed with
# SIGKILL in the middle, it resumes from its checkpoint (finished pages are
# not fetched again) and ends identical to an uninterrupted run and to the
# fake's data.
. "$SRCDIR/tests/lib.sh"

TOKEN="tok-$RANDOM-backfill"
# Two years of history ending well before the v9 API's three-month horizon.
FROM=$(TZ=Asia/Tokyo date -d '-830 days' +%F)
TO=$(TZ=Asia/Tokyo date -d '-101 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "5:$FROM:730" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
OUT="$T_TMP/out"
PAGE=400
searches() { jq -c 'select(.path | test("/search/time_entries$"))' "$FAKE_LOG"; }
# the page a search asked for: "<start_date> <first_row_number or 1>"
page_keys() { jq -r '.body | fromjson | "\(.start_date) \(.first_row_number // 1)"'; }
fingerprint() {
	t_psql "SELECT count(*), md5(string_agg(source_id || ' ' || data::text || coalesce(deleted_at::text, ''), ',' ORDER BY source_id)) FROM raw.toggl_track__time_entries"
}

# An uninterrupted run, the reference.
t_migrated_db
t_ok "an uninterrupted backfill succeeds" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >>"$OUT" 2>&1'
REFERENCE=$(fingerprint)
PAGES=$(searches | wc -l)
t_ok "it took many pages and at least two yearly chunks" '
	[ "$PAGES" -ge 20 ] && [ "$(searches | page_keys | cut -d" " -f1 | sort -u | wc -l)" -ge 2 ]'
t_ok "no request asked for more than a year" '
	searches | jq -r ".body | fromjson | \"\(.start_date) \(.end_date)\"" |
	while read -r a b; do [ $(( ($(date -d "$b" +%s) - $(date -d "$a" +%s)) / 86400 )) -le 366 ] || exit 1; done'
t_eq "the checkpoint is cleared when the backfill is complete" "" \
	"$(t_psql "SELECT checkpoint FROM ops.sync_state WHERE source = 'toggl_track.backfill'")"
t_eq "raw holds every live, stopped entry of the range (nested rows flattened)" \
	"$(curl -sf "$FAKE_URL/__control/dump" | jq -r \
		'.time_entries[] | select(.server_deleted_at == null and .stop != null) | .id' | sort)" \
	"$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries ORDER BY source_id" | sort)"
t_ok "a flattened entry keeps the fake entry's start, stop, project and duration" '
	id=$(t_psql "SELECT source_id FROM raw.toggl_track__time_entries WHERE data->>'"'"'project_id'"'"' IS NOT NULL ORDER BY source_id DESC LIMIT 1")
	curl -sf "$FAKE_URL/__control/dump" | jq -r ".time_entries[] | select(.id == $id) | [.start, .stop, .project_id, .duration] | @tsv" > "$T_TMP/want"
	IFS=$'"'"'\t'"'"' read -r start stop project duration < "$T_TMP/want"
	[ "$(t_psql "SELECT (data->>'"'"'start'"'"')::timestamptz = '"'"'$start'"'"'::timestamptz
	                AND (data->>'"'"'stop'"'"')::timestamptz = '"'"'$stop'"'"'::timestamptz
	                AND data->>'"'"'project_id'"'"' = '"'"'$project'"'"'
	                AND data->>'"'"'duration'"'"' = '"'"'$duration'"'"'
	                AND data->>'"'"'start'"'"' LIKE '"'"'%+09:00'"'"'
	             FROM raw.toggl_track__time_entries WHERE source_id = '"'"'$id'"'"'")" = t ]'

# The interrupted run: the 9th page answers slowly; once the 8th page is
# committed (its checkpoint is in the database), kill the job while it waits.
t_migrated_db
: > "$FAKE_LOG"
curl -sf -X POST -d '{"kind":"delay","path":"/reports/","skip":8,"delay_ms":4000}' \
	"$FAKE_URL/__control/fault" >/dev/null
"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >>"$OUT" 2>&1 &
JOB=$!
for i in $(seq 1 200); do
	[ "$(t_psql "SELECT checkpoint->>'next_row' FROM ops.sync_state WHERE source = 'toggl_track.backfill'")" = \
	  "$((8 * PAGE + 1))" ] && break
	sleep 0.05
done
kill -9 $JOB
wait $JOB 2>/dev/null
for i in $(seq 1 100); do   # the slow page is answered (to nobody) and logged
	[ "$(searches | wc -l)" -ge 9 ] && break
	sleep 0.1
done
FIRST_RUN=$(searches | page_keys)
CHECKPOINT=$(t_psql "SELECT checkpoint FROM ops.sync_state WHERE source = 'toggl_track.backfill'")
t_ok "the killed run left a checkpoint after its last committed page" '
	echo "$CHECKPOINT"; [ "$(echo "$CHECKPOINT" | jq -r .next_row)" -gt 1 ]'
t_eq "raw holds exactly the 8 committed pages' entries" \
	"$(jq -r 'select(.path | test("/search/")) | .body' "$FAKE_LOG" | head -8 | while read -r body; do
		curl -sf -u "$TOKEN:api_token" -X POST -d "$body" "$FAKE_URL$(searches | head -1 | jq -r .path)" | jq '[.[].time_entries[]] | length'
	done | awk '{ n += $1 } END { print n }')" \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")"

LINES=$(wc -l < "$FAKE_LOG")
t_ok "the rerun resumes and completes" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >>"$OUT" 2>&1'
SECOND_RUN=$(tail -n +$((LINES + 1)) "$FAKE_LOG" | jq -c 'select(.path | test("/search/time_entries$"))' | page_keys)
t_eq "the rerun starts at the checkpoint" \
	"$(echo "$CHECKPOINT" | jq -r '"\(.chunk_start) \(.next_row)"')" "$(echo "$SECOND_RUN" | head -1)"
t_eq "no finished page was fetched again" "" \
	"$(comm -12 <(echo "$FIRST_RUN" | head -8 | sort) <(echo "$SECOND_RUN" | sort))"
t_eq "the resumed run is recorded as resumed" "true" \
	"$(t_psql "SELECT detail->>'resumed' FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1")"
t_eq "the result is identical to the uninterrupted run" "$REFERENCE" "$(fingerprint)"

t_ok "a second backfill of the same range writes nothing" '
	"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >>"$OUT" 2>&1 &&
	[ "$(t_psql "SELECT rows_written FROM ops.runs WHERE job = '"'sync toggl'"' ORDER BY id DESC LIMIT 1")" = 0 ]'
t_ok "the token appears nowhere in the output or the request log" \
	'! grep -q "$TOKEN" "$OUT" "$FAKE_LOG"'

t_done
