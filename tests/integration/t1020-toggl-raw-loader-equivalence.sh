#!/usr/bin/env bash
# t1020 — the one-pass raw loader (connectors/raw.c: items staged and
# Reports rows flattened in C, one COPY, one merge from a query file) gives
# raw exactly what the PL/pgSQL of sql/0010 gave for the same pages: the
# same ids, the same jsonb, for a Reports backfill with tags and awkward
# (valid) bytes, a v9 window, and the masters.  The old functions are loaded
# from sql/0010 into the test's database only to compute the reference from
# replays of the very requests the sync made.  Migration 0140 dropped them.
. "$SRCDIR/tests/lib.sh"

TOKEN="tok-$RANDOM-loader"
FROM=$(TZ=Asia/Tokyo date -d '-200 days' +%F)
TO=$(TZ=Asia/Tokyo date -d '-101 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "9:$FROM:200:all" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
t_migrated_db
OUT="$T_TMP/out"

t_eq "migration 0140 dropped the PL/pgSQL merge of 0010" 0 \
	"$(t_psql "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	          WHERE n.nspname = 'ops' AND p.proname IN ('toggl_merge_page', 'toggl_page_items',
	                'toggl_report_entries', 'toggl_reconcile_master', 'toggl_reconcile_window',
	                'toggl_save_state')")"

dump_entry() { curl -sf "$FAKE_URL/__control/dump" | jq -c ".time_entries[] | select(.id == $1)"; }
inject() { curl -sf -X POST --data-binary @- "$FAKE_URL/__control/raw?id=$1${2:-}" >/dev/null; }
old_ids() {
	curl -sf "$FAKE_URL/__control/dump" | jq -r --arg t "$TO" \
		'.time_entries[] | select(.server_deleted_at == null and .stop != null
			and .start[0:10] < $t and (.tag_ids | length) > 0) | .id'
}
new_ids() {
	curl -sf "$FAKE_URL/__control/dump" | jq -r --arg f "$(date -u -d '-4 days' +%F)" \
		'.time_entries[] | select(.server_deleted_at == null and .start[0:10] >= $f) | .id'
}
# Reports: an entry with tabs, CR/LF between its tokens and a repeated key
# (the last wins, as in jsonb); v9: an entry whose description holds a tab,
# a newline, a backslash and quotes, with a repeated key.
E1=$(old_ids | sed -n '3p')
E2=$(new_ids | sed -n '2p')
dump_entry "$E1" | jq -r '[.id, .start, .stop, .duration, .at] | @tsv' |
while IFS=$'\t' read -r id start stop secs at; do
	printf '{\r\n\t"id": %s,\n\t"seconds": 1,\t"start": "%s",\n "stop": "%s", "at": "%s",\r\n\t"seconds": %s\n}' \
		"$id" "$start" "$stop" "$at" "$secs"
done | inject "$E1" "&api=reports"
dump_entry "$E2" | jq -c '. + {description: "tab\there \"q\" back\\slash\nline 改行"}' |
	sed 's/^{/{"description": "first",\n\t/' | inject "$E2"

t_ok "a backfill of the range succeeds" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size 50 >>"$OUT" 2>&1 || { cat "$OUT"; false; }'
t_ok "it took several pages" '[ "$(jq -c "select(.path | test(\"/search/time_entries$\"))" "$FAKE_LOG" | wc -l)" -ge 5 ]'
cp "$FAKE_LOG" "$T_TMP/backfill.log"
t_ok "a --days sync succeeds" \
	'"$DWHBI" sync toggl --days 6 >>"$OUT" 2>&1 || { cat "$OUT"; false; }'

