-- core.actual_records: the person's actual time as a gap-free timeline per
-- Toggl user, split at local midnight (dwhbi.timezone).  Rules (docs/architecture.md):
--   * an entry is [start, stop); a running entry ends at the last sync of
--     time entries (core.time_entries) and is flagged is_running;
--   * an overlap is cut at the next entry's start;
--   * a gap of at most 5 minutes extends the previous record;
--   * a longer gap becomes an 'Untracked' record, and so does the time from
--     local midnight of the first tracked day to the first entry and from
--     the last entry to the sync time — so every local day sums to its
--     length (1440 minutes, 1380/1500 on DST days) once tracking started.
-- minutes = seconds / 60; seconds are exact (microsecond resolution).
-- materialized: table
-- unique_key: user_id, start_at
-- index: date
-- incremental: date in (select date from dwhbi_changed_days)
with settings as (
    select current_setting('dwhbi.timezone') as tz,
           (select actual_synced_at from core.sync_clock) as synced_at
),
entries as (
    select time_entry_id, user_id, project_id, description, start_at, stop_at, is_running
    from core.time_entries
--incremental: where time_entry_id in (select time_entry_id from dwhbi_actual_entries)
),
ordered as (
    select v.*,
           coalesce(lead(v.start_at) over w,
                    greatest(s.synced_at, v.stop_at)) as bound,
           row_number() over w as n
    from entries v
    cross join settings s
    where v.stop_at > v.start_at
    window w as (partition by v.user_id order by v.start_at, v.time_entry_id)
),
ruled as (
    select o.*,
           case when o.bound <= o.stop_at then o.bound                       -- overlap: cut
                when o.bound - o.stop_at <= interval '5 minutes' then o.bound -- short gap: extend
                else o.stop_at end as eff_stop
    from ordered o
),
records as (
    select r.user_id, r.time_entry_id, r.project_id, r.description,
           r.is_running, false as is_untracked,
           r.start_at, r.eff_stop as stop_at
    from ruled r
    where r.eff_stop > r.start_at
    union all
    -- a long gap after an entry
    select r.user_id, null, null, null, false, true, r.stop_at, r.bound
    from ruled r
    where r.bound - r.stop_at > interval '5 minutes'
    union all
    -- from local midnight of the first tracked day to the first entry
    select r.user_id, null, null, null, false, true,
           ((r.start_at at time zone s.tz)::date)::timestamp at time zone s.tz,
           r.start_at
    from ruled r
    cross join settings s
    where r.n = 1
      and r.start_at > ((r.start_at at time zone s.tz)::date)::timestamp at time zone s.tz
),
bounded as (
    select rec.*,
           (rec.start_at at time zone s.tz)::date as first_date,
           ((rec.stop_at - interval '1 microsecond') at time zone s.tz)::date as last_date
    from records rec
    cross join settings s
),
pieces as (
    -- most records stay inside one local day: no series needed
    select b.*, b.first_date as date, b.start_at as piece_start, b.stop_at as piece_stop
    from bounded b
    where b.first_date = b.last_date
--incremental: and b.first_date in (select date from dwhbi_changed_days)
    union all
    select b.*,
           d.day::date,
           greatest(b.start_at, d.day::date::timestamp at time zone s.tz),
           least(b.stop_at, (d.day::date + 1)::timestamp at time zone s.tz)
    from bounded b
    cross join settings s
    cross join lateral generate_series(b.first_date::timestamp, b.last_date::timestamp,
                                       interval '1 day') as d(day)
    where b.first_date < b.last_date
--incremental: and exists (select 1 from dwhbi_changed_days c where c.date between b.first_date and b.last_date)
)
select p.date,
       p.user_id,
       p.piece_start as start_at,
       p.piece_stop as stop_at,
       extract(epoch from p.piece_stop - p.piece_start) as seconds,
       trim_scale(round(extract(epoch from p.piece_stop - p.piece_start) / 60, 6)) as minutes,
       case when p.is_untracked then 'Untracked'
            else coalesce(c.category, 'Uncategorized') end as category,
       p.time_entry_id,
       p.project_id,
       pr.project_name,
       p.description,
       p.is_running,
       p.is_untracked,
       p.start_at as record_start_at,
       p.stop_at as record_stop_at
from pieces p
left join core.entry_categories c on c.time_entry_id = p.time_entry_id
left join core.projects pr on pr.project_id = p.project_id
where p.piece_stop > p.piece_start
