#!/usr/bin/env bash
# t3005: how the transform behaves as a job — a mart read from a second
# connection while the transform rebuilds it never comes back empty or with
# an error; re-running without new raw data gives identical marts; --select
# builds a model and what is downstream of it, nothing else; a failing data
# test names itself and its rows, exits 1 and leaves the previous marts; each
# run is in ops.runs with per-model timings.
. "$SRCDIR/tests/lib.sh"
t_migrated_db
export DWHBI_TIMEZONE=Asia/Tokyo
export GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'
FIX="$SRCDIR/tests/fixtures/transform"
for f in tokyo-day.sql history.sql; do
	psql -X -q -v ON_ERROR_STOP=1 -f "$FIX/$f" >/dev/null || { echo "cannot load $f" >&2; exit 1; }
done
"$DWHBI" -q seed --config "$FIX/config" >/dev/null || exit 1
"$DWHBI" -q goals import /dev/stdin >/dev/null <<'CSV' || exit 1
category,day_type,period,minutes,direction,valid_from
Work,weekday,day,480,less,2025-01-01
Sleep,any,week,2940,more,2025-01-01
CSV

t_ok "first transform --test" '"$DWHBI" -q transform --test'
rows1=$(t_psql "SELECT count(*) FROM marts.daily_category")
t_ok "the marts hold half a year ($rows1 daily rows)" '[ "$rows1" -gt 1500 ]'

# dump every mart and core table in key order
dump() {
	local t
	for t in core.actual_records core.plan_records core.days marts.daily_category \
		marts.weekly_category marts.monthly_category marts.hourly_category \
		marts.goal_achievement marts.plan_adherence marts.plan_actual_daily \
		marts.source_freshness; do
		echo "== $t"
		psql -X -A -t -c "SET TIME ZONE 'UTC'; SELECT * FROM $t ORDER BY 1, 2, 3"
	done
}
dump > "$T_TMP/dump1"
t_ok "re-running the transform without new raw data gives identical marts" '
	"$DWHBI" -q transform --test && dump > "$T_TMP/dump2" &&
	cmp "$T_TMP/dump1" "$T_TMP/dump2" && [ "$(wc -l < "$T_TMP/dump1")" -gt 10000 ]'

# The concurrent reader: a second connection counts the mart in a loop while
# the transform rebuilds it three times (--full: every model is rebuilt, not
# only the changed days); between the second and third
# rebuild new raw data arrives (an entry in May, past the range), so the
# count changes once — from one full mart to the other, never through zero.
: > "$T_TMP/reads"
(
	while [ ! -e "$T_TMP/stop" ]; do
		psql -X -A -t -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM marts.daily_category" \
			>> "$T_TMP/reads" 2>> "$T_TMP/read-errors" || echo "error" >> "$T_TMP/reads"
	done
) &
reader=$!
sleep 0.2
ok_runs=0
"$DWHBI" -q transform --full >/dev/null && ok_runs=$((ok_runs + 1))
"$DWHBI" -q transform --full >/dev/null && ok_runs=$((ok_runs + 1))
psql -X -q -c "INSERT INTO raw.toggl_track__time_entries (source_id, data, synced_at) VALUES
 ('4000000099', '{\"id\": 4000000099, \"project_id\": 7001, \"user_id\": 1001, \"start\": \"2026-05-12T08:00:00+09:00\", \"stop\": \"2026-05-12T09:00:00+09:00\", \"duration\": 3600}', '2026-03-12 00:00:00+00')"
"$DWHBI" -q transform --full >/dev/null && ok_runs=$((ok_runs + 1))
sleep 0.2
touch "$T_TMP/stop"
wait "$reader"
rows2=$(t_psql "SELECT count(*) FROM marts.daily_category")
t_eq "three rebuilds while reading" 3 "$ok_runs"
t_ok "the reader read many times ($(wc -l < "$T_TMP/reads") reads)" '[ "$(wc -l < "$T_TMP/reads")" -ge 20 ]'
t_ok "the reader never saw an error" '! grep -q error "$T_TMP/reads" && [ ! -s "$T_TMP/read-errors" ]'
t_ok "the reader only ever saw a whole mart ($rows1 or $rows2 rows), never zero" '
	sort -u "$T_TMP/reads" | tee "$T_TMP/distinct"
	[ "$rows2" -gt "$rows1" ] &&
	! grep -qvx -e "$rows1" -e "$rows2" "$T_TMP/reads"'

