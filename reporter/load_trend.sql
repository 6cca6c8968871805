-- Twelve-month trend: per category and month, the actual minutes and the
-- number of complete days with data, for the report's month and the 12
-- months before it (month_index 0 = 12 months before, 12 = this month).
-- A month's per-day average is minutes / days; the 12-month average is the
-- sum of minutes over months 0..11 divided by the sum of their days.
-- $1 = first day of the month.
SELECT category,
       ((extract(year FROM date) * 12 + extract(month FROM date))
        - (extract(year FROM $1::date) * 12 + extract(month FROM $1::date)) + 12)::int
           AS month_index,
       sum(actual_minutes), count(*)
FROM marts.daily_category
WHERE date >= ($1::date - interval '12 months')::date
  AND date < ($1::date + interval '1 month')::date
  AND complete AND actual_minutes IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2;
