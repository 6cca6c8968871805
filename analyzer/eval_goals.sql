-- Every goal version of ref.goals with its validity, for the as-of
-- evaluations of `dwhbi analyze --evaluate` (each as-of keeps the versions
-- valid on it: valid_from <= as_of < valid_to).
SELECT goal_id, category, day_type, period, minutes, direction,
       valid_from - '1970-01-01'::date AS valid_from,
       CASE WHEN valid_to IS NOT NULL THEN valid_to - '1970-01-01'::date END AS valid_to
FROM ref.goals
ORDER BY category, day_type, period, goal_id;
