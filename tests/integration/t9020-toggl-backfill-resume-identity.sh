#!/usr/bin/env bash
# t9020 — a Reports backfill resumed after entries were deleted upstream:
# Reports numbers its rows afresh on every request, so five deleted rows
# before the checkpoint's row shift every later row by five.  The resumed
# page does not start with the entry the checkpoint names (X-Next-ID), so
# the chunk is read again from its first row instead of skipping rows, and
# every live entry ends up in raw.  Also: a checkpoint that names no entry
# is not trusted, a garbage X-Next-Row-Number or X-Next-ID is an error (not
# "last page") that commits nothing, and --max-pages bounds one run.
. "$SRCDIR/tests/lib.sh"

TOKEN="tok-$RANDOM-resume"
FROM=$(date -u -d '-400 days' +%F)
TO=$(date -u -d '-120 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "7:$FROM:280"
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=UTC
OUT="$T_TMP/out"
PAGE=40
searches() { jq -c 'select(.path | test("/search/time_entries$"))' "$FAKE_LOG"; }
page_keys() { jq -r '.body | fromjson | "\(.start_date) \(.first_row_number // 1)"'; }
SEARCH_PATH=/reports/api/v3/workspace/$(curl -sf "$FAKE_URL/__control/dump" | jq -r '.workspaces[0].id')/search/time_entries
live_ids() {
	curl -sf "$FAKE_URL/__control/dump" | jq -r --arg f "$FROM" --arg t "$TO" \
		'.time_entries[] | select(.server_deleted_at == null and .stop != null
			and .start[0:10] >= $f and .start[0:10] <= $t) | .id' | sort
}
raw_ids() { t_psql "SELECT source_id FROM raw.toggl_track__time_entries" | sort; }

# Page 4 answers slowly; once page 3 is committed, kill the backfill.
t_migrated_db
curl -sf -X POST -d '{"kind":"delay","path":"/reports/","skip":3,"delay_ms":4000}' \
	"$FAKE_URL/__control/fault" >/dev/null
"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >>"$OUT" 2>&1 &
JOB=$!
for i in $(seq 1 200); do
	[ "$(t_psql "SELECT checkpoint->>'next_row' FROM ops.sync_state WHERE source = 'toggl_track.backfill'")" = \
	  "$((3 * PAGE + 1))" ] && break
	sleep 0.05
done
kill -9 $JOB
wait $JOB 2>/dev/null
CHECKPOINT=$(t_psql "SELECT checkpoint FROM ops.sync_state WHERE source = 'toggl_track.backfill'")
t_ok "the killed run left a checkpoint at row $((3 * PAGE + 1)) naming the entry it expects" '
	echo "$CHECKPOINT" | jq -e ".next_row == $((3 * PAGE + 1)) and (.next_id | test(\"^[0-9]+$\"))" >/dev/null'
t_ok "the expected entry is the first of that row upstream" '
	id=$(echo "$CHECKPOINT" | jq -r .next_id)
	curl -sf -u "$TOKEN:api_token" -X POST \
		-d "{\"start_date\":\"$(echo "$CHECKPOINT" | jq -r .chunk_start)\",\"end_date\":\"$(date -u -d "$TO + 1 day" +%F)\",\"page_size\":1,\"first_row_number\":$((3 * PAGE + 1))}" \
		"$FAKE_URL$SEARCH_PATH" | jq -e ".[0].time_entries[0].id == $id" >/dev/null'

# Delete five already-fetched entries, each alone in its row, so five rows
# before the checkpoint vanish.
curl -sf -u "$TOKEN:api_token" -X POST \
	-d "{\"start_date\":\"$FROM\",\"end_date\":\"$(date -u -d "$TO + 1 day" +%F)\",\"page_size\":$PAGE}" \
	"$FAKE_URL$SEARCH_PATH" | jq -r '.[] | select(.time_entries | length == 1) | .time_entries[0].id' |
	head -5 > "$T_TMP/deleted"
t_eq "five single-entry rows of the first page are picked" 5 "$(wc -l < "$T_TMP/deleted")"
t_ok "they were fetched before the kill" '
	for id in $(cat "$T_TMP/deleted"); do
		[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries WHERE source_id = '"'"'$id'"'"'")" = 1 ]
	done'
for id in $(cat "$T_TMP/deleted"); do
	curl -sf -X POST -d "{\"id\":$id}" "$FAKE_URL/__control/delete" >/dev/null
done
t_ok "upstream, the row at the checkpoint's number now starts with another entry" '
	curl -sf -u "$TOKEN:api_token" -X POST \
		-d "{\"start_date\":\"$(echo "$CHECKPOINT" | jq -r .chunk_start)\",\"end_date\":\"$(date -u -d "$TO + 1 day" +%F)\",\"page_size\":1,\"first_row_number\":$((3 * PAGE + 1))}" \
		"$FAKE_URL$SEARCH_PATH" | jq -e ".[0].time_entries[0].id != $(echo "$CHECKPOINT" | jq -r .next_id)" >/dev/null'

