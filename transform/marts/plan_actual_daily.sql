-- marts.plan_actual_daily: plan and actual minutes per category, only on days
-- that have both a plan and actual data (what the analyzer's plan-to-actual
-- flow needs).
-- materialized: table
-- unique_key: date, category
-- incremental: date in (select date from dwhbi_changed_days)
select d.date,
       d.time,
       d.category,
       d.display_name,
       d.coarse_group,
       d.sort_order,
       d.plan_minutes,
       d.actual_minutes,
       d.day_type
from marts.daily_category d
where d.actual_minutes is not null
  and d.date in (select date from core.plan_records)
--incremental: and d.date in (select date from dwhbi_changed_days)
order by d.date, d.sort_order, d.category
