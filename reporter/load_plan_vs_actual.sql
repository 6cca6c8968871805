-- Without flow data: planned and actual minutes per category on the days
-- with a plan.  $1 = first day of the month, $2 = first day of the next month.
SELECT category, sum(plan_minutes), sum(actual_minutes)
FROM marts.plan_actual_daily
WHERE date >= $1::date AND date < $2::date
GROUP BY category
HAVING sum(plan_minutes) > 0
ORDER BY category;
