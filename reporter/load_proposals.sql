-- Goal proposals still waiting for a decision, newest analysis first.
SELECT category, day_type, period, direction,
       current_minutes, proposed_minutes,
       probability_before, probability_after, reason
FROM analytics.goal_proposals
WHERE state = 'pending'
ORDER BY as_of DESC, category, day_type, period, proposal_id;
