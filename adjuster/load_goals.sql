-- Goals valid on the as-of date $1 (valid_from inclusive, valid_to
-- exclusive), whether the version is still open, and whether a proposal for
-- it and this as-of date was already accepted or rejected.
SELECT g.goal_id, g.category, g.day_type, g.period, g.minutes, g.direction,
       g.valid_to IS NULL AS open,
       EXISTS (SELECT 1 FROM analytics.goal_proposals p
               WHERE p.goal_id = g.goal_id AND p.as_of = $1::date
                 AND p.state <> 'pending') AS decided
FROM ref.goals g
WHERE g.valid_from <= $1::date AND (g.valid_to IS NULL OR g.valid_to > $1::date)
ORDER BY g.category, g.day_type, g.period, g.goal_id;
