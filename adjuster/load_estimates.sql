-- The analyzer's estimates for the days after the as-of date $1 up to $2,
-- from one snapshot: the newest one computed as of $1 or earlier (so an
-- adjust for a past date reads what was known then, and its output is
-- reproducible).  The mean of each day's distribution (mean_minutes, from
-- 0115; minutes is its point, the median for a lumpy day) is what days add.
WITH snap AS (
    SELECT calculated_at, as_of
    FROM analytics.estimates
    WHERE as_of <= $1::date
    ORDER BY as_of DESC, calculated_at DESC
    LIMIT 1
)
SELECT e.target_date::text, e.category, e.minutes, e.lower80, e.upper80,
       snap.as_of::text, to_char(snap.calculated_at AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       coalesce(e.mean_minutes, e.minutes)
FROM analytics.estimates e
JOIN snap ON snap.calculated_at = e.calculated_at
WHERE e.target_date > $1::date AND e.target_date <= $2::date
ORDER BY e.target_date, e.category;