# Replays each request the syncs made (same method, path, query, body) and
# writes the answers as COPY text lines, one page per line (tabs, CR and LF
# only occur between JSON tokens there: blanks).
replay() {     # LOG PATH_REGEX
	jq -c --arg re "$2" 'select(.status == 200 and (.path | test($re)))' "$1" |
	while read -r req; do
		method=$(jq -r .method <<<"$req")
		path=$(jq -r .path <<<"$req")
		args=()
		while IFS= read -r kv; do [ -n "$kv" ] && args+=(--data-urlencode "$kv"); done \
			< <(jq -r '.query // {} | to_entries[] | "\(.key)=\(.value)"' <<<"$req")
		if [ "$method" = POST ]; then
			curl -sf -u "$TOKEN:api_token" -X POST -H 'Content-Type: application/json' \
				--data-binary "$(jq -r .body <<<"$req")" "$FAKE_URL$path"
		else
			curl -sf -G -u "$TOKEN:api_token" "${args[@]}" "$FAKE_URL$path"
		fi | tr '\t\r\n' '   ' | sed 's/\\/\\\\/g'
		echo
	done
}
WID=$(t_psql "SELECT source_id FROM raw.toggl_track__workspaces LIMIT 1")
replay "$T_TMP/backfill.log" '/search/time_entries$' > "$T_TMP/reports.copy"
replay "$FAKE_LOG" '^/api/v9/me/time_entries$' | tail -1 > "$T_TMP/v9.copy"
replay "$FAKE_LOG" '/tags$' | tail -1 > "$T_TMP/tags.copy"
replay "$FAKE_LOG" '/projects$' > "$T_TMP/projects.copy"
t_eq "the replays got every Reports page" \
	"$(jq -c 'select(.status == 200 and (.path | test("/search/time_entries$")))' "$T_TMP/backfill.log" | wc -l)" \
	"$(wc -l < "$T_TMP/reports.copy")"

# The reference: 0010's functions over the same pages (the last copy of an
# id wins, as its merge did), kept in tables of the test's own.
reference() {  # TABLE COPYFILE REPORT_WID|NULL
	psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<-SQL
	BEGIN;
	\i $SRCDIR/sql/0010_toggl.sql
	CREATE TEMP TABLE toggl_page (body jsonb);
	\copy toggl_page FROM '$2'
	CREATE TABLE public.$1 AS
	SELECT DISTINCT ON (e->>'id') e->>'id' AS id, e AS data
	  FROM jsonb_array_elements(ops.toggl_page_items($3)) WITH ORDINALITY AS x(e, ord)
	 WHERE e->>'id' IS NOT NULL
	 ORDER BY e->>'id', ord DESC;
	\i $SRCDIR/sql/0140_toggl_merge_out.sql
	COMMIT;
	SQL
}
reference old_reports "$T_TMP/reports.copy" "$WID" || exit 1
reference old_v9 "$T_TMP/v9.copy" NULL || exit 1
reference old_tags "$T_TMP/tags.copy" NULL || exit 1
reference old_projects "$T_TMP/projects.copy" NULL || exit 1
fp() { t_psql "SELECT count(*), md5(string_agg(id || ' ' || data::text, ',' ORDER BY id)) FROM ($1) q"; }

t_ok "the reference has the entries, tags resolved by name" \
	'[ "$(t_psql "SELECT count(*) > 100, count(*) FILTER (WHERE jsonb_typeof(data->'"'"'tags'"'"') = '"'"'array'"'"') > 10 FROM old_reports")" = "t|t" ]'
t_eq "Reports entries: raw equals 0010's flattening, id for id, jsonb for jsonb" \
	"$(fp "SELECT id, data FROM old_reports")" \
	"$(fp "SELECT source_id AS id, data FROM raw.toggl_track__time_entries WHERE api_version = 'reports/v3'")"
t_eq "the awkward Reports entry: the last of its repeated keys" \
	"$(dump_entry "$E1" | jq -r .duration)" \
	"$(t_psql "SELECT data->>'duration' FROM raw.toggl_track__time_entries WHERE source_id = '$E1'")"
t_eq "v9 entries: raw equals 0010's items" \
	"$(fp "SELECT id, data FROM old_v9")" \
	"$(fp "SELECT source_id AS id, data FROM raw.toggl_track__time_entries WHERE api_version = 'v9'")"
t_eq "the v9 description with tab, newline, backslash and quotes survives" \
	"$(printf 'tab\there "q" back\\slash\nline 改行\n' | od -c)" \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '$E2'" | od -c)"
t_eq "tags: raw equals 0010's items" "$(fp "SELECT id, data FROM old_tags")" \
	"$(fp "SELECT source_id AS id, data FROM raw.toggl_track__tags")"
t_eq "projects: raw equals 0010's items" "$(fp "SELECT id, data FROM old_projects")" \
	"$(fp "SELECT source_id AS id, data FROM raw.toggl_track__projects")"
t_eq "deleted_at is the server_deleted_at of each v9 row" 0 \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries
	          WHERE deleted_at IS DISTINCT FROM (data->>'server_deleted_at')::timestamptz")"

