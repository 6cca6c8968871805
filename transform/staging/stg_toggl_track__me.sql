-- staging.stg_toggl_track__me: the Toggl user whose time this warehouse
-- describes (the token's owner).
-- materialized: view
select
    r.source_id::bigint                          as user_id,
    (r.data->>'default_workspace_id')::bigint     as default_workspace_id,
    r.data->>'fullname'                          as fullname,
    r.data->>'timezone'                          as timezone,
    r.synced_at
from raw.toggl_track__me r
where r.deleted_at is null
