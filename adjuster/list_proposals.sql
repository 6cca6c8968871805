-- `dwhbi adjust list`: proposals newest first, with their dates.  $1 state
-- or NULL for all, $2 limit, $3 adjust.expire_days (a pending proposal
-- expires when an adjust runs for a date after as_of + $3).  The note says
-- what became of it: until when it may be decided, from when the accepted
-- goal applies, or which proposal replaced it.
SELECT p.proposal_id, p.state, p.goal_id, p.category, p.day_type, p.period,
       p.as_of::text, p.current_minutes, p.proposed_minutes,
       p.probability_before, p.probability_after,
       (p.created_at AT TIME ZONE 'UTC')::date::text AS made,
       (p.decided_at AT TIME ZONE 'UTC')::date::text AS decided,
       CASE p.state
           WHEN 'pending' THEN 'expires after ' || (p.as_of + $3::int)::text
           WHEN 'accepted' THEN 'goal ' || coalesce(p.new_goal_id::text, '?')
                || ' from ' || coalesce(p.valid_from::text, '?')
           WHEN 'superseded' THEN coalesce('by ' || p.superseded_by::text,
                                           'a later as-of proposed no change')
           WHEN 'expired' THEN 'not decided within ' || $3::int || ' days'
           ELSE 'remembered: not proposed again unless the evidence changes'
       END AS note
FROM analytics.goal_proposals p
WHERE ($1::text IS NULL OR p.state = $1)
ORDER BY p.as_of DESC, p.proposal_id DESC
LIMIT $2::int;