# Unchanged rows are skipped: the same backfill again writes nothing.
BEFORE=$(t_psql "SELECT md5(string_agg(source_id || synced_at::text, ',' ORDER BY source_id)) FROM raw.toggl_track__time_entries")
t_ok "the same backfill again succeeds" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size 50 >>"$OUT" 2>&1'
t_eq "and writes no row" "0|0" \
	"$(t_psql "SELECT rows_written, rows_deleted FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1")"
t_eq "no synced_at moved" "$BEFORE" \
	"$(t_psql "SELECT md5(string_agg(source_id || synced_at::text, ',' ORDER BY source_id)) FROM raw.toggl_track__time_entries")"

# A page holding new, changed and unchanged rows: the straight COPY meets
# an id that is there, so the page goes through the stage and the merge.
DEL=$(t_psql "SELECT string_agg(quote_literal(source_id), ',') FROM (SELECT source_id
              FROM raw.toggl_track__time_entries WHERE api_version = 'reports/v3'
              ORDER BY source_id LIMIT 3) q")
t_psql "CREATE TABLE public.kept AS SELECT source_id, data FROM raw.toggl_track__time_entries
        WHERE source_id IN ($DEL)"
t_psql "DELETE FROM raw.toggl_track__time_entries WHERE source_id IN ($DEL)"
E3=$(old_ids | sed -n '7p')
dump_entry "$E3" | jq -c '{id, seconds: (.duration - 60), start, stop, at}' | inject "$E3" "&api=reports"
t_ok "a backfill over deleted, changed and unchanged rows succeeds" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size 50 >>"$OUT" 2>&1'
t_eq "it writes the three deleted rows and the changed one" "4|0" \
	"$(t_psql "SELECT rows_written, rows_deleted FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1")"
t_eq "the deleted rows are back as they were" 3 \
	"$(t_psql "SELECT count(*) FROM kept k JOIN raw.toggl_track__time_entries r USING (source_id) WHERE r.data = k.data")"
t_eq "the changed row has its new duration" "$(( $(dump_entry "$E3" | jq -r .duration) - 60 ))" \
	"$(t_psql "SELECT data->>'duration' FROM raw.toggl_track__time_entries WHERE source_id = '$E3'")"
t_eq "no other row's synced_at moved" \
	"$(t_psql "SELECT count(*) - 4 FROM raw.toggl_track__time_entries")" \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries r
	          WHERE synced_at < (SELECT started_at FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1)")"

# Reports pages are read without a cJSON tree: a truncated or malformed
# page is still retried, and the backfill ends complete.
LAST=$(fp "SELECT source_id AS id, data FROM raw.toggl_track__time_entries WHERE api_version = 'reports/v3'")
t_migrated_db
for kind in truncate malformed; do
	curl -sf -X POST -d '{"kind":"'$kind'","path":"/reports/","skip":2}' "$FAKE_URL/__control/fault" >/dev/null
done
mark=$(wc -l < "$FAKE_LOG")
t_ok "a backfill through a truncated and a malformed Reports page succeeds" \
	'"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size 50 >>"$OUT" 2>&1 || { tail -5 "$OUT"; false; }'
t_eq "both faults fired on Reports pages" "malformed truncate" \
	"$(tail -n +$((mark + 1)) "$FAKE_LOG" | jq -r 'select(.fault != null) | .fault' | sort | xargs)"
t_eq "and raw is the same as after the backfills before" "$LAST" \
	"$(fp "SELECT source_id AS id, data FROM raw.toggl_track__time_entries")"

# The rows whose id or server_deleted_at C leaves to SQL (odd: an escaped
# string, an exponent) get them from the JSON, as 0010 read them.
t_eq "toggl_stage_fix.sql reads an odd row's id and server_deleted_at from its JSON" \
	"$(printf '1000|2026-01-06 09:00:00+00|f\n42|')" \
	"$(psql -X -A -t -q -v ON_ERROR_STOP=1 <<-SQL
	SET TIME ZONE 'UTC';
	BEGIN;
	\i $SRCDIR/connectors/toggl_stage.sql
	INSERT INTO pg_temp.toggl_stage VALUES
	    (0, NULL, '{"id": 1e3, "server_deleted_at": "2026-01-06T09:00:00\\u005a"}', NULL, true),
	    (1, '42', '{"id": 42}', NULL, false);
	\i $SRCDIR/connectors/toggl_stage_fix.sql
	SELECT source_id, deleted_at, odd AND source_id IS NULL FROM pg_temp.toggl_stage WHERE ord = 0;
	SELECT source_id, deleted_at FROM pg_temp.toggl_stage WHERE ord = 1;
	COMMIT;
	SQL
	)"

t_done
