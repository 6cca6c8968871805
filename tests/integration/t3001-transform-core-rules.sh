#!/usr/bin/env bash
# t3001: the core rules of docs/architecture.md on one hand-computed day in Asia/Tokyo
# (tests/fixtures/transform/tokyo-day.sql explains every entry and event).
# Expected minutes on 2026-03-10, worked out by hand:
#   Sleep    540 = 00:00-07:00 (E1, split at midnight) + 22:00-24:00 (E10, running)
#   Meals    124 =  07:00-07:34 (E2 30 min + the 4-minute gap it absorbs)
#                 + 11:30-13:00 (E5)
#   Commute   86 =  07:34-09:00 (E3; the 6-minute gap after it is not absorbed)
#   Untracked  6 =  09:00-09:06
#   Work     384 =  09:06-11:30 (E4 cut at E5's start: 144) + 14:00-18:00 (E7: 240)
#   Uncategorized 60 = 13:00-14:00 (E6, no project, no rule)
#   Exercise  60 = 18:00-19:00 (E8 by its tag)
#   Reading  180 = 19:00-22:00 (E9; E11 is deleted, E12 is another user's)
#   sum     1440
# Plan: Commute 90 (summary rule), Work 180 (summary = Toggl project name),
# Meals 60 (color 5), Uncategorized 60 (歯医者); the cancelled 会議, the
# all-day 在宅 and the deleted event count nothing.  Adherence: Commute 86 +
# Work 144 + Meals 60 + Uncategorized 60 = 350 of 390 planned minutes.
. "$SRCDIR/tests/lib.sh"
t_migrated_db
export DWHBI_TIMEZONE=Asia/Tokyo
export GCAL_HOLIDAY_CALENDAR_ID='ja.japanese#holiday@group.v.calendar.google.com'
FIX="$SRCDIR/tests/fixtures/transform"
psql -X -q -v ON_ERROR_STOP=1 -f "$FIX/tokyo-day.sql" >/dev/null ||
	{ echo "cannot load the fixture" >&2; exit 1; }

t_ok "seed loads the categories, rules and the holiday calendar" '
	"$DWHBI" -q seed --config "$FIX/config" > "$T_TMP/seed.out"; cat "$T_TMP/seed.out"
	grep -q "1 holidays" "$T_TMP/seed.out"'
t_ok "transform --test builds every model and passes the data tests" '
	"$DWHBI" -q transform --test'

actual() { t_psql "SELECT actual_minutes FROM marts.daily_category WHERE date = '$1' AND category = '$2'"; }
plan() { t_psql "SELECT plan_minutes FROM marts.daily_category WHERE date = '$1' AND category = '$2'"; }

t_eq "midnight split + running entry: Sleep 540 on 03-10" 540 "$(actual 2026-03-10 Sleep)"
t_eq "a 4-minute gap extends the previous record: Meals 124" 124 "$(actual 2026-03-10 Meals)"
t_eq "Commute 86" 86 "$(actual 2026-03-10 Commute)"
t_eq "a 6-minute gap becomes Untracked" 6 "$(actual 2026-03-10 Untracked)"
t_eq "an overlap is cut at the next start: Work 384" 384 "$(actual 2026-03-10 Work)"
t_eq "no project, no rule: Uncategorized 60" 60 "$(actual 2026-03-10 Uncategorized)"
t_eq "a tag rule: Exercise 60" 60 "$(actual 2026-03-10 Exercise)"
t_eq "deleted entries and other users do not count: Reading 180" 180 "$(actual 2026-03-10 Reading)"
t_eq "the tracked day sums to 1440" 1440 \
	"$(t_psql "SELECT sum(actual_minutes) FROM marts.daily_category WHERE date = '2026-03-10'")"
t_eq "the first day starts Untracked at local midnight (1380 + Sleep 60)" "1380|60" \
	"$(actual 2026-03-09 Untracked)|$(actual 2026-03-09 Sleep)"
t_eq "the running entry ends at the last sync (08:00 +09:00) and is flagged" \
	"2026-03-11 08:00:00+09|t" \
	"$(t_psql "SET TIME ZONE 'Asia/Tokyo'; SELECT max(stop_at), bool_or(is_running) FROM core.actual_records WHERE time_entry_id = 4000000010 AND date = '2026-03-11'")"
t_eq "the absorbed gap: E2's record ends at 07:34" "2026-03-10 07:34:00+09" \
	"$(t_psql "SET TIME ZONE 'Asia/Tokyo'; SELECT stop_at FROM core.actual_records WHERE time_entry_id = 4000000002")"
