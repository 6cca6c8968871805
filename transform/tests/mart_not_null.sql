-- Columns every reader relies on are never NULL.
select 'marts.daily_category' as mart, date, category
from marts.daily_category
where (time is null or display_name is null or day_type is null
   or plan_minutes is null or sort_order is null
   or (goal_minutes is null) <> (goal_direction is null))
--incremental: and date in (select date from dwhbi_changed_days)
union all
select 'marts.weekly_category', week_start, category
from marts.weekly_category
where (time is null or days is null)
--incremental: and week_start in (select week_start from dwhbi_changed_weeks)
union all
select 'marts.monthly_category', month, category
from marts.monthly_category
where (time is null or days is null)
--incremental: and month in (select month from dwhbi_changed_months)
union all
select 'marts.goal_achievement', period_start, category
from marts.goal_achievement
where (time is null or goal_minutes is null or actual_minutes is null
   or (direction <> 'neutral' and met is null))
--incremental: and period_start in (select period_start from dwhbi_changed_periods)
