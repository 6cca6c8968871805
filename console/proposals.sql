-- console: goal proposals, pending first, newest first (states and the
-- lifecycle columns: sql/0052).  $1 state or NULL,
-- $2 limit.
SELECT p.proposal_id, p.created_at, p.as_of, p.goal_id, p.category,
       coalesce(c.display_name, p.category) AS display_name,
       p.day_type, p.period, p.direction, p.current_minutes, p.proposed_minutes,
       p.probability_before, p.probability_after, p.reason, p.state, p.decided_at,
       p.valid_from, p.new_goal_id, p.superseded_by
FROM analytics.goal_proposals p
LEFT JOIN ref.categories c ON c.category = p.category
WHERE ($1::text IS NULL OR p.state = $1)
ORDER BY p.state = 'pending' DESC, p.created_at DESC, p.proposal_id DESC
LIMIT $2
