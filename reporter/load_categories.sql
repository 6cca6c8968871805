-- Report categories: display name, group and color from the marts (the
-- newest day's values), this month's totals and last month's actual.
-- $1 = first day of the month.  Every category of the marts is listed, also
-- one without time this month, so the table shows the whole picture.
-- goal_direction is the direction of the goal on the month's last day with one.
WITH meta AS (
    SELECT DISTINCT ON (category)
           category, display_name, coarse_group, color, sort_order
    FROM marts.daily_category
    ORDER BY category, date DESC
), cur AS (
    SELECT category, actual_minutes, plan_minutes, goal_minutes
    FROM marts.monthly_category
    WHERE month = $1::date
), dir AS (
    SELECT DISTINCT ON (category) category, goal_direction
    FROM marts.daily_category
    WHERE date >= $1::date AND date < ($1::date + interval '1 month')
      AND goal_direction IS NOT NULL
    ORDER BY category, date DESC
), prev AS (
    SELECT category, actual_minutes
    FROM marts.monthly_category
    WHERE month = ($1::date - interval '1 month')::date
)
SELECT m.category, m.display_name, m.coarse_group, m.color, m.sort_order,
       coalesce(cur.actual_minutes, 0), coalesce(cur.plan_minutes, 0),
       cur.goal_minutes, prev.actual_minutes, dir.goal_direction
FROM meta m
LEFT JOIN cur USING (category)
LEFT JOIN prev USING (category)
LEFT JOIN dir USING (category)
ORDER BY m.sort_order, m.category;
