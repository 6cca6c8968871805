-- transform/changes.sql: what changed since the last committed transform
-- (ops.transform_state), as the set of local days whose rows of core and
-- marts must be rebuilt.  The runner (transform/runner.c) runs each step in
-- the transform's transaction: "state" and "decide" on every build, the
-- others only on an incremental one, "after <model>" right after that model
-- is built.  Steps take no parameters: they read dwhbi.timezone,
-- dwhbi.holiday_calendar_id and dwhbi.models_md5 (set by the runner).
--
-- What the incremental models read (their `-- incremental:` condition and
-- their `--incremental:` lines):
--   dwhbi_changed_days(date)              local days to rebuild
--   dwhbi_changed_weeks(week_start), dwhbi_changed_months(month),
--   dwhbi_changed_periods(period_start)   their weeks, months, and both
--   dwhbi_changed_period_days(date)       every day of those periods
--   dwhbi_changed_entries(time_entry_id)  entries to re-read from staging
--   dwhbi_changed_events(event_key)       events to re-categorize
--
-- Why a changed entry changes more than its own days: an entry's records
-- depend on the next entry's start (overlaps are cut, short gaps extended,
-- long gaps become Untracked), so every version of a changed entry (the
-- one built last time and the one in raw now) marks the days from the start
-- of the entry before it to the start of the entry after it.  A running
-- entry and the time after the last entry end at the sync clock: when it
-- moves, the days between the two clocks change.  Calendar rows that differ
-- (a new horizon, has_actual, complete) add their days, and their weeks and
-- months when days were added or removed (weekly and monthly goals are
-- spread over the days of the period).

-- step: state
-- The state this build will record, read before any model is built: the
-- newest synced_at, or just before the start of any other open transaction
-- (a sync that commits later stamps its rows with its start), and how many
-- rows carry that synced_at.  Next time the rows synced after it count as
-- changed, and the rows synced at it as well when more of them carry it
-- than this build saw (rows written late with an old synced_at).
create temp table dwhbi_new_state on commit drop as
with open_xact as (
    select min(xact_start) - interval '1 microsecond' as before
    from pg_stat_activity
    where pid <> pg_backend_pid() and xact_start is not null and datname = current_database()
),
fp as (
    select md5(concat_ws('|',
        current_setting('dwhbi.models_md5'),
        current_setting('dwhbi.timezone'),
        current_setting('dwhbi.holiday_calendar_id', true),
        (select md5(coalesce(string_agg(t::text, ';' order by t::text), '')) from ref.categories t),
        (select md5(coalesce(string_agg(t::text, ';' order by t::text), '')) from ref.category_rules t),
        (select md5(coalesce(string_agg(t::text, ';' order by t::text), '')) from ref.goals t),
        (select md5(coalesce(string_agg(t::text, ';' order by t::text), '')) from ref.holidays t),
        (select md5(coalesce(string_agg(concat_ws(',', t.source_id, extract(epoch from t.synced_at),
                                                 extract(epoch from t.deleted_at), md5(t.data::text)),
                                       ';' order by t.source_id), ''))
         from (select * from raw.toggl_track__me
               union all select * from raw.toggl_track__workspaces
               union all select * from raw.toggl_track__projects
               union all select * from raw.toggl_track__clients
               union all select * from raw.toggl_track__tags
               union all select * from raw.google_calendar__calendar_list
               union all select * from raw.google_calendar__colors) t)
    )) as fingerprint
),
marks as (
    select least((select max(synced_at) from raw.toggl_track__time_entries), o.before) as entries_synced_at,
           least((select max(synced_at) from raw.google_calendar__events), o.before) as events_synced_at
    from open_xact o
)
select fp.fingerprint, m.entries_synced_at, m.events_synced_at,
       (select count(*) from raw.toggl_track__time_entries r where r.synced_at = m.entries_synced_at)
           as entries_at_mark,
       (select count(*) from raw.google_calendar__events r where r.synced_at = m.events_synced_at)
           as events_at_mark
