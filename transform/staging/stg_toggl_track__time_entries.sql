-- staging.stg_toggl_track__time_entries: one typed row per live Toggl time
-- entry.  Rows come from two APIs with different field names (v9
-- /me/time_entries: project_id/pid, user_id/uid, duration; Reports v3,
-- flattened by the connector: seconds), so every field is read tolerantly.
-- A running entry has a negative duration (-1 or -start epoch) or no stop.
-- Defensive: a row that does not cast to these columns, or starts outside
-- 1990-01-01 .. now + 5 years, is left out instead of failing the
-- transform: rows whose values do not cast are found through the partial
-- index of ops.toggl_entry_casts (sql/0161) and excluded behind an OFFSET 0
-- fence, so no cast above it sees them (when there are none, which one
-- probe of that index tells, no row is looked up); the window test on the
-- start runs above the fence (the same rows as ops.toggl_entry_castable,
-- sql/0102, at a tenth of the cost).  The connector's checks keep such rows out of
-- raw; the data test staging_uncastable (severity warn) names any that get in.
-- materialized: view
select
    r.source_id::bigint                                          as time_entry_id,
    coalesce(r.data->>'workspace_id', r.data->>'wid')::bigint     as workspace_id,
    coalesce(r.data->>'project_id', r.data->>'pid')::bigint       as project_id,
    coalesce(r.data->>'user_id', r.data->>'uid')::bigint          as user_id,
    nullif(r.data->>'description', '')                           as description,
    (r.data->>'start')::timestamptz                              as start_at,
    (r.data->>'stop')::timestamptz                               as stop_at,
    coalesce(r.data->>'duration', r.data->>'seconds')::bigint     as duration_seconds,
    coalesce(coalesce(r.data->>'duration', r.data->>'seconds')::bigint < 0, false)
        or r.data->>'stop' is null                               as is_running,
    case when jsonb_typeof(r.data->'tags') = 'array'
         then array(select jsonb_array_elements_text(r.data->'tags'))
         else '{}'::text[] end                                   as tags,
    case when jsonb_typeof(r.data->'tag_ids') = 'array'
         then array(select t::bigint from jsonb_array_elements_text(r.data->'tag_ids') t)
         else '{}'::bigint[] end                                 as tag_ids,
    nullif(r.data->>'project_name', '')                          as project_name,
    (r.data->>'at')::timestamptz                                 as updated_at,
    r.synced_at
from (select r.*
      from raw.toggl_track__time_entries r
      where r.deleted_at is null
        and r.data->>'server_deleted_at' is null
        and r.data->>'start' is not null
        and (not exists (select 1 from raw.toggl_track__time_entries b   -- once
                         where not ops.toggl_entry_casts(b.source_id, b.data))
             or not exists (select 1 from raw.toggl_track__time_entries b
                            where b.source_id = r.source_id
                              and not ops.toggl_entry_casts(b.source_id, b.data)))
      offset 0) r
where not coalesce((r.data->>'start')::timestamptz
                   not between '1990-01-01T00:00:00Z' and (select now() + interval '5 years'), false)
