-- staging.stg_toggl_track__clients: typed live Toggl clients.
-- materialized: view
select
    r.source_id::bigint                                       as client_id,
    coalesce(r.data->>'workspace_id', r.data->>'wid')::bigint  as workspace_id,
    r.data->>'name'                                           as client_name,
    coalesce(not (r.data->>'archived')::boolean, true)        as is_active,
    r.synced_at
from raw.toggl_track__clients r
where r.deleted_at is null
  and r.data->>'server_deleted_at' is null