from fp, marks m;
-- The first synced_at that counts as changed, as a setting: a constant to
-- the planner, so the synced_at indexes find the changed rows.
select set_config('dwhbi.entries_since', coalesce(
           case when (select count(*) from raw.toggl_track__time_entries r
                      where r.synced_at = s.entries_synced_at) <= s.entries_at_mark
                then s.entries_synced_at + interval '1 microsecond'
                else s.entries_synced_at end, '-infinity')::text, true),
       set_config('dwhbi.events_since', coalesce(
           case when (select count(*) from raw.google_calendar__events r
                      where r.synced_at = s.events_synced_at) <= s.events_at_mark
                then s.events_synced_at + interval '1 microsecond'
                else s.events_synced_at end, '-infinity')::text, true)
from (select 1) one
left join ops.transform_state s on true;

-- step: decide
-- One row: why this build must be full, or NULL when the changed days do.
-- (A DELETE or TRUNCATE of raw time entries or events clears
-- ops.transform_state: see sql/0126.)
select case
    when o.id is null then 'no earlier build to start from'
    when n.fingerprint <> o.fingerprint
        then 'the models, time zone, holiday calendar, categories, rules, goals, holidays or Toggl projects, clients or tags changed'
    when exists (select 1 from raw.google_calendar__events r
                 where (r.synced_at >= current_setting('dwhbi.events_since')::timestamptz
                        or r.deleted_at >= current_setting('dwhbi.events_since')::timestamptz)
                   and substring(r.source_id from '^(.*):[^:]*$')
                       = nullif(current_setting('dwhbi.holiday_calendar_id', true), ''))
        then 'the holiday calendar changed'
    end as full_reason
from dwhbi_new_state n
left join ops.transform_state o on true;

-- step: start
create temp table dwhbi_changed_days (date date primary key) on commit drop;
create temp table dwhbi_changed_weeks (week_start date primary key) on commit drop;
create temp table dwhbi_changed_months (month date primary key) on commit drop;
create temp table dwhbi_changed_periods (period_start date primary key) on commit drop;
create temp table dwhbi_old_clock on commit drop as select * from core.sync_clock;

-- Time entries: the raw rows synced (or deleted) since the last build, their
-- new versions (filtered as core.time_entries filters them) and the
-- versions built last time (running entries whose raw row did not change
-- follow the clock: see the step after core.sync_clock).
create temp table dwhbi_raw_changed_entries on commit drop as
select r.source_id
from raw.toggl_track__time_entries r
where r.synced_at >= current_setting('dwhbi.entries_since')::timestamptz
   or r.deleted_at >= current_setting('dwhbi.entries_since')::timestamptz;

create temp table dwhbi_entry_versions on commit drop as
select e.time_entry_id, coalesce(e.user_id, 0) as user_id, e.start_at,
       case when e.is_running then 'infinity'::timestamptz
            else coalesce(e.stop_at, e.start_at + make_interval(secs => e.duration_seconds)) end as stop_at
from staging.stg_toggl_track__time_entries e
where e.synced_at >= current_setting('dwhbi.entries_since')::timestamptz
  and (not exists (select 1 from staging.stg_toggl_track__me)
       or e.user_id in (select user_id from staging.stg_toggl_track__me));
insert into dwhbi_entry_versions
select t.time_entry_id, t.user_id, t.start_at,
       case when t.is_running then 'infinity'::timestamptz else t.stop_at end
from core.time_entries t
where t.time_entry_id in (select source_id::bigint from dwhbi_raw_changed_entries
                          where source_id ~ '^[0-9]{1,18}$');

-- with the raw row's synced_at: core.time_entries reads the live rows synced
-- since the oldest of them (through the index) rather than all of raw
create temp table dwhbi_changed_entries on commit drop as
select v.time_entry_id,
       coalesce((select r.synced_at from raw.toggl_track__time_entries r
                 where r.source_id = v.time_entry_id::text), '-infinity') as synced_at
from (select distinct time_entry_id from dwhbi_entry_versions) v;
alter table dwhbi_changed_entries add primary key (time_entry_id);
analyze dwhbi_entry_versions;
analyze dwhbi_changed_entries;

