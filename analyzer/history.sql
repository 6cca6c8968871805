-- Daily actual minutes per category from $1 to $2 (the as_of day).  Every
-- category of ref.categories comes back, with day_offset NULL when the marts
-- have no row for it, so a category without history still gets estimates.
-- A day that had not ended by the last sync (complete = false) is partial:
-- its minutes come back NULL, i.e. missing, like a day without data.
SELECT k.category, m.date - $1::date AS day_offset, m.day_type = 'holiday' AS is_holiday,
       CASE WHEN m.complete IS DISTINCT FROM false
            THEN m.actual_minutes::double precision END AS actual_minutes
FROM (SELECT category FROM ref.categories
      UNION SELECT DISTINCT category FROM marts.daily_category) AS k
LEFT JOIN marts.daily_category m
       ON m.category = k.category AND m.date BETWEEN $1::date AND $2::date
ORDER BY k.category, m.date
