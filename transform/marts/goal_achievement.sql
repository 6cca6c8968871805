-- marts.goal_achievement: each goal version against the actual minutes of
-- every period it applies to (its own period: day, ISO week or month) on
-- days with actual data.  Actual counts the days of the goal's day type on
-- which this version was valid.
-- met: 'more' -> actual >= goal, 'less' -> actual <= goal, 'neutral' -> NULL;
-- complete: the period had ended by the last sync.
-- materialized: table
-- unique_key: period, period_start, goal_id
-- index: period_start
-- incremental: period_start in (select period_start from dwhbi_changed_periods)
with settings as (
    select current_setting('dwhbi.timezone') as tz,
           (select actual_synced_at from core.sync_clock) as synced_at
),
actual as (
    select date, category, sum(seconds) as seconds
    from core.actual_records
--incremental: where date in (select date from dwhbi_changed_period_days)
    group by date, category
),
days as (
    select date, day_type, week_start, month
    from core.calendar
    where in_range and has_actual
--incremental: and date in (select date from dwhbi_changed_period_days)
),
goal_days as (
    select g.goal_id, g.category, g.day_type, g.period, g.direction, g.minutes,
           d.date,
           case g.period when 'day' then d.date
                         when 'week' then d.week_start
                         else d.month end as period_start
    from ref.goals g
    join days d
      on d.date >= g.valid_from
     and (g.valid_to is null or d.date < g.valid_to)
     and (g.day_type = 'any' or g.day_type = d.day_type)
),
periods as (
    select distinct goal_id, category, day_type, period, direction, minutes, period_start,
           case period when 'day' then period_start + 1
                       when 'week' then period_start + 7
                       else (period_start + interval '1 month')::date end as period_end
    from goal_days
),
period_actual as (
    select gd.goal_id, gd.period_start, sum(coalesce(a.seconds, 0)) as seconds
    from goal_days gd
    left join actual a on a.date = gd.date and a.category = gd.category
    group by gd.goal_id, gd.period_start
)
select p.period,
       p.period_start,
       p.period_start::timestamp at time zone s.tz as time,
       p.goal_id,
       p.category,
       p.day_type,
       p.direction,
       p.minutes::numeric as goal_minutes,
       trim_scale(round(pa.seconds / 60, 6)) as actual_minutes,
       case when p.minutes > 0
            then trim_scale(round(pa.seconds / 60 / p.minutes, 6)) end as achievement_rate,
       case p.direction when 'more' then pa.seconds / 60 >= p.minutes
                        when 'less' then pa.seconds / 60 <= p.minutes end as met,
       coalesce(p.period_end::timestamp at time zone s.tz <= s.synced_at, false) as complete,
       p.period_end
from periods p
join period_actual pa on pa.goal_id = p.goal_id and pa.period_start = p.period_start
cross join settings s
order by p.period_start, p.period, p.category, p.goal_id
