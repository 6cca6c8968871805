-- console: goals valid today (in zone $1), with the probability from the
-- adjuster's latest proposal for the goal when there is one, and the next
-- version when one is already decided (an accepted proposal starts with the
-- next period).
WITH today AS (SELECT (now() AT TIME ZONE $1)::date AS d)
SELECT g.goal_id, g.category, coalesce(c.display_name, g.category) AS display_name,
       c.color, g.day_type, g.period, g.minutes, g.direction,
       g.valid_from, g.valid_to, g.source,
       p.probability_before AS probability, p.as_of AS probability_as_of,
       n.minutes AS next_minutes, n.valid_from AS next_valid_from
FROM ref.goals g
CROSS JOIN today t
LEFT JOIN ref.categories c ON c.category = g.category
LEFT JOIN LATERAL (
    SELECT probability_before, as_of FROM analytics.goal_proposals gp
    WHERE gp.goal_id = g.goal_id
    ORDER BY gp.as_of DESC, gp.created_at DESC, gp.proposal_id DESC LIMIT 1
) p ON true
LEFT JOIN LATERAL (
    SELECT minutes, valid_from FROM ref.goals ng
    WHERE ng.category = g.category AND ng.day_type = g.day_type
      AND ng.period = g.period AND ng.valid_from > t.d
    ORDER BY ng.valid_from LIMIT 1
) n ON true
WHERE g.valid_from <= t.d AND (g.valid_to IS NULL OR g.valid_to > t.d)
ORDER BY coalesce(c.sort_order, 2147483647), g.category, g.period, g.day_type
