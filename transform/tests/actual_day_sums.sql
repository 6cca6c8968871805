-- Every local day that tracking covered completely sums to the day's length
-- (1440 minutes; 1380 or 1500 on a DST change day), per Toggl user.
with sums as (
    select user_id, date, sum(seconds) as seconds
    from core.actual_records
--incremental: where date in (select date from dwhbi_changed_days)
    group by user_id, date
)
select s.user_id, s.date, s.seconds / 60 as minutes, d.day_seconds / 60 as day_minutes
from sums s
join core.days d on d.date = s.date
where d.complete
  and s.seconds <> d.day_seconds
