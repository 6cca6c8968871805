#!/usr/bin/env bash
# t1004 — the awkward corners of Toggl data (tests/fake/scenarios/
# toggl-awkward.json) reach raw exactly as the API sent them, through the
# flaky answers of tests/fake/scenarios/toggl-flaky.jsonl: an id above 2^53,
# null description and project, control characters and quotes, a running
# entry with duration -1, a deleted entry, archived projects and clients.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
SC="$SRCDIR/tests/fake/scenarios"
t_start_fake toggl --token scenario-token --scenario "$SC/toggl-awkward.json" \
	--faults "$SC/toggl-flaky.jsonl"
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN=scenario-token DWHBI_TIMEZONE=Asia/Tokyo
entry() { t_psql "SELECT $2 FROM raw.toggl_track__time_entries WHERE source_id = '$1'"; }

t_ok "sync --since 2025-12-01 succeeds through every scripted fault" \
	'"$DWHBI" sync toggl --since 2025-12-01 > "$T_TMP/out" 2>&1 || { cat "$T_TMP/out"; false; }'
t_eq "each scripted fault fired once" "malformed status status truncate" \
	"$(jq -r 'select(.fault != null) | .fault' "$FAKE_LOG" | sort | xargs)"
t_eq "all five entries are in raw, the deleted one included" 5 \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")"
t_eq "an id above 2^53 is kept digit for digit" "9007199254740993|9007199254740993" \
	"$(entry 9007199254740993 "source_id, data->>'id'")"
t_eq "its tags by name and id" '["集中", "remote"]|[6100000001, 6100000002]' \
	"$(entry 9007199254740993 "data->'tags', data->'tag_ids'")"
t_eq "null description and null project stay JSON null, without pid" "null|null|f" \
	"$(entry 4000000001 "data->'description', data->'project_id', data ? 'pid'")"
t_eq "quotes, tab, backslash and newline survive" \
	"$(printf 'tab\there, "quotes", back\\slash, 改行\nnewline\n' | od -c)" \
	"$(t_psql "SELECT data->>'description' FROM raw.toggl_track__time_entries WHERE source_id = '4000000003'" | od -c)"
t_eq "the running entry: stop null, duration -1, not deleted" "null|-1|t" \
	"$(entry 4000000006 "data->'stop', data->'duration', deleted_at IS NULL")"
t_eq "the deleted entry carries deleted_at = server_deleted_at" "t" \
	"$(entry 4000000005 "deleted_at = '2026-01-06T09:00:00Z'::timestamptz")"
t_eq "the \`at\` with microseconds is kept as sent" "2026-01-05T01:30:05.694469Z" \
	"$(entry 9007199254740993 "data->>'at'")"
t_eq "archived project and archived client are mirrored" "昔のプロジェクト|false|Old client|true" \
	"$(t_psql "SELECT p.data->>'name', p.data->>'active', c.data->>'name', c.data->>'archived'
	          FROM raw.toggl_track__projects p JOIN raw.toggl_track__clients c
	            ON c.source_id = p.data->>'client_id' WHERE p.source_id = '7100000002'")"
t_eq "me and the workspace" "8123456789|9123456789" \
	"$(t_psql "SELECT m.source_id, w.source_id FROM raw.toggl_track__me m, raw.toggl_track__workspaces w")"
t_ok "the requests went to the v9 and workspace paths with Basic auth" '
	[ "$(jq -r "select(.status == 200) | .path" "$FAKE_LOG" | sort -u | xargs)" = \
	  "/api/v9/me /api/v9/me/time_entries /api/v9/me/workspaces /api/v9/workspaces/9123456789/clients /api/v9/workspaces/9123456789/projects /api/v9/workspaces/9123456789/tags" ]'
t_eq "clients were asked with status=both, projects with active=both" "both|both" \
	"$(jq -r 'select(.path | endswith("/clients")) | .query.status' "$FAKE_LOG" | sort -u)|$(jq -r 'select(.path | endswith("/projects")) | .query.active' "$FAKE_LOG" | sort -u)"

t_done
