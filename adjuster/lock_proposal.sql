-- A proposal and its goal, locked for accept/reject.
SELECT p.state, p.goal_id, p.period, p.as_of::text, p.proposed_minutes,
       g.valid_to IS NULL AS open, g.valid_from::text, g.category, g.day_type,
       g.direction, g.minutes
FROM analytics.goal_proposals p
JOIN ref.goals g ON g.goal_id = p.goal_id
WHERE p.proposal_id = $1::bigint
FOR UPDATE OF p, g;
