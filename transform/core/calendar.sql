-- core.calendar: every local day from the Monday/1st before the data range
-- to the Sunday/month end after it, with its day type, so weekly and monthly
-- goals can be spread over whole weeks and months.  The data range runs from
-- the first tracked day (the first planned day when nothing is tracked) to
-- the last day with actual or plan data, and at least to the end of the
-- month 14 days after the last Toggl sync: the horizon the analyzer
-- estimates (it reads what transform builds, never the other way round, so
-- the range does not depend on the previous night's estimates).  Holidays: ref.holidays
-- plus the all-day events of the holiday calendar (dwhbi.holiday_calendar_id),
-- so a holiday synced after the last `dwhbi seed` still counts.
-- materialized: table
-- unique_key: date
-- incremental: merge
with settings as (
    select current_setting('dwhbi.timezone') as tz,
           nullif(current_setting('dwhbi.holiday_calendar_id', true), '') as holiday_calendar_id,
           (select actual_synced_at from core.sync_clock) as actual_synced_at
),
actual_range as (
    select min(date) as first_day, max(date) as last_day from core.actual_records
),
plan_range as (
    select min(date) as first_day, max(date) as last_day from core.plan_records
),
horizon as (
    select (date_trunc('month', (s.actual_synced_at at time zone s.tz)::date + 14)
            + interval '1 month - 1 day')::date as last_day
    from settings s
),
data_range as (
    select coalesce(a.first_day, p.first_day) as first_day,
           greatest(a.last_day, p.last_day, h.last_day) as last_day,
           a.first_day as first_actual_day,
           a.last_day as last_actual_day
    from actual_range a, plan_range p, horizon h
),
padded as (
    select least(date_trunc('week', first_day::timestamp)::date, date_trunc('month', first_day::timestamp)::date) as first_day,
           greatest((date_trunc('week', last_day::timestamp) + interval '6 days')::date,
                    (date_trunc('month', last_day::timestamp) + interval '1 month - 1 day')::date) as last_day
    from data_range
    where first_day is not null and last_day >= first_day
),
holidays as (
    select date, min(name) as name
    from (
        select h.date, h.name from ref.holidays h
        union all
        select d.day::date, coalesce(e.summary, 'holiday')
        from core.event_categories e
        cross join settings s
        cross join lateral generate_series(e.start_date::timestamp,
                                           (e.end_date - 1)::timestamp,
                                           interval '1 day') as d(day)
        where e.calendar_id = s.holiday_calendar_id
          and e.is_all_day
          and e.status <> 'cancelled'
          and e.end_date > e.start_date
    ) h
    group by date
),
days as (
    select g.day::date as date
    from padded p
    cross join lateral generate_series(p.first_day::timestamp, p.last_day::timestamp,
                                       interval '1 day') as g(day)
),
typed as (
    select d.date,
           extract(isodow from d.date) in (6, 7) as is_weekend,
           h.name as holiday_name
    from days d
    left join holidays h on h.date = d.date
)
select t.date,
       case when t.is_weekend or t.holiday_name is not null then 'holiday' else 'weekday' end as day_type,
       t.is_weekend,
       t.holiday_name,
       t.date::timestamp at time zone s.tz as day_start,
       (t.date + 1)::timestamp at time zone s.tz as day_end,
       extract(epoch from ((t.date + 1)::timestamp at time zone s.tz)
                        - (t.date::timestamp at time zone s.tz)) as day_seconds,
       date_trunc('week', t.date::timestamp)::date as week_start,
       date_trunc('month', t.date::timestamp)::date as month,
       t.date between r.first_day and r.last_day as in_range,
       coalesce(t.date between r.first_actual_day and r.last_actual_day, false) as has_actual,
       coalesce((t.date + 1)::timestamp at time zone s.tz <= s.actual_synced_at, false) as complete
from typed t
cross join settings s
cross join data_range r
order by t.date
