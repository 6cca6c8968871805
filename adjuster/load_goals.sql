-- Goals valid on the as-of date $1 (valid_from inclusive, valid_to
-- exclusive), whether the version is still open, whether a proposal for it
-- and this as-of date was already accepted or rejected, whether a pending
-- proposal of a later as-of exists, and the goal's latest rejected proposal
-- made as of $1 or earlier (the sign of its change, its probability with
-- the current goal, its as-of), so a rejection is remembered.
SELECT g.goal_id, g.category, g.day_type, g.period, g.minutes, g.direction,
       g.valid_to IS NULL AS open,
       EXISTS (SELECT 1 FROM analytics.goal_proposals p
               WHERE p.goal_id = g.goal_id AND p.as_of = $1::date
                 AND p.state IN ('accepted', 'rejected')) AS decided,
       EXISTS (SELECT 1 FROM analytics.goal_proposals p
               WHERE p.goal_id = g.goal_id AND p.as_of > $1::date
                 AND p.state = 'pending') AS newer_pending,
       r.sign, r.probability_before, r.as_of::text
FROM ref.goals g
LEFT JOIN LATERAL (
    SELECT sign(p.proposed_minutes - p.current_minutes)::int AS sign,
           p.probability_before, p.as_of
    FROM analytics.goal_proposals p
    WHERE p.goal_id = g.goal_id AND p.state = 'rejected' AND p.as_of <= $1::date
    ORDER BY p.as_of DESC, p.decided_at DESC, p.proposal_id DESC
    LIMIT 1
) r ON true
WHERE g.valid_from <= $1::date AND (g.valid_to IS NULL OR g.valid_to > $1::date)
ORDER BY g.category, g.day_type, g.period, g.goal_id;
