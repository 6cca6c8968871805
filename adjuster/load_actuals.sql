-- Actual minutes per day and category from $1 through the as-of date $2.
SELECT date::text, category, actual_minutes::text
FROM marts.daily_category
WHERE date BETWEEN $1::date AND $2::date
ORDER BY date, category;
