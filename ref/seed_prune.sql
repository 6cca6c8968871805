-- dwhbi seed: removes the categories that left categories.csv, unless a goal
-- or a proposal still names them (those stay, and seed says so).  Returns
-- the removed and the kept names.
WITH unused AS (
    SELECT c.category
    FROM ref.categories c
    WHERE NOT EXISTS (SELECT 1 FROM seed_categories s WHERE s.category = c.category)
),
gone AS (
    DELETE FROM ref.categories c
    USING unused u
    WHERE c.category = u.category
      AND NOT EXISTS (SELECT 1 FROM ref.goals g WHERE g.category = c.category)
      AND NOT EXISTS (SELECT 1 FROM ref.category_rules r WHERE r.category = c.category)
    RETURNING c.category
)
SELECT (SELECT count(*) FROM gone),
       (SELECT string_agg(category, ', ' ORDER BY category) FROM unused
         WHERE category NOT IN (SELECT category FROM gone))
