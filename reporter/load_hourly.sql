-- Hour of day x weekday: actual minutes per category, ISO weekday (1 =
-- Monday) and local clock hour, summed over the complete days of the month
-- with data (marts.hourly_category; its date is the local day).  A cell of
-- the report is this sum divided by the number of such days on that
-- weekday (load_hourly_days.sql).
-- $1 = first day of the month, $2 = first day of the next month, $3 = zone.
WITH days AS (
    SELECT DISTINCT date FROM marts.daily_category
    WHERE date >= $1::date AND date < $2::date AND complete AND actual_minutes IS NOT NULL
)
SELECT h.category, extract(isodow FROM h.date)::int,
       extract(hour FROM h.time AT TIME ZONE $3)::int, sum(h.actual_minutes)
FROM marts.hourly_category h
JOIN days USING (date)
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;
