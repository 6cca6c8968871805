-- No actual or plan record has a negative or zero length, and each lies
-- inside its local day.
select 'core.actual_records' as model, a.date, a.start_at, a.stop_at
from core.actual_records a
join core.days d on d.date = a.date
where (a.stop_at <= a.start_at or a.seconds <= 0
   or a.start_at < d.day_start or a.stop_at > d.day_end)
--incremental: and a.date in (select date from dwhbi_changed_days)
union all
select 'core.plan_records', p.date, p.start_at, p.stop_at
from core.plan_records p
left join core.calendar d on d.date = p.date
where (p.stop_at <= p.start_at or p.seconds <= 0
   or p.start_at < d.day_start or p.stop_at > d.day_end)
--incremental: and p.date in (select date from dwhbi_changed_days)
