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
)
select p.hour as time,
       min(p.date) as date,
       p.category,
       c.display_name,
       c.coarse_group,
       c.color,
       c.sort_order,
       trim_scale(round(sum(extract(epoch from p.piece_stop - p.piece_start)) / 60, 6))
           as actual_minutes
from pieces p
join core.categories c on c.category = p.category
group by p.hour, p.category, c.display_name, c.coarse_group, c.color, c.sort_order
order by p.hour, c.sort_order, p.category
