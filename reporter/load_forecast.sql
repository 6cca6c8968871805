-- Forecast accuracy of a closed month: the estimates snapshot made for it
-- (analytics.estimates) against what happened.  The snapshot is the newest
-- (as_of, calculated_at) made before the month began; without one, the
-- earliest made during the month.  Per category:
--   estimated  actual minutes from the 1st to as_of (when as_of lies in the
--              month) plus the estimates of the days after it in the month
--   lower80, upper80  the same with the estimates' 80 % bounds (a sum of
--              daily bounds: on the wide side)
--   actual     marts.monthly_category of the month
--   calibrated true when the same snapshot projected this month
--              (analytics.month_projections, written by the same analyze
--              run): then estimated, lower80 and upper80 are that
--              projection's, whose interval comes from the backtest's
--              errors of whole-period sums (sql/0115: the days' correlation
--              included, calibrated out of sample) instead of the sum of
--              the daily bounds, and its point adds the days' means.
-- $1 = first day of the month, $2 = first day of the next month.
WITH snap AS (
    SELECT as_of, calculated_at
    FROM analytics.estimates
    WHERE target_date >= $1::date AND target_date < $2::date
    GROUP BY as_of, calculated_at
    ORDER BY (as_of < $1::date) DESC,
             CASE WHEN as_of < $1::date THEN as_of END DESC NULLS LAST,
             as_of, calculated_at DESC
    LIMIT 1
), est AS (
    -- numeric sums are exact: the result does not depend on row order
    SELECT e.category, sum(e.minutes::numeric)::float8 AS minutes,
           sum(e.lower80::numeric)::float8 AS lower80, sum(e.upper80::numeric)::float8 AS upper80
    FROM analytics.estimates e JOIN snap s USING (as_of, calculated_at)
    WHERE e.target_date >= $1::date AND e.target_date < $2::date
      AND e.target_date > s.as_of
    GROUP BY e.category
), before AS (
    SELECT d.category, sum(d.actual_minutes) AS minutes
    FROM marts.daily_category d, snap s
    WHERE d.date >= $1::date AND d.date <= s.as_of
    GROUP BY d.category
)
SELECT e.category, to_char(s.as_of, 'YYYY-MM-DD'),
       coalesce(p.projected_minutes, coalesce(b.minutes, 0) + e.minutes),
       coalesce(p.lower80, coalesce(b.minutes, 0) + e.lower80),
       coalesce(p.upper80, coalesce(b.minutes, 0) + e.upper80),
       coalesce(m.actual_minutes, 0),
       p.category IS NOT NULL
FROM est e
CROSS JOIN snap s
LEFT JOIN before b USING (category)
LEFT JOIN analytics.month_projections p
       ON p.calculated_at = s.calculated_at AND p.as_of = s.as_of
      AND p.month = $1::date AND p.category = e.category
LEFT JOIN marts.monthly_category m ON m.category = e.category AND m.month = $1::date
ORDER BY e.category;
