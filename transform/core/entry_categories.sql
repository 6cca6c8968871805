-- core.entry_categories: the category of every entry of core.time_entries.
-- All
-- matching rules compete; the lowest priority wins, then the more specific
-- kind (project, client, tag, project color, keyword), then the older rule.
-- No match: 'Uncategorized'.
-- materialized: table
-- unique_key: time_entry_id
with rules as (
    select rule_id, priority, match_on, pattern, category,
           case match_on when 'toggl_project' then 1
                         when 'toggl_tag' then 3
                         when 'keyword' then 5 end as kind_rank
    from ref.category_rules
    where match_on in ('toggl_project', 'toggl_tag', 'keyword')
),
entries as (
    select e.time_entry_id, e.project_id, e.description, e.tags, e.tag_ids,
           e.meta_project_name,
           p.project_id is not null as has_project
    from core.time_entries e
    left join core.projects p on p.project_id = e.project_id
),
tag_names as (
    select e.time_entry_id, t.tag_name
    from entries e cross join lateral unnest(e.tags) as t(tag_name)
    union
    select e.time_entry_id, g.tag_name
    from entries e
    cross join lateral unnest(e.tag_ids) as i(tag_id)
    join staging.stg_toggl_track__tags g on g.tag_id = i.tag_id
),
candidates as (
    select e.time_entry_id, pr.rule_id, pr.priority, pr.kind_rank, pr.category
    from entries e
    join core.project_rules pr on pr.project_id = e.project_id
    union all
    -- an entry whose project is not (yet) in raw still carries its name
    select e.time_entry_id, r.rule_id, r.priority, r.kind_rank, r.category
    from entries e
    join rules r on r.match_on = 'toggl_project' and r.pattern = e.meta_project_name
    where not e.has_project
    union all
    select tn.time_entry_id, r.rule_id, r.priority, r.kind_rank, r.category
    from tag_names tn
    join rules r on r.match_on = 'toggl_tag' and r.pattern = tn.tag_name
    union all
    select e.time_entry_id, r.rule_id, r.priority, r.kind_rank, r.category
    from entries e
    join rules r on r.match_on = 'keyword'
                and strpos(lower(e.description), lower(r.pattern)) > 0
    where e.description is not null
),
best as (
    select distinct on (time_entry_id) time_entry_id, rule_id, category
    from candidates
    order by time_entry_id, priority, kind_rank, rule_id
)
select e.time_entry_id,
       coalesce(b.category, 'Uncategorized') as category,
       b.rule_id
from entries e
left join best b on b.time_entry_id = e.time_entry_id
