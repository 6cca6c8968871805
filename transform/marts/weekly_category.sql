-- marts.weekly_category: marts.daily_category summed per ISO week (Monday).
-- days = days of the week inside the data range; actual_days = those with
-- actual data.  goal_minutes sums the daily equivalents, so a weekly goal
-- comes back whole for a whole week.
-- materialized: table
-- unique_key: week_start, category
-- incremental: week_start in (select week_start from dwhbi_changed_weeks)
select c.week_start,
       w.day_start as time,
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
join core.calendar w on w.date = c.week_start
--incremental: where c.week_start in (select week_start from dwhbi_changed_weeks)
group by c.week_start, w.day_start, d.category, d.display_name, d.coarse_group,
         d.color, d.sort_order
order by c.week_start, d.sort_order, d.category
