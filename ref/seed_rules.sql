-- dwhbi seed: replaces ref.category_rules by the validated rows of
-- category_rules.csv (temp table seed_rules), only when they differ, so the
-- rule ids stay stable across seeds of the same file.  Returns the rows
-- written and deleted.
WITH changed AS (
    SELECT EXISTS (SELECT priority, match_on, pattern, category FROM ref.category_rules
                   EXCEPT ALL
                   SELECT priority, match_on, pattern, category FROM seed_rules)
        OR EXISTS (SELECT priority, match_on, pattern, category FROM seed_rules
                   EXCEPT ALL
                   SELECT priority, match_on, pattern, category FROM ref.category_rules) AS yes
),
gone AS (
    DELETE FROM ref.category_rules WHERE (SELECT yes FROM changed) RETURNING 1
),
put AS (
    INSERT INTO ref.category_rules (priority, match_on, pattern, category)
    SELECT priority, match_on, pattern, category
    FROM seed_rules
    WHERE (SELECT yes FROM changed)
    ORDER BY line
    RETURNING 1
)
SELECT (SELECT count(*) FROM put), (SELECT count(*) FROM gone)
