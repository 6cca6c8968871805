-- Month-end projections of the newest analyzer snapshot for the month
-- (analytics.month_projections; its interval assumes independent days).
-- $1 = first day of the month.
SELECT category, to_char(as_of, 'YYYY-MM-DD'), actual_minutes,
       projected_minutes, lower80, upper80
FROM analytics.month_projections
WHERE month = $1::date
  AND calculated_at = (SELECT max(calculated_at) FROM analytics.month_projections
                       WHERE month = $1::date)
ORDER BY category;