-- the days from the entry before each version to the entry after it
insert into dwhbi_changed_days
select distinct g.day::date
from (
    select v.start_at, v.stop_at,
           greatest((select max(t.start_at) from core.time_entries t
                     where t.user_id = v.user_id and t.start_at < v.start_at and t.stop_at > t.start_at),
                    (select max(w.start_at) from dwhbi_entry_versions w
                     where w.user_id = v.user_id and w.start_at < v.start_at and w.stop_at > w.start_at))
               as prev_start,
           least((select min(t.start_at) from core.time_entries t
                  where t.user_id = v.user_id and t.start_at > v.start_at and t.stop_at > t.start_at),
                 (select min(w.start_at) from dwhbi_entry_versions w
                  where w.user_id = v.user_id and w.start_at > v.start_at and w.stop_at > w.start_at))
               as next_start
    from dwhbi_entry_versions v
    where v.stop_at > v.start_at
) x
cross join lateral generate_series(
    (coalesce(x.prev_start, x.start_at) at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    (coalesce(x.next_start,
              case when x.stop_at = 'infinity'
                   then greatest(x.start_at, (select actual_synced_at from dwhbi_old_clock))
                   else x.stop_at end)
         at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    interval '1 day') as g(day)
on conflict do nothing;

-- Calendar events: the versions built last time (core.event_categories
-- keeps their times) and the new ones mark their local days.
create temp table dwhbi_changed_events on commit drop as
select r.source_id as event_key
from raw.google_calendar__events r
where r.synced_at >= current_setting('dwhbi.events_since')::timestamptz
   or r.deleted_at >= current_setting('dwhbi.events_since')::timestamptz;
alter table dwhbi_changed_events add primary key (event_key);
analyze dwhbi_changed_events;

insert into dwhbi_changed_days
select distinct g.day::date
from (
    select c.start_at, c.end_at from core.event_categories c
    where c.event_key in (select event_key from dwhbi_changed_events)
    union all
    select e.start_at, e.end_at from staging.stg_google_calendar__events e
    where e.synced_at >= current_setting('dwhbi.events_since')::timestamptz
) ev
cross join lateral generate_series(
    (ev.start_at at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    ((ev.end_at - interval '1 microsecond') at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    interval '1 day') as g(day)
where ev.start_at is not null and ev.end_at > ev.start_at
on conflict do nothing;
analyze dwhbi_changed_days;

-- step: after core.time_entries
-- The entries core.actual_records reads: for each changed day and user the
-- entries that start on it, the last one before it and the first one after
-- it (what the next-start rules need); the user's first entry is first here
-- too whenever its day is a changed day.
create temp table dwhbi_actual_entries (time_entry_id bigint primary key) on commit drop;
with recursive users as (
    select min(user_id) as user_id from core.time_entries
    union all
    select (select min(t.user_id) from core.time_entries t where t.user_id > u.user_id)
    from users u where u.user_id is not null
),
windows as (
    select u.user_id,
           d.date::timestamp at time zone current_setting('dwhbi.timezone') as day_start,
           (d.date + 1)::timestamp at time zone current_setting('dwhbi.timezone') as day_end
    from users u cross join dwhbi_changed_days d
    where u.user_id is not null
)
insert into dwhbi_actual_entries
select distinct e.time_entry_id
from windows w
cross join lateral (
    select t.time_entry_id from core.time_entries t
    where t.user_id = w.user_id and t.start_at >= w.day_start and t.start_at < w.day_end
    union all
    (select t.time_entry_id from core.time_entries t
     where t.user_id = w.user_id and t.start_at < w.day_start and t.stop_at > t.start_at
     order by t.start_at desc, t.time_entry_id desc limit 1)
    union all
    (select t.time_entry_id from core.time_entries t
     where t.user_id = w.user_id and t.start_at >= w.day_end and t.stop_at > t.start_at
     order by t.start_at, t.time_entry_id limit 1)
) e;
analyze dwhbi_actual_entries;

-- step: after core.sync_clock
-- Running entries and the time after the last entry end at the clock (and
-- a gap of up to 5 minutes before it extends the last entry): the record
-- that ends there changes on every day it covers (its record_stop_at), from
-- the start of each user's last entry.
insert into dwhbi_changed_days
select g.day::date
from dwhbi_old_clock o, core.sync_clock n,
     (with recursive users as (
          select min(user_id) as user_id from core.time_entries
          union all
          select (select min(t.user_id) from core.time_entries t where t.user_id > u.user_id)
          from users u where u.user_id is not null
      )
      select min((select max(t.start_at) from core.time_entries t
                  where t.user_id = u.user_id and t.stop_at > t.start_at)) as start_at
      from users u where u.user_id is not null) l
cross join lateral generate_series(
    (least(l.start_at, least(o.actual_synced_at, n.actual_synced_at) - interval '5 minutes')
         at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    (greatest(o.actual_synced_at, n.actual_synced_at)
         at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    interval '1 day') as g(day)
where o.actual_synced_at is distinct from n.actual_synced_at
  and o.actual_synced_at is not null and n.actual_synced_at is not null
on conflict do nothing;
analyze dwhbi_changed_days;
-- and a running entry ends at the new clock
insert into dwhbi_changed_entries
select t.time_entry_id,
       coalesce((select r.synced_at from raw.toggl_track__time_entries r
                 where r.source_id = t.time_entry_id::text), '-infinity')
from core.time_entries t, dwhbi_old_clock o, core.sync_clock n
where t.is_running and o.actual_synced_at is distinct from n.actual_synced_at
on conflict do nothing;
analyze dwhbi_changed_entries;

-- step: after core.calendar
-- Days whose calendar row differs; when days were added or removed, every
-- day of their weeks and months (goal spreads, weekly and monthly marts).
-- (dwhbi_merged_calendar: the keys the merge refill deleted and inserted)
create temp table dwhbi_calendar_diff on commit drop as
select date, count(*) = 1 as added_or_removed
from dwhbi_merged_calendar
group by date;
insert into dwhbi_changed_days
select date from dwhbi_calendar_diff
on conflict do nothing;
insert into dwhbi_changed_days
select c.date
from core.calendar c
where c.week_start in (select date_trunc('week', date)::date from dwhbi_calendar_diff where added_or_removed)
   or c.month in (select date_trunc('month', date)::date from dwhbi_calendar_diff where added_or_removed)
on conflict do nothing;
-- In a zone whose midnight is not on a whole UTC hour, an hour of
-- marts.hourly_category can hold two local days: it carries the first.
insert into dwhbi_changed_days
select d.date - 1
from dwhbi_changed_days d
where extract(epoch from d.date::timestamp at time zone current_setting('dwhbi.timezone'))::bigint % 3600 <> 0
on conflict do nothing;
insert into dwhbi_changed_weeks
select distinct date_trunc('week', date)::date from dwhbi_changed_days;
insert into dwhbi_changed_months
select distinct date_trunc('month', date)::date from dwhbi_changed_days;
insert into dwhbi_changed_periods
select date from dwhbi_changed_days
union select week_start from dwhbi_changed_weeks
union select month from dwhbi_changed_months;
-- every day of a changed day, week or month (marts.goal_achievement)
create temp table dwhbi_changed_period_days (date date primary key) on commit drop;
insert into dwhbi_changed_period_days
select c.date from core.calendar c
where c.date in (select period_start from dwhbi_changed_periods)
   or c.week_start in (select week_start from dwhbi_changed_weeks)
   or c.month in (select month from dwhbi_changed_months);
analyze dwhbi_changed_period_days;
analyze dwhbi_changed_days;
analyze dwhbi_changed_weeks;
analyze dwhbi_changed_months;
analyze dwhbi_changed_periods;

-- step: finish
insert into ops.transform_state as s (id, built_at, full_built_at, fingerprint,
                                      entries_synced_at, entries_at_mark,
                                      events_synced_at, events_at_mark)
select true, now(), now(), n.fingerprint, n.entries_synced_at, n.entries_at_mark,
       n.events_synced_at, n.events_at_mark
from dwhbi_new_state n
on conflict (id) do update
set built_at = excluded.built_at,
    full_built_at = case when current_setting('dwhbi.full_build') = 'on'
                         then excluded.full_built_at else s.full_built_at end,
    fingerprint = excluded.fingerprint,
    entries_synced_at = excluded.entries_synced_at,
    entries_at_mark = excluded.entries_at_mark,
    events_synced_at = excluded.events_synced_at,
    events_at_mark = excluded.events_at_mark;
