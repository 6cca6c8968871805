-- Planned minutes of the month and those spent as planned.
-- $1 = first day of the month, $2 = first day of the next month.
SELECT coalesce(sum(planned_minutes), 0),
       coalesce(sum(adhered_minutes), 0),
       count(*) FILTER (WHERE planned_minutes > 0)
FROM marts.plan_adherence
WHERE date >= $1::date AND date < $2::date;
