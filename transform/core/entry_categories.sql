-- core.entry_categories: the category of every entry of core.time_entries.
-- All
-- matching rules compete; the lowest priority wins, then the more specific
-- kind (project, client, tag, project color, keyword), then the older rule.
-- No match: 'Uncategorized'.
-- materialized: table
-- unique_key: time_entry_id
-- incremental: time_entry_id in (select time_entry_id from dwhbi_changed_entries)
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
--incremental: where e.time_entry_id in (select time_entry_id from dwhbi_changed_entries)
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
-- The best rule of each project: most entries are decided by it alone.
project_best as (
    select distinct on (project_id) project_id, rule_id, priority, kind_rank, category
    from core.project_rules
    order by project_id, priority, kind_rank, rule_id
),
-- Rules that look at the entry itself (a project name carried by an entry
-- whose project is not in raw, tags, keywords): few entries have any.
other_candidates as (
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
other_best as (
    select distinct on (time_entry_id) time_entry_id, rule_id, priority, kind_rank, category
    from other_candidates
    order by time_entry_id, priority, kind_rank, rule_id
)
select e.time_entry_id,
       case when o.rule_id is not null
                 and (p.rule_id is null
                      or (o.priority, o.kind_rank, o.rule_id) < (p.priority, p.kind_rank, p.rule_id))
            then o.category
            else coalesce(p.category, 'Uncategorized') end as category,
       case when o.rule_id is not null
                 and (p.rule_id is null
                      or (o.priority, o.kind_rank, o.rule_id) < (p.priority, p.kind_rank, p.rule_id))
            then o.rule_id
            else p.rule_id end as rule_id
from entries e
left join project_best p on p.project_id = e.project_id
left join other_best o on o.time_entry_id = e.time_entry_id
