-- marts.hourly_category: actual minutes per clock hour and category (only
-- hours and categories with time), so Grafana can roll the timeline up to
-- any bucket with $__timeGroup and still add up exactly.  Hours are UTC
-- hours, which are local clock hours in every zone with a whole-hour offset.
-- date is the local day of the hour.
-- materialized: table
-- unique_key: time, category
-- index: date
-- incremental: date in (select date from dwhbi_changed_days)
with pieces as (
    select a.category, a.date, h.hour,
           greatest(a.start_at, h.hour) as piece_start,
           least(a.stop_at, h.hour + interval '1 hour') as piece_stop
    from core.actual_records a
    cross join lateral generate_series(
        date_trunc('hour', a.start_at at time zone 'UTC') at time zone 'UTC',
        a.stop_at - interval '1 microsecond',
        interval '1 hour') as h(hour)
--incremental: where a.date in (select date from dwhbi_changed_days union select date + 1 from dwhbi_changed_days)
),
-- Summed per (hour, category) as intervals (exact microseconds, like the
-- numeric seconds they replace), the category's columns joined afterwards.
hours as (
    select p.hour, p.category, min(p.date) as date,
           sum(p.piece_stop - p.piece_start) as length
    from pieces p
    group by p.hour, p.category
)
select h.hour as time,
       h.date,
       h.category,
       c.display_name,
       c.coarse_group,
       c.color,
       c.sort_order,
       trim_scale(round(extract(epoch from h.length) / 60, 6)) as actual_minutes
from hours h
join core.categories c on c.category = h.category
order by h.hour, c.sort_order, h.category