t_ok "every run is recorded with a timing per model and per test" '
	t_psql "SELECT count(*) FROM ops.runs WHERE job = '"'"'transform'"'"' AND status = '"'"'success'"'"'" | grep -qx 6
	n=$(t_psql "SELECT count(*) FROM ops.runs r, jsonb_array_elements(r.detail->'"'"'models'"'"') m
		WHERE r.id = (SELECT max(id) FROM ops.runs WHERE job = '"'"'transform'"'"')
		AND (m->>'"'"'ms'"'"')::numeric >= 0")
	models=$("$DWHBI" transform --list | wc -l)
	[ "$n" -eq "$models" ] && [ "$models" -ge 20 ]
	t_psql "SELECT jsonb_array_length(detail->'"'"'tests'"'"') FROM ops.runs WHERE job = '"'"'transform'"'"' ORDER BY id LIMIT 1" | grep -qv "^0$"'
t_ok "ops.model_builds has every table model with its rows" '
	[ "$(t_psql "SELECT rows FROM ops.model_builds WHERE model = '"'"'marts.daily_category'"'"'")" = "$rows2" ]'

built() { t_psql "SELECT string_agg(m->>'model', ' ' ORDER BY ord) FROM ops.runs r,
	jsonb_array_elements(r.detail->'models') WITH ORDINALITY AS x(m, ord)
	WHERE r.id = (SELECT max(id) FROM ops.runs WHERE job = 'transform')"; }
t_ok "--select a mart builds only that mart" '
	"$DWHBI" -q transform --select weekly_category >/dev/null
	[ "$(built)" = "marts.weekly_category" ]'
t_ok "--select a core model builds it and everything downstream, in order" '
	"$DWHBI" -q transform --select core.categories >/dev/null
	b=$(built); echo "$b"
	case "$b" in "core.categories "*) ;; *) exit 1 ;; esac
	case " $b " in *" marts.daily_category "*" marts.weekly_category "*) ;; *) exit 1 ;; esac
	case " $b " in *" staging."*|*" core.sync_clock "*|*" marts.source_freshness "*) exit 1 ;; esac'
t_ok "--select an unknown model is a usage error" '
	t_must_fail 2 "$DWHBI" transform --select nope 2> "$T_TMP/err"
	cat "$T_TMP/err" && grep -q "unknown model '"'"'nope'"'"'" "$T_TMP/err"'

# A broken model (the long-gap rule removed, as a bug would) must be caught
# by the data tests, and the previous marts must stay.
mkdir -p "$T_TMP/data"
cp -r "$SRCDIR/transform" "$T_TMP/data/transform"
sed -i "s/where r.bound - r.stop_at > interval '5 minutes'/where false/" \
	"$T_TMP/data/transform/core/actual_records.sql"
grep -q "where false" "$T_TMP/data/transform/core/actual_records.sql" || { echo "sabotage failed" >&2; exit 1; }
psql -X -q -c "INSERT INTO raw.toggl_track__time_entries (source_id, data, synced_at) VALUES
 ('4000000100', '{\"id\": 4000000100, \"project_id\": 7004, \"user_id\": 1001, \"start\": \"2026-03-12T10:00:00+09:00\", \"stop\": \"2026-03-12T11:00:00+09:00\", \"duration\": 3600}', '2026-03-12 00:00:00+00')"
before=$(t_psql "SELECT md5(string_agg(d::text, ',' ORDER BY date, category)) FROM marts.daily_category d")
t_ok "a failing data test exits 1 and names itself and its first rows" '
	DWHBI_DATADIR="$T_TMP/data" t_must_fail 1 "$DWHBI" transform --test > "$T_TMP/out" 2> "$T_TMP/err"
	cat "$T_TMP/err" &&
	grep -q "data test '"'"'actual_day_sums'"'"' failed" "$T_TMP/err" &&
	grep -q "date=2026-03-10" "$T_TMP/err" &&
	grep -q "nothing was committed" "$T_TMP/err"'
t_eq "and the previous marts stay in place" "$before" \
	"$(t_psql "SELECT md5(string_agg(d::text, ',' ORDER BY date, category)) FROM marts.daily_category d")"
t_eq "the failed run is recorded as failed with the test in its error" "failed|t" \
	"$(t_psql "SELECT status, error LIKE '%actual_day_sums%' FROM ops.runs WHERE job = 'transform' ORDER BY id DESC LIMIT 1")"
t_ok "the next good transform picks up the new entry" '
	"$DWHBI" -q transform --test >/dev/null
	[ "$(t_psql "SELECT actual_minutes FROM marts.daily_category WHERE date = '"'"'2026-03-12'"'"' AND category = '"'"'Work'"'"'")" = 60 ]'
t_done
