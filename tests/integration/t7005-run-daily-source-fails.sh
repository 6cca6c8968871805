#!/usr/bin/env bash
# t7005-run-daily-source-fails: `dwhbi run daily` against fake Toggl and Google
# serving the synthetic person, with one source failing.  The other source
# still syncs, the transform runs after both syncs have ended (so on what
# they committed), the run exits 1, and ops.runs tells the story: one parent
# row naming the failed step, a child row per step with its own error.
. "$SRCDIR/tests/lib.sh"
for f in toggl google; do
	[ -x "$BUILD/tests/fake/fake-$f" ] || { t_skip "run daily with fakes" "fake-$f not built"; t_done; }
done

FROM=$(TZ=Asia/Tokyo date -d '-20 days' +%F)
PERSON="5:$FROM:25"
export DWHBI_TIMEZONE=Asia/Tokyo DWHBI_HTTP_WAIT_BUDGET=3

start_fakes() {   # start_fakes TOGGL_ARGS... -- GOOGLE_ARGS...
	local targs=() gargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do targs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	gargs=("$@")
	t_start_fake toggl --person "$PERSON" --tz Asia/Tokyo --token toggl-tok "${targs[@]}"
	export TOGGL_API_BASE=$FAKE_URL TOGGL_API_TOKEN=toggl-tok
	t_start_fake google --person "$PERSON" --tz Asia/Tokyo --client-id cid --client-secret csecret \
		--refresh-token good-refresh "${gargs[@]}"
	export GOOGLE_API_BASE=$FAKE_URL/calendar/v3 GOOGLE_OAUTH_URL=$FAKE_URL/token \
		GOOGLE_CLIENT_ID=cid GOOGLE_CLIENT_SECRET=csecret GOOGLE_REFRESH_TOKEN=good-refresh \
		GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'
}
run_id() { t_psql "SELECT max(id) FROM ops.runs WHERE job = 'run daily'"; }
child() {  # child RUN JOB COLUMN
	t_psql "SELECT $3 FROM ops.runs WHERE parent_id = $1 AND job = '$2' ORDER BY id LIMIT 1"
}
transform_after_syncs() {  # the transform started after every sync had finished
	[ "$(t_psql "SELECT count(*) FROM ops.runs t WHERE t.parent_id = $1 AND t.job = 'transform'
		AND t.started_at >= (SELECT max(finished_at) FROM ops.runs s
		                     WHERE s.parent_id = $1 AND s.job LIKE 'sync %')")" -ge 1 ]
}

# -- Google's refresh token is revoked; Toggl works -------------------------
t_migrated_db
start_fakes
export GOOGLE_REFRESH_TOKEN=revoked-refresh
"$DWHBI" run daily >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
run=$(run_id)
t_eq "gcal down: exit 1" 1 "$rc"
t_eq "gcal down: toggl synced" success "$(child "$run" 'sync toggl' status)"
# the first nightly sync reads the last few days
t_ok "gcal down: toggl's entries are in raw" '[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")" -gt 20 ]'
t_eq "gcal down: the gcal step failed" failed "$(child "$run" 'sync gcal' status)"
t_ok "gcal down: its row says why" '[ -n "$(child "$run" "sync gcal" error)" ]'
t_eq "gcal down: no events" 0 "$(t_psql "SELECT count(*) FROM raw.google_calendar__events")"
t_ok "gcal down: transform ran after both syncs ended" 'transform_after_syncs "$run"'
t_eq "gcal down: the run failed" failed "$(t_psql "SELECT status FROM ops.runs WHERE id = $run")"
t_ok "gcal down: the run's error names the step" \
	't_psql "SELECT error FROM ops.runs WHERE id = $run" | grep -q "sync gcal"'
