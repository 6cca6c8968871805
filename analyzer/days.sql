-- Day type of every day from $1 to $2: the calendar of core.days where it
-- reaches, else a weekend or a public holiday of ref.holidays.
SELECT d::date - $1::date AS day_offset,
       coalesce(c.day_type,
                CASE WHEN extract(isodow FROM d) >= 6 OR h.date IS NOT NULL
                     THEN 'holiday' ELSE 'weekday' END) = 'holiday' AS is_holiday
FROM generate_series($1::date, $2::date, interval '1 day') AS d
LEFT JOIN core.days c ON c.date = d::date
LEFT JOIN ref.holidays h ON h.date = d::date
ORDER BY 1
