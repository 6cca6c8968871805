-- staging.stg_toggl_track__time_entries: one typed row per live Toggl time
-- entry.  Rows come from two APIs with different field names (v9
-- /me/time_entries: project_id/pid, user_id/uid, duration; Reports v3,
-- flattened by the connector: seconds), so every field is read tolerantly.
-- A running entry has a negative duration (-1 or -start epoch) or no stop.
-- Casts are defensive (ops.safe_*, sql/0102_safe_casts.sql): a row whose
-- id, start, stop, duration, ids, at or tag_ids do not cast, or whose start
-- lies outside 1990-01-01 .. now + 5 years, is left out rather than failing
-- the transform.  The connector's checks keep such rows out of raw; the
-- data test staging_uncastable (severity warn) names any that get in.
-- materialized: view
select
    c.time_entry_id,
    c.workspace_id,
    c.project_id,
    c.user_id,
    nullif(r.data->>'description', '')                           as description,
    c.start_at,
    c.stop_at,
    c.duration_seconds,
    coalesce(c.duration_seconds < 0, false)
        or r.data->>'stop' is null                               as is_running,
    case when jsonb_typeof(r.data->'tags') = 'array'
         then array(select jsonb_array_elements_text(r.data->'tags'))
         else '{}'::text[] end                                   as tags,
    c.tag_ids,
    nullif(r.data->>'project_name', '')                          as project_name,
    c.updated_at,
    r.synced_at
from raw.toggl_track__time_entries r
cross join lateral (
    select
        ops.safe_bigint(r.source_id)                                      as time_entry_id,
        ops.safe_bigint(coalesce(r.data->>'workspace_id', r.data->>'wid')) as workspace_id,
        ops.safe_bigint(coalesce(r.data->>'project_id', r.data->>'pid'))   as project_id,
        ops.safe_bigint(coalesce(r.data->>'user_id', r.data->>'uid'))      as user_id,
        ops.safe_timestamptz(r.data->>'start')                            as start_at,
        ops.safe_timestamptz(r.data->>'stop')                             as stop_at,
        ops.safe_bigint(coalesce(r.data->>'duration', r.data->>'seconds')) as duration_seconds,
        case when jsonb_typeof(r.data->'tag_ids') = 'array'
             then array(select ops.safe_bigint(t)
                        from jsonb_array_elements_text(r.data->'tag_ids') t)
             else '{}'::bigint[] end                                      as tag_ids,
        ops.safe_timestamptz(r.data->>'at')                               as updated_at
) c
where r.deleted_at is null
  and r.data->>'server_deleted_at' is null
  and r.data->>'start' is not null
  and c.time_entry_id is not null
  and c.start_at >= '1990-01-01T00:00:00Z'
  and c.start_at <= now() + interval '5 years'
  and (c.stop_at is not null or r.data->>'stop' is null)
  and (c.duration_seconds is not null
       or coalesce(r.data->>'duration', r.data->>'seconds') is null)
  and (c.workspace_id is not null or coalesce(r.data->>'workspace_id', r.data->>'wid') is null)
  and (c.project_id is not null or coalesce(r.data->>'project_id', r.data->>'pid') is null)
  and (c.user_id is not null or coalesce(r.data->>'user_id', r.data->>'uid') is null)
  and (c.updated_at is not null or r.data->>'at' is null)
  and array_position(c.tag_ids, null) is null
