-- Every mart date lies within the data range (core.days), and every day of
-- the range has its rows in marts.daily_category, one per category.
with range as (select min(date) as first_day, max(date) as last_day from core.days)
select 'marts.daily_category' as mart, d.date
from marts.daily_category d, range r
where (d.date < r.first_day or d.date > r.last_day)
--incremental: and d.date in (select date from dwhbi_changed_days)
union all
select 'marts.plan_adherence', p.date
from marts.plan_adherence p, range r
where (p.date < r.first_day or p.date > r.last_day)
--incremental: and p.date in (select date from dwhbi_changed_days)
union all
select 'marts.plan_actual_daily', p.date
from marts.plan_actual_daily p, range r
where (p.date < r.first_day or p.date > r.last_day)
--incremental: and p.date in (select date from dwhbi_changed_days)
union all
select 'marts.goal_achievement', g.period_start
from marts.goal_achievement g, range r
where (g.period_start > r.last_day
   or g.period_end <= r.first_day)
--incremental: and g.period_start in (select period_start from dwhbi_changed_periods)
union all
select 'marts.daily_category (missing rows)', d.date
from core.days d
where true
--incremental: and d.date in (select date from dwhbi_changed_days)
  and (select count(*) from marts.daily_category m where m.date = d.date)
      <> (select count(*) from core.categories)
