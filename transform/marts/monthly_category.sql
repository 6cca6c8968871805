-- marts.monthly_category: marts.daily_category summed per calendar month.
-- days = days of the month inside the data range; actual_days = those with
-- actual data.
-- materialized: table
-- unique_key: month, category
-- incremental: month in (select month from dwhbi_changed_months)
select c.month,
       m.day_start as time,
       d.category,
       d.display_name,
       d.coarse_group,
       d.color,
       d.sort_order,
       sum(d.actual_minutes) as actual_minutes,
       sum(d.plan_minutes) as plan_minutes,
       sum(d.goal_minutes) as goal_minutes,
       count(*)::int as days,
       count(d.actual_minutes)::int as actual_days,
       bool_and(d.complete) as complete
from marts.daily_category d
join core.calendar c on c.date = d.date
join core.calendar m on m.date = c.month
--incremental: where c.month in (select month from dwhbi_changed_months)
group by c.month, m.day_start, d.category, d.display_name, d.coarse_group,
         d.color, d.sort_order
order by c.month, d.sort_order, d.category
