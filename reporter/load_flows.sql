-- Where the planned time of the month went, from the analyzer's
-- analytics.plan_flows: the day rows of the month summed (a month row is the
-- sum of its days, and days also cover a month that is still running).
-- $1 = first day of the month, $2 = first day of the next month.  Summed
-- as numeric, which is exact, so the result does not depend on the order
-- the rows come in (a float sum did: report.json differed in the 14th digit
-- between two runs on the same data).
SELECT from_category, to_category, sum(minutes::numeric)::float8
FROM analytics.plan_flows
WHERE period = 'day' AND period_start >= $1::date AND period_start < $2::date
GROUP BY from_category, to_category
HAVING sum(minutes::numeric) > 0
ORDER BY from_category, (from_category = to_category) DESC, sum(minutes::numeric) DESC, to_category;
