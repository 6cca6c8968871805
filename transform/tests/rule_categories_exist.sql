-- Every category named by a rule, a goal or a record exists in
-- ref.categories (Untracked and Uncategorized must be there too once
-- categories are seeded).
select 'ref.category_rules' as source, r.category
from ref.category_rules r
where not exists (select 1 from ref.categories c where c.category = r.category)
union all
select 'ref.goals', g.category
from ref.goals g
where not exists (select 1 from ref.categories c where c.category = g.category)
union all
select 'ref.categories (required)', v.category
from (values ('Untracked'), ('Uncategorized')) v(category)
where exists (select 1 from ref.categories)
  and not exists (select 1 from ref.categories c where c.category = v.category)
union all
select distinct 'core.actual_records', a.category
from core.actual_records a
where true
--incremental: and a.date in (select date from dwhbi_changed_days)
  and not exists (select 1 from core.categories c where c.category = a.category)
union all
select distinct 'core.plan_records', p.category
from core.plan_records p
where true
--incremental: and p.date in (select date from dwhbi_changed_days)
  and not exists (select 1 from core.categories c where c.category = p.category)
