#!/usr/bin/env bash
# t1010 — backfill progress: on a terminal (a pty from script(1)) the line
# is redrawn in place; with DWHBI_PROGRESS=1 on a file every update is a
# line.  Each line shows the range that was asked (not the yearly chunk),
# the pages and entries done (the last line equals the pages fetched and the
# rows stored), the day reached within the range (never backwards, 100% at
# the end), the rate and the time left.  A resumed run starts from where it
# stopped.  A file without DWHBI_PROGRESS gets no progress lines.
. "$SRCDIR/tests/lib.sh"

TOKEN="tok-$RANDOM-progress"
# More than a year, so the backfill takes two chunks; old enough for Reports.
FROM=$(TZ=Asia/Tokyo date -d '-560 days' +%F)
TO=$(TZ=Asia/Tokyo date -d '-101 days' +%F)
# Every Reports page takes 120 ms, so the rate and the time left show.
t_start_fake toggl --token "$TOKEN" --person "7:$FROM:460" --tz Asia/Tokyo \
	--fault '{"kind": "delay", "path": "/reports/", "count": -1, "delay_ms": 120}'
export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$TOKEN" DWHBI_TIMEZONE=Asia/Tokyo
PAGE=300
searches() { jq -c 'select(.path | test("/search/time_entries$"))' "$FAKE_LOG" | wc -l; }
# fields of the progress lines: page entries day percent
fields() {
	sed -n "s/^toggl: backfill $FROM\.\.$TO: page \([0-9]*\), \([0-9]*\) entries, at \([0-9-]*\|the start\) (\([0-9]*\)%).*/\1 \2 \3 \4/p" "$1" |
		sed 's/the start/-/'
}

# -- forced onto a file --------------------------------------------------------
t_migrated_db
t_ok "a backfill with DWHBI_PROGRESS=1 succeeds" \
	'DWHBI_PROGRESS=1 "$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE 2>"$T_TMP/err1"'
PAGES=$(searches)
ROWS=$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries")
# The day between the two chunks is asked for by both (no day may fall
# between them), so its entries are received twice.
SEAM=$(date -d "$FROM +365 days" +%F)
TWICE=$(t_psql "SELECT count(*) FROM raw.toggl_track__time_entries WHERE ((data->>'start')::timestamptz AT TIME ZONE 'Asia/Tokyo')::date = '$SEAM'")
t_ok "many pages over two chunks" '[ "$PAGES" -ge 6 ]'
t_eq "every backfill progress line shows the asked range $FROM..$TO" 0 \
	"$(grep '^toggl: backfill' "$T_TMP/err1" | grep -vc "^toggl: backfill $FROM\.\.$TO: ")"
t_ok "a progress line per page and one at the end (whole lines, no cursor codes)" '
	[ "$(fields "$T_TMP/err1" | wc -l)" -eq $((PAGES + 1)) ]; ! grep -q $'"'"'\r'"'"' "$T_TMP/err1"'
t_eq "pages count 0, 1, ... up to the pages fetched" "$(seq 0 "$PAGES" | paste -sd' ')" \
	"$(fields "$T_TMP/err1" | cut -d' ' -f1 | paste -sd' ')"
