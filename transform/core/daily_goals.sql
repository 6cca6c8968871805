-- core.daily_goals: for each day of the data range and category, the goal
-- that applies and its daily equivalent.  A weekly or monthly goal is spread
-- evenly over the days of its day type in that calendar week or month.  When
-- several goals apply, a specific day type beats 'any', then a daily goal
-- beats a weekly one beats a monthly one, then the newest version wins.
-- materialized: table
-- unique_key: date, category
-- incremental: date in (select date from dwhbi_changed_days)
with calendar as (
    select c.*,
           count(*) over (partition by week_start) as week_days,
           count(*) filter (where day_type = 'weekday') over (partition by week_start) as week_weekdays,
           count(*) filter (where day_type = 'holiday') over (partition by week_start) as week_holidays,
           count(*) over (partition by month) as month_days,
           count(*) filter (where day_type = 'weekday') over (partition by month) as month_weekdays,
           count(*) filter (where day_type = 'holiday') over (partition by month) as month_holidays
    from core.calendar c
--incremental: where c.week_start in (select week_start from dwhbi_changed_weeks)
--incremental:    or c.month in (select month from dwhbi_changed_months)
),
applicable as (
    select c.date, g.goal_id, g.category, g.day_type, g.period, g.direction, g.valid_from,
           g.minutes::numeric / nullif(case g.period
               when 'day' then 1
               when 'week' then case g.day_type when 'weekday' then c.week_weekdays
                                                when 'holiday' then c.week_holidays
                                                else c.week_days end
               else case g.day_type when 'weekday' then c.month_weekdays
                                    when 'holiday' then c.month_holidays
                                    else c.month_days end
           end, 0) as daily_minutes
    from calendar c
    join ref.goals g
      on c.date >= g.valid_from
     and (g.valid_to is null or c.date < g.valid_to)
     and (g.day_type = 'any' or g.day_type = c.day_type)
    where c.in_range
--incremental: and c.date in (select date from dwhbi_changed_days)
)
select distinct on (date, category)
       date, category, goal_id, period, day_type, direction,
       trim_scale(round(daily_minutes, 6)) as goal_minutes
from applicable
order by date, category,
         day_type = 'any',
         case period when 'day' then 1 when 'week' then 2 else 3 end,
         valid_from desc, goal_id desc
