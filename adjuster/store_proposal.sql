-- Stores one pending proposal.  The caller has first superseded the goal's
-- pending proposals of earlier as-of dates, so the only pending row this can
-- meet (index goal_proposals_one_pending, sql/0052) is the one of the same
-- as-of date: it is updated in place, keeping its proposal_id so a re-run
-- prints the same ids.
INSERT INTO analytics.goal_proposals
    (as_of, goal_id, category, day_type, period, direction, current_minutes,
     proposed_minutes, probability_before, probability_after, reason)
VALUES ($1::date, $2::bigint, $3, $4, $5, $6, $7::int, $8::int,
        $9::double precision, $10::double precision, $11)
ON CONFLICT (goal_id) WHERE state = 'pending' DO UPDATE
SET category = excluded.category, day_type = excluded.day_type,
    period = excluded.period, direction = excluded.direction,
    current_minutes = excluded.current_minutes,
    proposed_minutes = excluded.proposed_minutes,
    probability_before = excluded.probability_before,
    probability_after = excluded.probability_after,
    reason = excluded.reason, created_at = now()
WHERE analytics.goal_proposals.as_of = excluded.as_of
RETURNING proposal_id;
