-- 0050 adjuster: at most one pending proposal per goal and as-of date, so
-- re-running `dwhbi adjust` for the same as-of updates its pending proposals
-- in place (same proposal_id) instead of adding duplicates.
CREATE UNIQUE INDEX goal_proposals_pending
    ON analytics.goal_proposals (as_of, goal_id) WHERE state = 'pending';
