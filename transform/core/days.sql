-- core.days: the calendar of the data range (docs/contracts.md): one row per
-- local day with its day type ('holiday' = weekend or public holiday).
-- has_actual: tracking had started and the day is not after the last sync;
-- complete: the day had ended by the last sync of time entries.
-- materialized: table
-- refresh: delete
-- unique_key: date
-- incremental: date in (select date from dwhbi_changed_days)
select date, day_type, is_weekend, holiday_name, day_start, day_end, day_seconds,
       week_start, month, has_actual, complete
from core.calendar
where in_range
--incremental: and date in (select date from dwhbi_changed_days)
order by date
