-- marts.plan_adherence: per day with actual data, how much of the plan was
-- followed: adhered_minutes are the minutes where the actual category equals
-- the planned category at the same instant; adherence = adhered / planned
-- (NULL on a day without plan).
-- materialized: table
-- unique_key: date
-- incremental: date in (select date from dwhbi_changed_days)
with planned as (
    select date, sum(seconds) as seconds
    from core.plan_records
--incremental: where date in (select date from dwhbi_changed_days)
    group by date
),
adhered as (
    select p.date,
           sum(extract(epoch from least(a.stop_at, p.stop_at)
                                - greatest(a.start_at, p.start_at))) as seconds
    from core.plan_records p
    join core.actual_records a
      on a.date = p.date
     and a.category = p.category
     and a.start_at < p.stop_at
     and p.start_at < a.stop_at
--incremental: where p.date in (select date from dwhbi_changed_days)
    group by p.date
)
select d.date,
       d.day_start as time,
       coalesce(trim_scale(round(pl.seconds / 60, 6)), 0) as planned_minutes,
       coalesce(trim_scale(round(ad.seconds / 60, 6)), 0) as adhered_minutes,
       case when pl.seconds > 0
            then trim_scale(round(coalesce(ad.seconds, 0) / pl.seconds, 6)) end as adherence,
       d.day_type,
       d.complete
from core.days d
left join planned pl on pl.date = d.date
left join adhered ad on ad.date = d.date
where d.has_actual
--incremental: and d.date in (select date from dwhbi_changed_days)
order by d.date