t_ok "entries and the day reached never go back, and stay within the range" '
	fields "$T_TMP/err1" | awk -v from="$FROM" -v to="$TO" "
		{ if (\$2 < e || (\$3 != \"-\" && (\$3 < d || \$3 < from || \$3 > to)) || \$4 < p) exit 1;
		  e = \$2; p = \$4; if (\$3 != \"-\") d = \$3 }"'
t_eq "the last line: all pages, the entries received (rows stored + the seam day's again), the end of the range, 100%" \
	"$PAGES $((ROWS + TWICE)) $TO 100" \
	"$(fields "$T_TMP/err1" | tail -1)"
t_ok "the last line says done" 'grep "^toggl: backfill" "$T_TMP/err1" | tail -1 | grep -q ", done$"'
t_ok "the lines show a rate and the time left" '
	grep -Eq ", [0-9]+ entries/s, about ([0-9]+s|[0-9]+m[0-9]{2}s|[0-9]+h[0-9]{2}m) left$" "$T_TMP/err1"'
t_ok "the middle of the range is reached in the middle (the day moves with the pages)" '
	[ "$(fields "$T_TMP/err1" | awk "\$4 > 20 && \$4 < 80" | wc -l)" -ge 2 ]'

# -- a file, not forced: nothing -----------------------------------------------
t_migrated_db
t_ok "without DWHBI_PROGRESS a file gets no progress lines" '
	"$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE 2>"$T_TMP/err2"
	! grep -q "page [0-9]*, [0-9]* entries" "$T_TMP/err2"'

# -- a terminal ----------------------------------------------------------------
t_migrated_db
t_ok "on a terminal the line is redrawn in place (carriage return, erase line)" '
	script -qec "\"$DWHBI\" sync toggl --backfill $FROM..$TO --page-size $PAGE" /dev/null >"$T_TMP/tty" </dev/null
	grep -q $'"'"'\r\e\[Ktoggl: backfill '"$FROM"'\.\.'"$TO"': page 1, '"'"' "$T_TMP/tty"
	[ "$(grep -o $'"'"'\r\e\[Ktoggl: backfill'"'"' "$T_TMP/tty" | wc -l)" -ge 6 ]'
t_migrated_db
t_ok "DWHBI_PROGRESS=0 hides it on a terminal" '
	DWHBI_PROGRESS=0 script -qec "\"$DWHBI\" sync toggl --backfill $FROM..$TO --page-size $PAGE" /dev/null >"$T_TMP/tty0" </dev/null
	! grep -q "entries, at" "$T_TMP/tty0"'
t_ok "--quiet hides it too" '
	t_migrated_db
	DWHBI_PROGRESS=1 "$DWHBI" -q sync toggl --backfill "$FROM..$TO" --page-size $PAGE 2>"$T_TMP/errq"
	[ ! -s "$T_TMP/errq" ]'

# -- a resumed run -------------------------------------------------------------
t_migrated_db
curl -sf -X POST "$FAKE_URL/__control/reset" >/dev/null
curl -sf -X POST "$FAKE_URL/__control/fault" -d '{"kind": "status", "path": "/reports/", "skip": 4, "count": 1, "status": 400, "body": "stop here"}' >/dev/null
DWHBI_PROGRESS=1 "$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE 2>"$T_TMP/err3"
t_eq "a backfill stopped by a 400 after 4 pages fails" "1" "$?"
t_eq "its progress reached page 4" 4 "$(fields "$T_TMP/err3" | tail -1 | cut -d' ' -f1)"
stopped_day=$(fields "$T_TMP/err3" | tail -1 | cut -d' ' -f3)
DWHBI_PROGRESS=1 "$DWHBI" sync toggl --backfill "$FROM..$TO" --page-size $PAGE 2>"$T_TMP/err4"
t_eq "the rerun resumes and finishes" 0 "$?"
first=$(fields "$T_TMP/err4" | head -1)
t_ok "the resumed run starts at page 0 with 0 entries, already part of the way ($first)" '
	set -- $first; [ "$1" = 0 ] && [ "$2" = 0 ] && [ "$4" -gt 0 ] && [ "$4" -lt 100 ]'
t_ok "its first day is at or before where the stopped run got ($stopped_day)" '
	set -- $first; [ "$3" != - ] && [[ ! "$3" > "$stopped_day" ]]'
t_eq "it ends at 100%" 100 "$(fields "$T_TMP/err4" | tail -1 | cut -d' ' -f4)"
t_eq "and says it resumed, with the asked range" 1 \
	"$(grep -c "resuming the backfill" "$T_TMP/err4")"

t_done
