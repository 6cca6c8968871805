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
-- The state this build will record (read before any model is built, so a
-- row committed while the transform runs counts as changed next time).
create temp table dwhbi_new_state on commit drop as
with fp as (
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
)
select fp.fingerprint,
       (select greatest(max(synced_at), max(deleted_at)) from raw.toggl_track__time_entries) as entries_synced_at,
       (select count(*) from raw.toggl_track__time_entries) as entries_rows,
       (select greatest(max(synced_at), max(deleted_at)) from raw.google_calendar__events) as events_synced_at,
       (select count(*) from raw.google_calendar__events) as events_rows
from fp;

-- step: decide
-- One row: why this build must be full, or NULL when the changed days do.
with s as (
    select n.*, o.fingerprint as old_fingerprint,
           o.entries_synced_at as old_entries_synced_at, o.entries_rows as old_entries_rows,
           o.events_synced_at as old_events_synced_at, o.events_rows as old_events_rows,
           o.id is not null as has_state
    from dwhbi_new_state n
    left join ops.transform_state o on true
),
changed_entries as (
    select count(*) as n
    from raw.toggl_track__time_entries r, s
    where r.synced_at >= coalesce(s.old_entries_synced_at, '-infinity')
       or r.deleted_at >= coalesce(s.old_entries_synced_at, '-infinity')
),
changed_events as (
    select count(*) as n,
           count(*) filter (where substring(r.source_id from '^(.*):[^:]*$')
                                  = nullif(current_setting('dwhbi.holiday_calendar_id', true), '')) as holidays
    from raw.google_calendar__events r, s
    where r.synced_at >= coalesce(s.old_events_synced_at, '-infinity')
       or r.deleted_at >= coalesce(s.old_events_synced_at, '-infinity')
)
select case
    when not s.has_state then 'no earlier build to start from'
    when s.fingerprint <> s.old_fingerprint
        then 'the models, time zone, holiday calendar, categories, rules, goals, holidays or Toggl projects, clients or tags changed'
    when s.entries_rows < s.old_entries_rows then 'time entries were removed from raw'
    when s.entries_rows - s.old_entries_rows > ce.n then 'time entries arrived with an earlier synced_at'
    when s.events_rows < s.old_events_rows then 'calendar events were removed from raw'
    when s.events_rows - s.old_events_rows > cv.n then 'calendar events arrived with an earlier synced_at'
    when cv.holidays > 0 then 'the holiday calendar changed'
    end as full_reason
from s, changed_entries ce, changed_events cv;

-- step: start
create temp table dwhbi_changed_days (date date primary key) on commit drop;
create temp table dwhbi_changed_weeks (week_start date primary key) on commit drop;
create temp table dwhbi_changed_months (month date primary key) on commit drop;
create temp table dwhbi_changed_periods (period_start date primary key) on commit drop;
create temp table dwhbi_old_clock on commit drop as select * from core.sync_clock;
create temp table dwhbi_old_calendar on commit drop as select * from core.calendar;

-- Time entries: the raw rows synced (or deleted) since the last build, their
-- new versions (filtered as core.time_entries filters them) and the
-- versions built last time, plus every entry that was running.
create temp table dwhbi_raw_changed_entries on commit drop as
select r.source_id
from raw.toggl_track__time_entries r, ops.transform_state s
where r.synced_at >= coalesce(s.entries_synced_at, '-infinity')
   or r.deleted_at >= coalesce(s.entries_synced_at, '-infinity');

create temp table dwhbi_entry_versions on commit drop as
select e.time_entry_id, coalesce(e.user_id, 0) as user_id, e.start_at,
       case when e.is_running then 'infinity'::timestamptz
            else coalesce(e.stop_at, e.start_at + make_interval(secs => e.duration_seconds)) end as stop_at
from staging.stg_toggl_track__time_entries e, ops.transform_state s
where e.synced_at >= coalesce(s.entries_synced_at, '-infinity')
  and (not exists (select 1 from staging.stg_toggl_track__me)
       or e.user_id in (select user_id from staging.stg_toggl_track__me));
insert into dwhbi_entry_versions
select t.time_entry_id, t.user_id, t.start_at,
       case when t.is_running then 'infinity'::timestamptz else t.stop_at end
from core.time_entries t
where t.time_entry_id in (select source_id::bigint from dwhbi_raw_changed_entries
                          where source_id ~ '^[0-9]{1,18}$')
   or t.is_running;

create temp table dwhbi_changed_entries on commit drop as
select distinct time_entry_id from dwhbi_entry_versions;
alter table dwhbi_changed_entries add primary key (time_entry_id);

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
from raw.google_calendar__events r, ops.transform_state s
where r.synced_at >= coalesce(s.events_synced_at, '-infinity')
   or r.deleted_at >= coalesce(s.events_synced_at, '-infinity');
alter table dwhbi_changed_events add primary key (event_key);

insert into dwhbi_changed_days
select distinct g.day::date
from (
    select c.start_at, c.end_at from core.event_categories c
    where c.event_key in (select event_key from dwhbi_changed_events)
    union all
    select e.start_at, e.end_at from staging.stg_google_calendar__events e, ops.transform_state s
    where e.synced_at >= coalesce(s.events_synced_at, '-infinity')
) ev
cross join lateral generate_series(
    (ev.start_at at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    ((ev.end_at - interval '1 microsecond') at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    interval '1 day') as g(day)
where ev.start_at is not null and ev.end_at > ev.start_at
on conflict do nothing;

-- step: after core.sync_clock
-- Running entries and the time after the last entry end at the clock (and
-- a gap of up to 5 minutes before it extends the last entry).
insert into dwhbi_changed_days
select g.day::date
from dwhbi_old_clock o, core.sync_clock n
cross join lateral generate_series(
    ((least(o.actual_synced_at, n.actual_synced_at) - interval '5 minutes')
         at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    (greatest(o.actual_synced_at, n.actual_synced_at)
         at time zone current_setting('dwhbi.timezone'))::date::timestamp,
    interval '1 day') as g(day)
where o.actual_synced_at is distinct from n.actual_synced_at
  and o.actual_synced_at is not null and n.actual_synced_at is not null
on conflict do nothing;

-- step: after core.calendar
-- Days whose calendar row differs; when days were added or removed, every
-- day of their weeks and months (goal spreads, weekly and monthly marts).
create temp table dwhbi_calendar_diff on commit drop as
select coalesce(n.date, o.date) as date, (n.date is null or o.date is null) as added_or_removed
from core.calendar n
full join dwhbi_old_calendar o on o.date = n.date
where n is distinct from o;
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
analyze dwhbi_changed_days;

-- step: finish
insert into ops.transform_state as s (id, built_at, full_built_at, fingerprint,
                                      entries_synced_at, entries_rows, events_synced_at, events_rows)
select true, now(), now(),
       n.fingerprint, n.entries_synced_at, n.entries_rows, n.events_synced_at, n.events_rows
from dwhbi_new_state n
on conflict (id) do update
set built_at = excluded.built_at,
    full_built_at = case when current_setting('dwhbi.full_build') = 'on'
                         then excluded.full_built_at else s.full_built_at end,
    fingerprint = excluded.fingerprint,
    entries_synced_at = excluded.entries_synced_at,
    entries_rows = excluded.entries_rows,
    events_synced_at = excluded.events_synced_at,
    events_rows = excluded.events_rows;
