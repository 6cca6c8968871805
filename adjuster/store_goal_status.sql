-- Stores the status of one goal in its current period for one as-of date
-- (analytics.goal_status, sql/0051).  The caller first deletes the rows of
-- that as_of, so a re-run replaces its snapshot; now() is the transaction's
-- start, so every row of one run has the same calculated_at.
INSERT INTO analytics.goal_status
    (calculated_at, as_of, goal_id, category, day_type, period, direction,
     goal_minutes, period_start, period_end, so_far, expected, sd, probability,
     status, hits, periods)
VALUES (now(), $1::date, $2::bigint, $3, $4, $5, $6, $7::int, $8::date, $9::date,
        $10::double precision, $11::double precision, $12::double precision,
        $13::double precision, $14, $15::int, $16::int);
