-- The complete days with data per ISO weekday (1 = Monday) of the month:
-- the denominators of the hour-of-day cells (load_hourly.sql).
-- $1 = first day of the month, $2 = first day of the next month.
SELECT extract(isodow FROM date)::int, count(DISTINCT date)
FROM marts.daily_category
WHERE date >= $1::date AND date < $2::date AND complete AND actual_minutes IS NOT NULL
GROUP BY 1
ORDER BY 1;
