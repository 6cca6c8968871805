#!/usr/bin/env bash
# t9032 — Toggl's master tables (projects, clients, tags) are screened at
# the edge like time entries: a project whose name holds \u0000, one whose
# client_id is not an id, one whose "active" is not a boolean, a client
# whose name is not UTF-8, a tag whose name holds a lone surrogate escape,
# and a project listed with id -5 are each quarantined with a warning naming
# them; the rest of each listing lands, the reconcile does not take the
# quarantined ones for deleted (raw keeps their last good version), the
# transform runs, and after the fix the next sync lands them.
. "$SRCDIR/tests/lib.sh"

t_migrated_db
TOKEN="tok-$RANDOM$RANDOM"
FROM=$(TZ=Asia/Tokyo date -d '-20 days' +%F)
t_start_fake toggl --token "$TOKEN" --person "7:$FROM:21" --tz Asia/Tokyo
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
"$DWHBI" -q seed --config "$SRCDIR/config" || exit 1
OUT="$T_TMP/out" ERR="$T_TMP/err"

raw_of() { t_psql "SELECT data::text FROM raw.toggl_track__$1 WHERE source_id = '$2'"; }
inject() {   # inject ENTITY ID — bytes on stdin
	curl -sf -X POST --data-binary @- "$FAKE_URL/__control/raw-master?entity=$1&id=$2" >/dev/null
}
live() { t_psql "SELECT count(*) FROM raw.toggl_track__$1 WHERE deleted_at IS NULL"; }

t_ok "first sync" '"$DWHBI" sync toggl --days 21 >"$OUT" 2>"$ERR"'
P=($(t_psql "SELECT source_id FROM raw.toggl_track__projects ORDER BY source_id LIMIT 4"))
C=($(t_psql "SELECT source_id FROM raw.toggl_track__clients ORDER BY source_id LIMIT 1"))
TG=($(t_psql "SELECT source_id FROM raw.toggl_track__tags ORDER BY source_id LIMIT 1"))
t_eq "four projects, a client and a tag to work with" "4 1 1" "${#P[@]} ${#C[@]} ${#TG[@]}"
NP=$(live projects) NC=$(live clients) NT=$(live tags)
BP0=$(raw_of projects "${P[0]}") BP3=$(raw_of projects "${P[3]}") BC0=$(raw_of clients "${C[0]}") BT0=$(raw_of tags "${TG[0]}")

raw_of projects "${P[0]}" | jq -c '.name = "a\u0000b"' | inject projects "${P[0]}"
raw_of projects "${P[1]}" | jq -c '.client_id = "abc"' | inject projects "${P[1]}"
raw_of projects "${P[2]}" | jq -c '.active = "yes"' | inject projects "${P[2]}"
raw_of projects "${P[3]}" | jq -c '.id = -5' | inject projects "${P[3]}"
raw_of clients "${C[0]}" | jq -c '.name = "@@N@@"' | sed 's/@@N@@/caf\xe9/' | inject clients "${C[0]}"
raw_of tags "${TG[0]}" | jq -c '.name = "@@N@@"' | sed 's/@@N@@/t\\ud800/' | inject tags "${TG[0]}"

t_ok "the sync with six hostile masters exits 0" '"$DWHBI" sync toggl >"$OUT" 2>"$ERR"'
t_ok "the warnings name each one and the field" '
	grep -q "warning: sync toggl: quarantined projects ${P[0]}: \"name\" holds a \\\\u0000" "$ERR" &&
	grep -q "quarantined projects ${P[1]}: \"client_id\" is not a positive 64-bit integer" "$ERR" &&
	grep -q "quarantined projects ${P[2]}: \"active\" is not true or false" "$ERR" &&
	grep -q "quarantined projects (id unreadable): \"id\" is not a positive 64-bit integer: -5" "$ERR" &&
	grep -q "quarantined clients ${C[0]}: \"name\" holds invalid UTF-8" "$ERR" &&
	grep -q "quarantined tags ${TG[0]}: \"name\" holds an unpaired surrogate escape" "$ERR"'
t_eq "six warnings, no more" 6 "$(grep -ac ": quarantined " "$ERR")"
t_eq "counted on the run" "success|6" \
	"$(t_psql "SELECT status, rows_quarantined FROM ops.runs WHERE job = 'sync toggl' ORDER BY id DESC LIMIT 1")"
t_eq "open rows by entity" "clients:1 projects:4 tags:1" \
	"$(t_psql "SELECT string_agg(entity || ':' || n, ' ' ORDER BY entity) FROM
	           (SELECT entity, count(*) n FROM ops.quarantine WHERE resolved_at IS NULL GROUP BY entity) x")"
t_ok "raw keeps the last good versions" '[ "$(raw_of projects "${P[0]}")" = "$BP0" ] &&
	[ "$(raw_of clients "${C[0]}")" = "$BC0" ] && [ "$(raw_of tags "${TG[0]}")" = "$BT0" ]'
t_eq "the reconcile kept the quarantined ones live; only the project listed as -5 is gone" \
	"$((NP - 1)) $NC $NT" "$(live projects) $(live clients) $(live tags)"
t_eq "the one gone is that project" "${P[3]}" \
	"$(t_psql "SELECT string_agg(source_id, ',') FROM raw.toggl_track__projects WHERE deleted_at IS NOT NULL")"
t_ok "status counts them" '"$DWHBI" status >"$OUT" 2>&1 && grep -q "^quarantine: 6 open items" "$OUT"'
t_ok "transform --test exits 0" '"$DWHBI" -q transform --test'

for p in "${P[@]}"; do inject projects "$p" </dev/null; done
inject clients "${C[0]}" </dev/null
inject tags "${TG[0]}" </dev/null
t_ok "the sync after the fix exits 0 without warnings" \
	'"$DWHBI" sync toggl >"$OUT" 2>"$ERR" && ! grep -aq quarantined "$ERR"'
t_eq "the five with an id are resolved as landed; the one without stays open" "5|landed|1" \
	"$(t_psql "SELECT count(*) FILTER (WHERE resolved_at IS NOT NULL),
	           string_agg(DISTINCT resolution, ','), count(*) FILTER (WHERE resolved_at IS NULL)
	           FROM ops.quarantine")"
t_eq "the project that was listed as -5 is back unchanged, and raw has it live again" "0" \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__projects WHERE deleted_at IS NOT NULL")"
t_eq "its row is the version it had before" "$BP3" "$(raw_of projects "${P[3]}")"
t_eq "the quarantined ones are live and valid in raw" "3 $NC $NT" \
	"$(t_psql "SELECT count(*) FROM raw.toggl_track__projects WHERE deleted_at IS NULL
	           AND source_id IN ('${P[0]}', '${P[1]}', '${P[2]}') AND data->>'active' IN ('true', 'false')
	           AND data->>'client_id' IS DISTINCT FROM 'abc'") $(live clients) $(live tags)" 
t_eq "the fixed names are in raw" "$(jq -r .name <<<"$BP0")|$(jq -r .name <<<"$BT0")" \
	"$(t_psql "SELECT (SELECT data->>'name' FROM raw.toggl_track__projects WHERE source_id = '${P[0]}') || '|' ||
	           (SELECT data->>'name' FROM raw.toggl_track__tags WHERE source_id = '${TG[0]}')")"
t_done
