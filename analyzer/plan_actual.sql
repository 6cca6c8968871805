-- Planned and actual minutes per day and category up to the as_of day ($1),
-- for the plan -> actual flow.
SELECT date - $1::date AS day_offset, category,
       coalesce(plan_minutes, 0)::double precision AS plan_minutes,
       coalesce(actual_minutes, 0)::double precision AS actual_minutes
FROM marts.plan_actual_daily
WHERE date <= $1::date
ORDER BY date, category
