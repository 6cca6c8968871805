-- core.categories: ref.categories plus the two categories every mart must
-- have (Untracked, Uncategorized) when the person's file leaves them out.
-- materialized: table
-- incremental: unchanged
-- unique_key: category
select category, display_name, coarse_group, color, sort_order
from ref.categories
union all
select v.category, v.display_name, v.coarse_group, v.color, v.sort_order
from (values
        ('Untracked',     '未記録', 'Untracked',     '#bdbdbd', 9998),
        ('Uncategorized', '未分類', 'Uncategorized', '#9e9e9e', 9999)
     ) as v(category, display_name, coarse_group, color, sort_order)
where not exists (select 1 from ref.categories c where c.category = v.category)
