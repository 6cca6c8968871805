-- staging.stg_toggl_track__projects: typed live Toggl projects (archived ones
-- included: old entries still point at them).
-- materialized: view
select
    r.source_id::bigint                                      as project_id,
    coalesce(r.data->>'workspace_id', r.data->>'wid')::bigint as workspace_id,
    coalesce(r.data->>'client_id', r.data->>'cid')::bigint    as client_id,
    r.data->>'name'                                          as project_name,
    lower(r.data->>'color')                                  as color,
    coalesce((r.data->>'active')::boolean, true)             as is_active,
    r.synced_at
from raw.toggl_track__projects r
where r.deleted_at is null
  and r.data->>'server_deleted_at' is null
