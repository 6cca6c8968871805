-- The analyzer's backtest errors (analytics.estimate_errors, from 0115) of
-- the same snapshot as adjuster/load_estimates.sql: the newest one computed
-- as of $1 or earlier.  One row per category and backtest origin;
-- errors[h] = actual - the point (the mean) that origin's forecast had for
-- the day h days after it, NULL where unknown.  The adjuster sums a row over
-- the horizons of a period's remaining days: one sample of that period's
-- joint error.
WITH snap AS (
    SELECT calculated_at, as_of
    FROM analytics.estimates
    WHERE as_of <= $1::date
    ORDER BY as_of DESC, calculated_at DESC
    LIMIT 1
)
SELECT e.category, snap.as_of::text, array_length(e.errors, 1),
       array_to_string(e.errors, ',', 'NaN')
FROM analytics.estimate_errors e
JOIN snap ON snap.calculated_at = e.calculated_at
ORDER BY e.category, e.origin;
