-- marts.source_freshness: for each service and each raw table, when it was
-- last synced, when a sync last changed a row, and how many live and
-- deleted rows it holds.  last_synced_at comes from ops.sync_state (keys
-- 'service.entity[:detail]'); a table without its own key uses its
-- service's latest sync, then the newest raw row.
-- materialized: table
-- unique_key: source
-- incremental: merge
with tables as (
    select 'toggl_track' as service, 'toggl_track.me' as source, count(*) filter (where deleted_at is null) as row_count, count(*) filter (where deleted_at is not null) as deleted_count, max(synced_at) as changed_at from raw.toggl_track__me
    union all
    select 'toggl_track', 'toggl_track.workspaces', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.toggl_track__workspaces
    union all
    select 'toggl_track', 'toggl_track.projects', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.toggl_track__projects
    union all
    select 'toggl_track', 'toggl_track.clients', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.toggl_track__clients
    union all
    select 'toggl_track', 'toggl_track.tags', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.toggl_track__tags
    union all
    select 'toggl_track', 'toggl_track.time_entries', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.toggl_track__time_entries
    union all
    select 'google_calendar', 'google_calendar.calendar_list', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.google_calendar__calendar_list
    union all
    select 'google_calendar', 'google_calendar.colors', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.google_calendar__colors
    union all
    select 'google_calendar', 'google_calendar.events', count(*) filter (where deleted_at is null), count(*) filter (where deleted_at is not null), max(synced_at) from raw.google_calendar__events
),
state as (
    select split_part(source, ':', 1) as source,
           split_part(source, '.', 1) as service,
           last_synced_at, last_changed_at
    from ops.sync_state
),
per_table as (
    select t.service, t.source,
           coalesce((select max(s.last_synced_at) from state s where s.source = t.source),
                    (select max(s.last_synced_at) from state s where s.service = t.service),
                    t.changed_at) as last_synced_at,
           greatest(t.changed_at,
                    (select max(s.last_changed_at) from state s where s.source = t.source)) as last_changed_at,
           t.row_count, t.deleted_count
    from tables t
),
per_service as (
    select p.service as source,
           coalesce((select max(s.last_synced_at) from state s where s.service = p.service),
                    max(p.last_synced_at)) as last_synced_at,
           max(p.last_changed_at) as last_changed_at,
           sum(p.row_count)::bigint as row_count,
           sum(p.deleted_count)::bigint as deleted_count
    from per_table p
    group by p.service
)
select source, last_synced_at as time, last_synced_at, last_changed_at, row_count, deleted_count
from (
    select source, last_synced_at, last_changed_at, row_count, deleted_count from per_service
    union all
    select source, last_synced_at, last_changed_at, row_count, deleted_count from per_table
) f
order by source
