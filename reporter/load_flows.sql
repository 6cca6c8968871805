-- Where the planned time of the month went, from the analyzer's
-- analytics.plan_flows: the day rows of the month summed (a month row is the
-- sum of its days, and days also cover a month that is still running).
-- $1 = first day of the month, $2 = first day of the next month.
SELECT from_category, to_category, sum(minutes)
FROM analytics.plan_flows
WHERE period = 'day' AND period_start >= $1::date AND period_start < $2::date
GROUP BY from_category, to_category
HAVING sum(minutes) > 0
ORDER BY from_category, (from_category = to_category) DESC, sum(minutes) DESC, to_category;
