-- Daily actual minutes per category from $1 to $2 (the as_of day).  Every
-- category of ref.categories comes back, with day_offset NULL when the marts
-- have no row for it, so a category without history still gets estimates.
SELECT k.category, m.date - $1::date AS day_offset, m.day_type = 'holiday' AS is_holiday,
       m.actual_minutes::double precision AS actual_minutes
FROM (SELECT category FROM ref.categories
      UNION SELECT DISTINCT category FROM marts.daily_category) AS k
LEFT JOIN marts.daily_category m
       ON m.category = k.category AND m.date BETWEEN $1::date AND $2::date
ORDER BY k.category, m.date