LINES=$(wc -l < "$FAKE_LOG")
t_ok "the resumed backfill succeeds" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >"$T_TMP/resume" 2>&1'
cat "$T_TMP/resume" >> "$OUT"
SECOND_RUN=$(tail -n +$((LINES + 1)) "$FAKE_LOG" | jq -c 'select(.path | test("/search/time_entries$"))' | page_keys)
t_eq "it first asks for the checkpoint's row" \
	"$(echo "$CHECKPOINT" | jq -r '"\(.chunk_start) \(.next_row)"')" "$(echo "$SECOND_RUN" | head -1)"
t_eq "then reads the chunk again from its first row" \
	"$(echo "$CHECKPOINT" | jq -r '"\(.chunk_start) 1"')" "$(echo "$SECOND_RUN" | sed -n 2p)"
t_ok "the mismatch is reported as a warning naming the entry" '
	grep -q "warning: .*does not start with entry $(echo "$CHECKPOINT" | jq -r .next_id)" "$T_TMP/resume"'
t_eq "every live entry of the range is in raw" "" \
	"$(comm -23 <(live_ids) <(raw_ids))"
t_eq "raw holds nothing the fake never had" "" \
	"$(comm -13 <(curl -sf "$FAKE_URL/__control/dump" | jq -r '.time_entries[].id' | sort) <(raw_ids))"
t_eq "the checkpoint is cleared" "" \
	"$(t_psql "SELECT checkpoint FROM ops.sync_state WHERE source = 'toggl_track.backfill'")"

# A checkpoint that names no entry (written by an older dwhbi, or a server
# without X-Next-ID) is not trusted: the chunk is read from its first row.
t_migrated_db
t_psql "INSERT INTO ops.sync_state (source, checkpoint) VALUES ('toggl_track.backfill',
	'{\"from\":\"$FROM\",\"to\":\"$TO\",\"chunk_start\":\"$FROM\",\"next_row\":$((3 * PAGE + 1))}')"
LINES=$(wc -l < "$FAKE_LOG")
t_ok "a checkpoint without next_id resumes" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >"$T_TMP/noid" 2>&1'
t_eq "and reads its chunk from the first row, not from row $((3 * PAGE + 1))" \
	"$FROM 1" "$(tail -n +$((LINES + 1)) "$FAKE_LOG" | jq -c 'select(.path | test("/search/time_entries$"))' | page_keys | head -1)"
t_eq "every live entry is in raw" "" "$(comm -23 <(live_ids) <(raw_ids))"

# Garbage paging headers: an error naming the header, nothing committed.
for hdr in '"X-Next-Row-Number":"12abc"' '"X-Next-Row-Number":"-5"' '"X-Next-ID":"1\"}x"'; do
	t_migrated_db
	body=$(curl -sf -u "$TOKEN:api_token" -X POST \
		-d "{\"start_date\":\"$FROM\",\"end_date\":\"$(date -u -d "$TO + 1 day" +%F)\",\"page_size\":$PAGE}" \
		"$FAKE_URL$SEARCH_PATH")
	jq -cn --arg b "$body" "{kind:\"status\",path:\"/reports/\",status:200,body:\$b,
		headers:{\"X-Next-ID\":\"5\",\"X-Next-Row-Number\":\"41\",$hdr}}" |
		curl -sf -X POST -d @- "$FAKE_URL/__control/fault" >/dev/null
	hname=${hdr%%\":*}; hname=${hname#\"}
	t_ok "$hdr: the backfill fails (exit 1) naming $hname" '
		t_must_fail 1 "$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE 2>"$T_TMP/bad" &&
		{ grep -q "$hname that is not" "$T_TMP/bad" || { cat "$T_TMP/bad" >&9; false; }; }'
	t_eq "$hdr: no entry of that page was committed" 0 \
		"$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")"
done

# The page cap: a run stops after --max-pages pages with its checkpoint;
# reruns continue to the end.
t_migrated_db
t_ok "--max-pages 3 stops the run after three pages (exit 1, says how to go on)" '
	t_must_fail 1 "$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE --max-pages 3 2>"$T_TMP/cap" &&
	grep -q "stopped after 3 Reports pages (--max-pages).*rerun" "$T_TMP/cap"'
t_eq "three pages were committed and the checkpoint points at the fourth" "$((3 * PAGE + 1))" \
	"$(t_psql "SELECT checkpoint->>'next_row' FROM ops.sync_state WHERE source = 'toggl_track.backfill'")"
t_ok "a rerun with the default cap completes" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE >>"$OUT" 2>&1'
t_eq "every live entry is in raw" "" "$(comm -23 <(live_ids) <(raw_ids))"
t_ok "--max-pages 0 is a usage error (exit 2)" '
	t_must_fail 2 "$DWHBI" sync toggl --backfill "$FROM..$TO" --max-pages 0 2>"$T_TMP/u" &&
	grep -q "max-pages" "$T_TMP/u"'
t_ok "the token appears nowhere in the output" '! grep -q "$TOKEN" "$OUT" "$T_TMP"/resume "$T_TMP"/bad'

t_done
