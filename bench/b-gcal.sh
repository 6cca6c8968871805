#!/usr/bin/env bash
# b-gcal: `dwhbi sync gcal` against fake-google serving two years of the
# synthetic person's plan (Asia/Tokyo, weekly series expanded, holiday
# calendar): a full sync with Google's largest pages (2500), the same with
# 100-event pages (many page transactions), an incremental run with no
# change, and one after 200 edits.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
export GCAL_CALENDAR_IDS=primary GCAL_HOLIDAY_CALENDAR_ID="$G_HOLIDAY" DWHBI_TIMEZONE=Asia/Tokyo

for cap in 2500 100; do
	t_migrated_db
	g_start_fake --person 42:2025-01-01:730 --tz Asia/Tokyo --page-cap $cap
	start=$(date +%s%N)
	"$DWHBI" -q sync gcal || exit 1
	echo "full sync, pages of $cap: $(ms "$start") ms, $(t_psql "SELECT rows_written + rows_deleted || ' rows, ' || (detail->'calendars'->0->>'pages') || ' pages' FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1")"
done
start=$(date +%s%N)
"$DWHBI" -q sync gcal || exit 1
echo "incremental, nothing changed: $(ms "$start") ms"
ids=$(t_psql "SELECT data->>'id' FROM raw.google_calendar__events WHERE deleted_at IS NULL AND starts_with(source_id, 'taro.yamada@example.com:') ORDER BY source_id LIMIT 200")
for id in $ids; do
	g_event taro.yamada@example.com "{\"id\": \"$id\", \"description\": \"bench edit\"}"
done
start=$(date +%s%N)
"$DWHBI" -q sync gcal || exit 1
echo "incremental, 200 edits: $(ms "$start") ms, $(t_psql "SELECT rows_written FROM ops.runs WHERE job = 'sync gcal' ORDER BY id DESC LIMIT 1") rows written"
