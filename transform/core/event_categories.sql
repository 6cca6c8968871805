-- core.event_categories: the category of every live calendar event, by the
-- rule order of docs/architecture.md: the summary first (a gcal_summary rule, or the
-- summary being a Toggl project's name, matched through that project's
-- rules), then the event color, then a keyword in the summary; priority
-- orders rules of the same kind.  No match: 'Uncategorized'.  It keeps what
-- core.plan_records and core.calendar need of each event (its calendar,
-- status and times), so an incremental build knows the days an event
-- covered when it was built.
-- materialized: table
-- unique_key: event_key
-- index: calendar_id
-- incremental: event_key in (select event_key from dwhbi_changed_events)
with rules as (
    select rule_id, priority, match_on, pattern, category
    from ref.category_rules
),
events as (
    select event_key, calendar_id, status, is_all_day, summary, color_id, start_at, end_at,
           start_date, end_date
    from staging.stg_google_calendar__events
--incremental: where event_key in (select event_key from dwhbi_changed_events)
),
candidates as (
    select e.event_key, 1 as kind_rank, r.priority, r.rule_id, r.category
    from events e
    join rules r on r.match_on = 'gcal_summary' and r.pattern = e.summary
    union all
    select e.event_key, 2, r.priority, r.rule_id, r.category
    from events e
    join rules r on r.match_on = 'toggl_project' and r.pattern = e.summary
    union all
    select e.event_key, 2, pr.priority, pr.rule_id, pr.category
    from events e
    join core.project_rules pr on pr.project_name = e.summary
    union all
    select e.event_key, 3, r.priority, r.rule_id, r.category
    from events e
    join rules r on r.match_on = 'gcal_color_id' and r.pattern = e.color_id
    union all
    select e.event_key, 4, r.priority, r.rule_id, r.category
    from events e
    join rules r on r.match_on = 'keyword'
                and strpos(lower(e.summary), lower(r.pattern)) > 0
    where e.summary is not null
),
best as (
    select distinct on (event_key) event_key, rule_id, category
    from candidates
    order by event_key, kind_rank, priority, rule_id
)
select e.event_key,
       coalesce(b.category, 'Uncategorized') as category,
       b.rule_id,
       e.calendar_id,
       e.status,
       e.is_all_day,
       e.summary,
       e.start_at,
       e.end_at,
       e.start_date,
       e.end_date
from events e
left join best b on b.event_key = e.event_key
