-- console: the adjuster's latest status snapshot (analytics.latest_goal_status,
-- sql/0051): per goal its current period, expected minutes and probability
-- of meeting it this period.  period_end is exclusive.
SELECT goal_id, as_of, calculated_at, period_start, period_end, so_far,
       expected, sd, probability, status, hits, periods
FROM analytics.latest_goal_status
ORDER BY goal_id
