-- How much of the month is over: its days in core.days, the complete ones
-- (ended by the last sync) and the last complete day.
-- $1 = first day of the month, $2 = first day of the next month.
SELECT count(*) FILTER (WHERE complete), max(date) FILTER (WHERE complete)::text
FROM core.days
WHERE date >= $1::date AND date < $2::date;
