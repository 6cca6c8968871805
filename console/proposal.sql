-- console: one proposal with what its goal is now.  $1 proposal id.
SELECT p.proposal_id, p.created_at, p.as_of, p.goal_id, p.category,
       coalesce(c.display_name, p.category) AS display_name, c.color,
       p.day_type, p.period, p.direction, p.current_minutes, p.proposed_minutes,
       p.probability_before, p.probability_after, p.reason, p.state, p.decided_at,
       p.valid_from, p.new_goal_id, g.minutes AS goal_minutes_now
FROM analytics.goal_proposals p
LEFT JOIN ref.categories c ON c.category = p.category
LEFT JOIN ref.goals g ON g.goal_id = p.goal_id
WHERE p.proposal_id = $1::bigint
