-- Month-end projection per category from the newest estimates snapshot that
-- covers the month: the actual minutes up to the snapshot's as_of day plus
-- the estimates of the days after it.  The interval adds up the daily 80 %
-- bounds, which is wider than the true interval of a sum (the days are not
-- perfectly correlated): a cautious band, labelled as such in the report.
-- $1 = first day of the month, $2 = first day of the next month.
WITH snap AS (
    SELECT max(calculated_at) AS at
    FROM analytics.estimates
    WHERE target_date >= $1::date AND target_date < $2::date
), est AS (
    SELECT e.category, e.as_of, e.target_date, e.minutes, e.lower80, e.upper80
    FROM analytics.estimates e JOIN snap ON e.calculated_at = snap.at
    WHERE e.target_date >= $1::date AND e.target_date < $2::date
), asof AS (
    SELECT max(as_of) AS day FROM est
), actual AS (
    SELECT d.category, sum(d.actual_minutes) AS minutes
    FROM marts.daily_category d, asof
    WHERE d.date >= $1::date AND d.date <= asof.day
    GROUP BY d.category
)
SELECT e.category, to_char(asof.day, 'YYYY-MM-DD'),
       coalesce(a.minutes, 0),
       sum(e.minutes), sum(e.lower80), sum(e.upper80)
FROM est e
CROSS JOIN asof
LEFT JOIN actual a USING (category)
WHERE e.target_date > asof.day
GROUP BY e.category, asof.day, a.minutes
ORDER BY e.category;
