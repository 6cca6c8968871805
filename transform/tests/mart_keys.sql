-- Uniqueness and not-null of every mart's key.
select 'marts.daily_category' as mart, date::text as key, count(*) as n
from marts.daily_category
--incremental: where date in (select date from dwhbi_changed_days)
group by date, category
having count(*) > 1 or date is null or category is null
union all
select 'marts.weekly_category', week_start::text, count(*)
from marts.weekly_category
--incremental: where week_start in (select week_start from dwhbi_changed_weeks)
group by week_start, category
having count(*) > 1 or week_start is null or category is null
union all
select 'marts.monthly_category', month::text, count(*)
from marts.monthly_category
--incremental: where month in (select month from dwhbi_changed_months)
group by month, category
having count(*) > 1 or month is null or category is null
union all
select 'marts.goal_achievement', period || ' ' || period_start || ' ' || goal_id, count(*)
from marts.goal_achievement
--incremental: where period_start in (select period_start from dwhbi_changed_periods)
group by period, period_start, goal_id
having count(*) > 1 or period is null or period_start is null or goal_id is null
union all
select 'marts.plan_adherence', date::text, count(*)
from marts.plan_adherence
--incremental: where date in (select date from dwhbi_changed_days)
group by date
having count(*) > 1 or date is null
union all
select 'marts.plan_actual_daily', date::text, count(*)
from marts.plan_actual_daily
--incremental: where date in (select date from dwhbi_changed_days)
group by date, category
having count(*) > 1 or date is null or category is null
union all
select 'marts.source_freshness', source, count(*)
from marts.source_freshness group by source
having count(*) > 1 or source is null
union all
select 'core.days', date::text, count(*)
from core.days
--incremental: where date in (select date from dwhbi_changed_days)
group by date
having count(*) > 1 or date is null or day_type is null
