-- staging.stg_toggl_track__workspaces: typed live Toggl workspaces.
-- materialized: view
select
    r.source_id::bigint   as workspace_id,
    r.data->>'name'       as workspace_name,
    r.synced_at
from raw.toggl_track__workspaces r
where r.deleted_at is null
