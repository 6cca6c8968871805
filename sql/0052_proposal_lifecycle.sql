-- 0052 adjuster: the lifecycle of a goal proposal.
--   pending     waiting for a decision; at most one per goal (a newer
--               proposal for the goal supersedes the older one);
--   accepted    decided by `dwhbi adjust accept`: valid_from is the first day
--               of the new goal version new_goal_id (the next period that had
--               not started when it was accepted);
--   rejected    decided by `dwhbi adjust reject`; remembered, so the same
--               change is not proposed again until the evidence moves;
--   superseded  replaced by superseded_by (a newer proposal for the goal), or
--               NULL when a newer as-of no longer proposes a change;
--   expired     still pending more than `adjust.expire_days` (ref.settings,
--               default 7) days after its as-of when a later adjust ran.
-- decided_at is when the state left pending.
ALTER TABLE analytics.goal_proposals DROP CONSTRAINT goal_proposals_state_check;
ALTER TABLE analytics.goal_proposals
    ADD CONSTRAINT goal_proposals_state_check
        CHECK (state IN ('pending', 'accepted', 'rejected', 'superseded', 'expired')),
    ADD COLUMN superseded_by bigint REFERENCES analytics.goal_proposals(proposal_id),
    ADD COLUMN valid_from date,
    ADD COLUMN new_goal_id bigint REFERENCES ref.goals(goal_id);

-- Proposals of earlier versions: only the newest pending one of a goal stays.
UPDATE analytics.goal_proposals p
SET state = 'superseded', decided_at = now(), superseded_by = n.proposal_id
FROM (SELECT DISTINCT ON (goal_id) goal_id, proposal_id
      FROM analytics.goal_proposals WHERE state = 'pending'
      ORDER BY goal_id, as_of DESC, proposal_id DESC) n
WHERE p.goal_id = n.goal_id AND p.state = 'pending' AND p.proposal_id <> n.proposal_id;

DROP INDEX analytics.goal_proposals_pending;
CREATE UNIQUE INDEX goal_proposals_one_pending
    ON analytics.goal_proposals (goal_id) WHERE state = 'pending';
CREATE INDEX goal_proposals_goal ON analytics.goal_proposals (goal_id, state);
