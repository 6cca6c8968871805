-- The new goal version of an accepted proposal ($1 old goal_id, $2 minutes,
-- $3 valid_from); the old version was closed at $3 just before.
INSERT INTO ref.goals (category, day_type, period, minutes, direction,
                       valid_from, source)
SELECT category, day_type, period, $2::int, direction, $3::date, 'proposal'
FROM ref.goals WHERE goal_id = $1::bigint
RETURNING goal_id;
