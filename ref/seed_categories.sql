-- dwhbi seed: upserts the validated rows of categories.csv (temp table
-- seed_categories) into ref.categories; returns how many rows changed.
WITH put AS (
    INSERT INTO ref.categories (category, display_name, coarse_group, color, sort_order)
    SELECT category, display_name, coarse_group, color, sort_order
    FROM seed_categories
    ON CONFLICT (category) DO UPDATE
       SET display_name = excluded.display_name,
           coarse_group = excluded.coarse_group,
           color = excluded.color,
           sort_order = excluded.sort_order
     WHERE (ref.categories.display_name, ref.categories.coarse_group,
            ref.categories.color, ref.categories.sort_order)
           IS DISTINCT FROM
           (excluded.display_name, excluded.coarse_group, excluded.color, excluded.sort_order)
    RETURNING 1
)
SELECT count(*) FROM put