t_ok "gcal down: the table says it" 'grep -q "sync gcal .*FAILED" "$T_TMP/out" && grep -q "sync toggl .*ok" "$T_TMP/out"'
t_eq "gcal down: detail says which" "success failed" \
	"$(t_psql "SELECT string_agg(s->>'status', ' ' ORDER BY n) FROM ops.runs,
	   jsonb_array_elements(detail->'steps') WITH ORDINALITY AS e(s, n) WHERE id = $run AND n <= 2")"
t_ok "gcal down: every step row is a child of the run" \
	'[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE id > $run AND parent_id IS DISTINCT FROM $run")" = 0 ]'
runs_text() { t_psql "SELECT concat_ws(' ', args, error, detail::text) FROM ops.runs"; }
t_ok "no secret in ops.runs" '! runs_text | grep -Eq "toggl-tok|csecret|revoked-refresh"'

# -- Toggl answers 500 to every time-entries call; Google works -------------------
for pid in "${T_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
T_PIDS=()
t_migrated_db
start_fakes --fault '{"kind":"status","path":"/api/v9/me/time_entries","status":500,"count":-1}' --
"$DWHBI" run daily >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
run=$(run_id)
t_eq "toggl down: exit 1" 1 "$rc"
t_eq "toggl down: the toggl step failed" failed "$(child "$run" 'sync toggl' status)"
t_eq "toggl down: gcal synced anyway" success "$(child "$run" 'sync gcal' status)"
t_ok "toggl down: the plan and holidays are in raw" \
	'[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE deleted_at IS NULL")" -gt 50 ]'
t_eq "toggl down: no entries half-written" 0 "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")"
t_ok "toggl down: transform ran after both syncs ended" 'transform_after_syncs "$run"'
t_ok "toggl down: the run's error names the step" \
	't_psql "SELECT error FROM ops.runs WHERE id = $run" | grep -q "sync toggl"'

# -- both fine again: the next run syncs both --------------------------------------------
curl -sf -X POST "$TOGGL_API_BASE/__control/reset" >/dev/null || true
"$DWHBI" run daily >"$T_TMP/out" 2>"$T_TMP/err"
run=$(run_id)
t_eq "recovered: toggl synced" success "$(child "$run" 'sync toggl' status)"
t_eq "recovered: gcal synced" success "$(child "$run" 'sync gcal' status)"
t_ok "recovered: entries arrived" '[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")" -gt 20 ]'
# -- a data test fails: the new marts are not committed ----------------------------------
# A copy of the models with one extra data test that always finds a row; every
# other embedded file is read from the checkout.
mkdir -p "$T_TMP/data"
for d in "$SRCDIR"/*/; do ln -s "$d" "$T_TMP/data/$(basename "$d")"; done
rm "$T_TMP/data/transform"; cp -r "$SRCDIR/transform" "$T_TMP/data/transform"
printf -- "-- always fails (test of run daily)\nSELECT 1 AS offending\n" > "$T_TMP/data/transform/tests/zz_always_fails.sql"
marts_sum() { t_psql "SELECT md5(string_agg(d::text, ',' ORDER BY date, category)) FROM marts.daily_category d"; }
before=$(marts_sum)
built=$(t_psql "SELECT built_at FROM ops.model_builds WHERE model = 'marts.daily_category'")
DWHBI_DATADIR="$T_TMP/data" "$DWHBI" run daily --no-sync >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
run=$(run_id)
t_eq "data test fails: exit 1" 1 "$rc"
t_eq "data test fails: the transform step failed" failed "$(child "$run" transform status)"
t_ok "data test fails: its error names the test" \
	'child "$run" transform error | grep -q zz_always_fails'
t_eq "data test fails: the previous marts stay" "$before" "$(marts_sum)"
t_eq "data test fails: the marts were not rebuilt" "$built" \
	"$(t_psql "SELECT built_at FROM ops.model_builds WHERE model = 'marts.daily_category'")"
t_eq "data test fails: analyze and adjust did not run on it" 0 \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE parent_id = $run AND job IN ('analyze', 'adjust')")"
t_done
