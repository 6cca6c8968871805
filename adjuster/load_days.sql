-- Days $1..$2 with their day type and whether the marts hold the day.  Days
-- outside core.days (the future) get their type from the weekend and
-- ref.holidays, the same rule the transform uses.
WITH d AS (
    SELECT g::date AS date
    FROM generate_series($1::date, $2::date, interval '1 day') AS g
), data_days AS (
    SELECT DISTINCT date FROM marts.daily_category
    WHERE date BETWEEN $1::date AND $2::date
)
SELECT d.date::text,
       COALESCE(cd.day_type,
                CASE WHEN h.date IS NOT NULL OR extract(isodow FROM d.date) >= 6
                     THEN 'holiday' ELSE 'weekday' END) AS day_type,
       dd.date IS NOT NULL AS in_data
FROM d
LEFT JOIN core.days cd ON cd.date = d.date
LEFT JOIN ref.holidays h ON h.date = d.date
LEFT JOIN data_days dd ON dd.date = d.date
ORDER BY d.date;
