-- Report categories: display name, group and color from the marts (the
-- newest day's values), this month's totals, and the figures that compare
-- like with like:
--   goal_actual, goal_sum  actual and goal minutes on the complete days of
--                          the month on which a goal applies to the category
--                          (its own day type: a holiday-only goal counts
--                          holidays only)
--   per_day, prev_per_day  actual minutes per complete day of this month and
--                          of the previous month (months differ in length)
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
), days AS (
    SELECT category,
           sum(actual_minutes) FILTER (WHERE cur AND goal_minutes IS NOT NULL) AS goal_actual,
           sum(goal_minutes) FILTER (WHERE cur AND goal_minutes IS NOT NULL) AS goal_sum,
           sum(actual_minutes) FILTER (WHERE cur) / nullif(count(*) FILTER (WHERE cur), 0)
               AS per_day,
           sum(actual_minutes) FILTER (WHERE NOT cur)
               / nullif(count(*) FILTER (WHERE NOT cur), 0) AS prev_per_day
    FROM (SELECT category, actual_minutes, goal_minutes, date >= $1::date AS cur
          FROM marts.daily_category
          WHERE date >= ($1::date - interval '1 month')::date
            AND date < ($1::date + interval '1 month')::date
            AND complete AND actual_minutes IS NOT NULL) d
    GROUP BY category
)
SELECT m.category, m.display_name, m.coarse_group, m.color, m.sort_order,
       coalesce(cur.actual_minutes, 0), coalesce(cur.plan_minutes, 0),
       cur.goal_minutes, prev.actual_minutes, dir.goal_direction,
       days.goal_actual, days.goal_sum, days.per_day, days.prev_per_day
FROM meta m
LEFT JOIN cur USING (category)
LEFT JOIN prev USING (category)
LEFT JOIN dir USING (category)
LEFT JOIN days USING (category)
ORDER BY m.sort_order, m.category;
