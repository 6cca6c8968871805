-- core.actual_records: one record per (user_id, start_at), no NULL keys, and
-- records of one user never overlap.
select user_id, start_at, 'duplicate or null key' as problem
from core.actual_records
--incremental: where date in (select date from dwhbi_changed_days)
group by user_id, start_at
having count(*) > 1 or user_id is null or start_at is null
union all
select user_id, start_at, 'overlaps the next record'
from (
    select user_id, start_at, stop_at,
           lead(start_at) over (partition by user_id order by start_at) as next_start
    from core.actual_records
--incremental: where date in (select date from dwhbi_changed_days union select date - 1 from dwhbi_changed_days union select date + 1 from dwhbi_changed_days)
) r
where next_start < stop_at
