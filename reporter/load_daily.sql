-- Actual and planned minutes per day and category of the month.
-- $1 = first day of the month, $2 = first day of the next month.
SELECT date - $1::date AS day_index, category,
       actual_minutes, plan_minutes, day_type
FROM marts.daily_category
WHERE date >= $1::date AND date < $2::date
ORDER BY date, category;