t_eq "the day after the sync is incomplete (480 Sleep so far)" "480|f" \
	"$(t_psql "SELECT actual_minutes, complete FROM marts.daily_category WHERE date = '2026-03-11' AND category = 'Sleep'")"

t_eq "plan by summary rule: Commute 90" 90 "$(plan 2026-03-10 Commute)"
t_eq "plan by summary = Toggl project name: Work 180" 180 "$(plan 2026-03-10 Work)"
t_eq "plan by color: Meals 60" 60 "$(plan 2026-03-10 Meals)"
t_eq "unmatched event: Uncategorized 60" 60 "$(plan 2026-03-10 Uncategorized)"
t_eq "cancelled, all-day and deleted events count nothing" 390 \
	"$(t_psql "SELECT sum(plan_minutes) FROM marts.daily_category WHERE date = '2026-03-10'")"
t_eq "plan adherence 350 of 390" "390|350|0.897436" \
	"$(t_psql "SELECT planned_minutes, adhered_minutes, adherence FROM marts.plan_adherence WHERE date = '2026-03-10'")"
t_eq "the all-day holiday makes 03-11 a holiday" "holiday|振替休日|weekday" \
	"$(t_psql "SELECT d.day_type, d.holiday_name, (SELECT day_type FROM core.days WHERE date = '2026-03-10') FROM core.days d WHERE date = '2026-03-11'")"
t_eq "ref.holidays was seeded from the holiday calendar" "2026-03-11|振替休日" \
	"$(t_psql "SELECT date, name FROM ref.holidays")"
# The range runs to the end of the month 14 days after the last sync
# (2026-03-10): 2026-03-09 .. 2026-03-31, the analyzer's horizon.
t_eq "every mart row of a day has every category" "23|207" \
	"$(t_psql "SELECT count(DISTINCT date), count(*) FROM marts.daily_category")"
t_eq "plan_actual_daily keeps only days with a plan" "2026-03-10|9" \
	"$(t_psql "SELECT min(date), count(*) FROM marts.plan_actual_daily")"
t_eq "weekly rollup of Work" "384|180|7" \
	"$(t_psql "SELECT actual_minutes, plan_minutes, days FROM marts.weekly_category WHERE week_start = '2026-03-09' AND category = 'Work'")"
t_eq "monthly rollup of Untracked" "1386" \
	"$(t_psql "SELECT actual_minutes FROM marts.monthly_category WHERE month = '2026-03-01' AND category = 'Untracked'")"
t_eq "freshness of time entries: 11 live, 1 deleted, synced 08:00 +09:00" \
	"11|1|2026-03-10 23:00:00+00" \
	"$(t_psql "SET TIME ZONE 'UTC'; SELECT row_count, deleted_count, last_synced_at FROM marts.source_freshness WHERE source = 'toggl_track.time_entries'")"

# Goals: a daily 'more', a daily 'less' for weekdays, a weekly goal.
cat > "$T_TMP/goals.csv" <<'CSV'
category,day_type,period,minutes,direction,valid_from,valid_to
Work,weekday,day,360,more,2026-01-01,
Sleep,any,day,480,more,2026-01-01,
Reading,any,week,140,less,2026-01-01,
CSV
t_ok "goals import" '"$DWHBI" -q goals import "$T_TMP/goals.csv"'
t_ok "transform again" '"$DWHBI" -q transform --test'
t_eq "daily goal achievement: Work 384 of 360 more" "384|360|1.066667|t|t" \
	"$(t_psql "SELECT actual_minutes, goal_minutes, achievement_rate, met, complete FROM marts.goal_achievement g WHERE period = 'day' AND period_start = '2026-03-10' AND category = 'Work'")"
t_eq "a weekday goal does not apply on the holiday" "" \
	"$(t_psql "SELECT goal_minutes FROM marts.daily_category WHERE date = '2026-03-11' AND category = 'Work'")"
t_eq "Sleep 60 of 480 on the first day is not met" "f" \
	"$(t_psql "SELECT met FROM marts.goal_achievement WHERE period = 'day' AND period_start = '2026-03-09' AND category = 'Sleep'")"
t_eq "weekly 'less' goal: Reading 180 > 140, not met, week not over" "180|f|f" \
	"$(t_psql "SELECT actual_minutes, met, complete FROM marts.goal_achievement WHERE period = 'week' AND category = 'Reading'")"
t_eq "a weekly goal's daily equivalent is goal / 7" "20" \
	"$(t_psql "SELECT goal_minutes FROM marts.daily_category WHERE date = '2026-03-10' AND category = 'Reading'")"
t_done
