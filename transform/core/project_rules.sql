-- core.project_rules: every rule that matches a Toggl project by its own
-- name, its client's name or its color, with the rule's rank.  Entries and
-- calendar events both use it (an event whose summary is a project's name
-- gets that project's category).
-- materialized: table
-- incremental: unchanged
with rules as (
    select rule_id, priority, match_on, pattern, category,
           case match_on when 'toggl_project' then 1
                         when 'toggl_client' then 2
                         when 'toggl_project_color' then 4 end as kind_rank
    from ref.category_rules
    where match_on in ('toggl_project', 'toggl_client', 'toggl_project_color')
)
select p.project_id, p.project_name, r.rule_id, r.priority, r.kind_rank, r.category
from core.projects p
join rules r
  on (r.match_on = 'toggl_project' and r.pattern = p.project_name)
  or (r.match_on = 'toggl_client' and r.pattern = p.client_name)
  or (r.match_on = 'toggl_project_color' and lower(r.pattern) = p.color)
