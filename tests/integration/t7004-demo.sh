#!/usr/bin/env bash
# t7004-demo: `dwhbi demo` end to end on a short history.  First on the
# harness's database (DATABASE_URL set: the demo must use it), twice: the
# second run reuses the state (no second backfill, same person) and still
# renders the report.  Then once with nothing configured: the demo starts its
# own PostgreSQL under the state directory, prints a connection string that
# works, and `dwhbi demo --stop` stops it.
. "$SRCDIR/tests/lib.sh"
for f in toggl google; do
	[ -x "$BUILD/tests/fake/fake-$f" ] || { t_skip "demo" "fake-$f not built"; t_done; }
done
t_migrated_db
chmod 755 "$T_TMP"
export DWHBI_DEMO_DIR="$T_TMP/demo" BUILD

"$DWHBI" demo --days 40 >"$T_TMP/out1" 2>"$T_TMP/err1"; rc1=$?
t_ok "first run says what it does" 'grep -q "^==> run daily" "$T_TMP/out1" && grep -q "^==> serving the synthetic person" "$T_TMP/out1"'
t_ok "first run used DATABASE_URL" 'grep -q "using the database in DATABASE_URL" "$T_TMP/out1" && [ ! -d "$DWHBI_DEMO_DIR/pg" ]'
month=$(TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%Y-%m-01) - 1 day" +%Y-%m)
pdf="$DWHBI_DEMO_DIR/out/report-$month.pdf"
t_ok "the report of the last complete month is a PDF" '[ "$(head -c 5 "$pdf")" = "%PDF-" ]'
t_ok "it says where the report is" 'grep -q "report: *$pdf" "$T_TMP/out1"'
t_ok "it says where the proposals are" 'grep -q "proposals: $DWHBI_DEMO_DIR/out/proposals.txt" "$T_TMP/out1" && [ -f "$DWHBI_DEMO_DIR/out/proposals.txt" ]'
t_ok "it prints the connection string" 'grep -q "database:  $DATABASE_URL" "$T_TMP/out1"'
t_ok "the person's Toggl history arrived" '[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")" -gt 400 ]'
t_ok "the plan and the holidays arrived" \
	'[ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events WHERE source_id LIKE '"'"'ja.japanese%'"'"'")" -ge 1 ] &&
	 [ "$(t_psql "SELECT count(*) FROM raw.google_calendar__events")" -gt 200 ]'
t_ok "the daily pipeline is one tree in ops.runs" \
	'[ "$(t_psql "SELECT count(*) FROM ops.runs c JOIN ops.runs p ON c.parent_id = p.id WHERE p.job = '"'"'run daily'"'"'")" -ge 3 ]'
# The PDF's key figures are the marts' totals for that month.
hm() {  # minutes (numeric) -> H:MM, rounded to the minute
	awk -v m="$1" 'BEGIN { t = int(m + 0.5); printf "%d:%02d", int(t / 60), t % 60 }'
}
if command -v pdftotext >/dev/null; then
	text=$(pdftotext -layout "$pdf" - 2>/dev/null)
	figures=$(grep -E -A2 "Tracked time|記録した時間" <<<"$text" | grep -oE '[0-9]+:[0-9]{2} h' | head -2 | tr '\n' ' ')
	tracked=$(t_psql "SELECT sum(actual_minutes) FROM marts.monthly_category WHERE month = '$month-01' AND category <> 'Untracked'")
	planned=$(t_psql "SELECT sum(plan_minutes) FROM marts.monthly_category WHERE month = '$month-01'")
	t_eq "the PDF's tracked and planned hours are the marts'" "$(hm "$tracked") h $(hm "$planned") h " "$figures"
else
	t_skip "the PDF's totals match the marts" "pdftotext not installed"
fi
failed1=$(grep -c . < <(sed -n '/these steps failed/,$p' "$T_TMP/err1" | tail -n +2))
t_eq "exit status says whether a step failed" "$([ "$failed1" -gt 0 ] && echo 1 || echo 0)" "$rc1"
[ "$rc1" -eq 0 ] || sed 's/^/    /' "$T_TMP/err1"

reports_before=$(grep -c '"path":"/reports/' "$DWHBI_DEMO_DIR/log/toggl.requests.jsonl" 2>/dev/null || echo 0)
entries_before=$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")
"$DWHBI" demo --days 40 >"$T_TMP/out2" 2>"$T_TMP/err2"; rc2=$?
t_ok "second run knows it is one" 'grep -q "second run: the same person" "$T_TMP/out2"'
t_eq "second run does not backfill again (the log is appended to)" "$reports_before" \
	"$(grep -c '"path":"/reports/' "$DWHBI_DEMO_DIR/log/toggl.requests.jsonl")"
t_ok "first run did backfill" '[ "$reports_before" -gt 0 ]'
t_ok "second run keeps the data (same person, same ids)" \
	'[ "$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")" -ge "$entries_before" ]'
t_ok "second run renders the report again" '[ "$(head -c 5 "$pdf")" = "%PDF-" ] && grep -q "report: *$pdf" "$T_TMP/out2"'
t_eq "second run succeeds like the first" "$rc1" "$rc2"
[ "$rc1" = "$rc2" ] || { sed 's/^/    /' "$T_TMP/out2" "$T_TMP/err2"; tail -n 30 "$DWHBI_DEMO_DIR"/log/run-daily*.log; }

# A database holding someone's real Toggl data is refused.
t_psql "INSERT INTO raw.toggl_track__me (source_id, data) VALUES ('777', '{}')" >/dev/null
"$DWHBI" demo --days 40 >/dev/null 2>"$T_TMP/err4"; rc=$?
t_eq "a database with real data: exit 1" 1 "$rc"
t_ok "a database with real data: says why" 'grep -q "holds real Toggl data" "$T_TMP/err4"'
t_psql "DELETE FROM raw.toggl_track__me WHERE source_id = '777'" >/dev/null

# Nothing configured: its own cluster.
unset DATABASE_URL PGDATABASE
export DWHBI_DEMO_DIR="$T_TMP/local"
# never leave the demo's cluster running, whatever happens below
trap '"$DWHBI" demo --stop >/dev/null 2>&1; t__cleanup' EXIT
"$DWHBI" demo --days 35 >"$T_TMP/out3" 2>"$T_TMP/err3"; rc3=$?
url=$(sed -n 's/^    database:  //p' "$T_TMP/out3")
t_ok "a cluster of its own under the state directory" '[ -f "$DWHBI_DEMO_DIR/pg/data/PG_VERSION" ] && grep -q "starting the demo PostgreSQL" "$T_TMP/out3"'
t_ok "the printed connection string works" \
	'[ "$(psql -X -A -t -d "$url" -c "SELECT count(*) > 0 FROM raw.toggl_track__time_entries")" = t ]'
t_ok "the local run renders the report" '[ -s "$DWHBI_DEMO_DIR/out/report-$month.pdf" ]'
t_eq "the local run ends like the others" "$rc1" "$rc3"
"$DWHBI" demo --stop >/dev/null 2>&1
t_ok "--stop stops the cluster" '! psql -X -A -t -d "$url" -c "SELECT 1" >/dev/null 2>&1'

t_done
