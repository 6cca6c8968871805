-- console: the analyzer's latest snapshot for the first target day from
-- today (zone $1) on.
WITH latest AS (SELECT max(calculated_at) AS at FROM analytics.estimates),
next_day AS (
    SELECT min(e.target_date) AS d FROM analytics.estimates e, latest
    WHERE e.calculated_at = latest.at AND e.target_date >= (now() AT TIME ZONE $1)::date
)
SELECT e.target_date, e.category, coalesce(c.display_name, e.category) AS display_name,
       e.method, e.minutes, e.lower80, e.upper80, e.calculated_at
FROM analytics.estimates e
JOIN latest ON e.calculated_at = latest.at
JOIN next_day ON e.target_date = next_day.d
LEFT JOIN ref.categories c ON c.category = e.category
ORDER BY coalesce(c.sort_order, 2147483647), e.category
