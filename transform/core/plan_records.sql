-- core.plan_records: the plan as a timeline, split at local midnight.
-- Source: live, non-cancelled, timed events of every calendar except the
-- holiday calendar (dwhbi.holiday_calendar_id); all-day events only mark
-- days (core.days) and never count minutes.  Where events overlap, the one
-- that started last holds the instant (a meeting inside a work block takes
-- its hour from the block), so a day's plan never exceeds the day.
-- materialized: table
-- unique_key: start_at
-- index: date
-- incremental: date in (select date from dwhbi_changed_days)
with settings as (
    select current_setting('dwhbi.timezone') as tz,
           nullif(current_setting('dwhbi.holiday_calendar_id', true), '') as holiday_calendar_id
),
events as (
    select e.event_key, e.calendar_id, e.summary, e.start_at, e.end_at, e.category
    from core.event_categories e
    cross join settings s
    where e.status <> 'cancelled'
      and not e.is_all_day
      and e.start_at is not null
      and e.end_at > e.start_at
      and e.calendar_id is distinct from s.holiday_calendar_id
--incremental: and e.end_at > (select (min(date) - 1)::timestamp at time zone current_setting('dwhbi.timezone') from dwhbi_changed_days)
--incremental: and e.start_at < (select (max(date) + 2)::timestamp at time zone current_setting('dwhbi.timezone') from dwhbi_changed_days)
),
pieces as (
    select ev.*,
           d.day::date as date,
           greatest(ev.start_at, d.day::date::timestamp at time zone s.tz) as piece_start,
           least(ev.end_at, (d.day::date + 1)::timestamp at time zone s.tz) as piece_stop
    from events ev
    cross join settings s
    cross join lateral generate_series(
        (ev.start_at at time zone s.tz)::date::timestamp,
        ((ev.end_at - interval '1 microsecond') at time zone s.tz)::date::timestamp,
        interval '1 day') as d(day)
--incremental: where d.day::date in (select date from dwhbi_changed_days)
),
bounds as (
    select date, piece_start as at from pieces
    union
    select date, piece_stop from pieces
),
segments as (
    select date, at as seg_start, lead(at) over (partition by date order by at) as seg_stop
    from bounds
),
owners as (
    select distinct on (sg.date, sg.seg_start)
           sg.date, sg.seg_start, sg.seg_stop, p.event_key, p.calendar_id, p.summary, p.category
    from segments sg
    join pieces p on p.date = sg.date
                 and p.piece_start <= sg.seg_start
                 and p.piece_stop >= sg.seg_stop
    where sg.seg_stop is not null
    order by sg.date, sg.seg_start, p.start_at desc, p.event_key
)
select o.date,
       o.seg_start as start_at,
       o.seg_stop as stop_at,
       extract(epoch from o.seg_stop - o.seg_start) as seconds,
       trim_scale(round(extract(epoch from o.seg_stop - o.seg_start) / 60, 6)) as minutes,
       o.category,
       o.event_key,
       o.calendar_id,
       o.summary
from owners o
