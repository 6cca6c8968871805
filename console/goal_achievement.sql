-- console: the latest period of each current goal in marts.goal_achievement
-- (the period that contains today, or the last one before it).  $1 zone.
WITH today AS (SELECT (now() AT TIME ZONE $1)::date AS d)
SELECT DISTINCT ON (a.goal_id)
       a.goal_id, a.period_start, a.goal_minutes AS period_goal_minutes,
       a.actual_minutes, a.achievement_rate, a.met, a.complete
FROM marts.goal_achievement a
JOIN ref.goals g ON g.goal_id = a.goal_id AND g.period = a.period
CROSS JOIN today t
WHERE a.period_start <= t.d
  AND g.valid_from <= t.d AND (g.valid_to IS NULL OR g.valid_to > t.d)
ORDER BY a.goal_id, a.period_start DESC
