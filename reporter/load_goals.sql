-- One row per goal judged in the month: its goal and actual minutes summed
-- over the complete periods that start in the month.  Only the goal's finest
-- period is used, so a goal reported per day and per month is not counted
-- twice.  A monthly goal of a month still running has no complete period yet
-- and is left to the projections.
-- $1 = first day of the month, $2 = first day of the next month.
WITH periods AS (
    SELECT goal_id, direction, goal_minutes, actual_minutes,
           CASE period WHEN 'day' THEN 1 WHEN 'week' THEN 2 ELSE 3 END AS grain,
           min(CASE period WHEN 'day' THEN 1 WHEN 'week' THEN 2 ELSE 3 END)
               OVER (PARTITION BY goal_id) AS finest
    FROM marts.goal_achievement
    WHERE period_start >= $1::date AND period_start < $2::date
      AND complete
)
SELECT goal_id, min(direction), sum(goal_minutes), sum(actual_minutes)
FROM periods
WHERE grain = finest
GROUP BY goal_id
ORDER BY goal_id;
