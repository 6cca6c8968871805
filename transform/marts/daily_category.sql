-- marts.daily_category: minutes per local day and category — actual, plan
-- and goal side by side (docs/contracts.md).  Estimates are not here: the
-- analyzer reads this mart, so its output joins it in
-- analytics.latest_estimates instead of flowing back in.  Every
-- category appears on every day of the data range (zeros filled).
-- actual_minutes is NULL on days after the last sync (nothing is known yet:
-- those days exist for their plan); complete says the day had
-- ended by the last sync.
-- materialized: table
-- unique_key: date, category
-- incremental: date in (select date from dwhbi_changed_days)
with actual as (
    select date, category, sum(seconds) as seconds
    from core.actual_records
--incremental: where date in (select date from dwhbi_changed_days)
    group by date, category
),
plan as (
    select date, category, sum(seconds) as seconds
    from core.plan_records
--incremental: where date in (select date from dwhbi_changed_days)
    group by date, category
)
select d.date,
       d.day_start as time,
       c.category,
       c.display_name,
       c.coarse_group,
       c.color,
       c.sort_order,
       d.day_type,
       case when d.has_actual
            then coalesce(trim_scale(round(a.seconds / 60, 6)), 0) end as actual_minutes,
       coalesce(trim_scale(round(p.seconds / 60, 6)), 0) as plan_minutes,
       g.goal_minutes,
       g.direction as goal_direction,
       g.goal_id,
       g.period as goal_period,
       d.holiday_name,
       d.complete
from core.days d
cross join core.categories c
left join actual a on a.date = d.date and a.category = c.category
left join plan p on p.date = d.date and p.category = c.category
left join core.daily_goals g on g.date = d.date and g.category = c.category
--incremental: where d.date in (select date from dwhbi_changed_days)
order by d.date, c.sort_order, c.category
