-- The marts agree with each other and with core: per day, the actual
-- minutes of marts.daily_category, marts.hourly_category and
-- core.actual_records are equal, and so are the plan minutes of
-- marts.daily_category and core.plan_records.
with core_actual as (
    select date, sum(seconds) / 60 as minutes from core.actual_records
--incremental: where date in (select date from dwhbi_changed_days)
    group by date
),
core_plan as (
    select date, sum(seconds) / 60 as minutes from core.plan_records
--incremental: where date in (select date from dwhbi_changed_days)
    group by date
),
daily as (
    select date, sum(actual_minutes) as actual, sum(plan_minutes) as plan
    from marts.daily_category
--incremental: where date in (select date from dwhbi_changed_days)
    group by date
),
hourly as (
    select date, sum(actual_minutes) as minutes from marts.hourly_category
--incremental: where date in (select date from dwhbi_changed_days)
    group by date
)
select d.date, d.actual, ca.minutes as core_actual, h.minutes as hourly, d.plan,
       cp.minutes as core_plan
from daily d
left join core_actual ca on ca.date = d.date
left join core_plan cp on cp.date = d.date
left join hourly h on h.date = d.date
where abs(coalesce(d.actual, 0) - coalesce(ca.minutes, 0)) > 0.0001
   or abs(coalesce(h.minutes, 0) - coalesce(ca.minutes, 0)) > 0.0001
   or abs(coalesce(d.plan, 0) - coalesce(cp.minutes, 0)) > 0.0001
