-- One row per goal (category, day type, period) judged in the month, from
-- marts.goal_achievement: each of its periods that start in the month is
-- met or missed on the days of the goal's own day type (the one period
-- rule, lib/goal_status.h).  Only periods that are over count: a report of
-- a running month never calls "met so far" met.
--   hits, periods   met / complete periods of the month
--   strip           one character per period of the month in order: 1 met,
--                   0 missed, - not over yet, . neutral
--   streak          met periods in a row up to the last complete period
--                   (across months)
--   avg_actual      average actual minutes per complete period
--   minutes         the goal of the month's last period (a version may
--                   change in the month)
--   best_*, worst_* the complete period of the month with the most (more)
--                   or least (less) actual minutes, and the opposite; the
--                   earlier period on a tie
-- A row's order of best: actual for 'less', -actual for 'more'.
-- $1 = first day of the month, $2 = first day of the next month.
WITH m AS (
    SELECT * FROM marts.goal_achievement
    WHERE period_start >= $1::date AND period_start < $2::date
), runs AS (
    SELECT category, day_type, period, met,
           count(*) FILTER (WHERE met IS NOT TRUE) OVER (
               PARTITION BY category, day_type, period ORDER BY period_start DESC
               ROWS UNBOUNDED PRECEDING) AS misses
    FROM marts.goal_achievement
    WHERE complete AND period_start < $2::date AND direction <> 'neutral'
), streak AS (
    SELECT category, day_type, period, count(*) AS streak
    FROM runs WHERE misses = 0
    GROUP BY category, day_type, period
)
SELECT m.category, m.day_type, m.period,
       (array_agg(m.direction ORDER BY m.period_start DESC))[1] AS direction,
       (array_agg(m.goal_minutes ORDER BY m.period_start DESC))[1] AS minutes,
       count(*) FILTER (WHERE m.complete AND m.met) AS hits,
       count(*) FILTER (WHERE m.complete) AS periods,
       string_agg(CASE WHEN m.met IS NULL THEN '.' WHEN NOT m.complete THEN '-'
                       WHEN m.met THEN '1' ELSE '0' END, '' ORDER BY m.period_start) AS strip,
       coalesce(s.streak, 0) AS streak,
       avg(m.actual_minutes) FILTER (WHERE m.complete) AS avg_actual,
       (array_agg(m.period_start::text ORDER BY CASE WHEN m.direction = 'less'
            THEN m.actual_minutes ELSE -m.actual_minutes END, m.period_start)
            FILTER (WHERE m.complete AND m.direction <> 'neutral'))[1] AS best_start,
       (array_agg(m.actual_minutes ORDER BY CASE WHEN m.direction = 'less'
            THEN m.actual_minutes ELSE -m.actual_minutes END, m.period_start)
            FILTER (WHERE m.complete AND m.direction <> 'neutral'))[1] AS best_actual,
       (array_agg(m.period_start::text ORDER BY CASE WHEN m.direction = 'less'
            THEN -m.actual_minutes ELSE m.actual_minutes END, m.period_start)
            FILTER (WHERE m.complete AND m.direction <> 'neutral'))[1] AS worst_start,
       (array_agg(m.actual_minutes ORDER BY CASE WHEN m.direction = 'less'
            THEN -m.actual_minutes ELSE m.actual_minutes END, m.period_start)
            FILTER (WHERE m.complete AND m.direction <> 'neutral'))[1] AS worst_actual
FROM m
LEFT JOIN streak s USING (category, day_type, period)
GROUP BY m.category, m.day_type, m.period, s.streak
ORDER BY m.category, CASE m.period WHEN 'day' THEN 1 WHEN 'week' THEN 2 ELSE 3 END,
         m.day_type;
