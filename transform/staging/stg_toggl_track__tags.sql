-- staging.stg_toggl_track__tags: typed live Toggl tags.
-- materialized: view
select
    r.source_id::bigint                                       as tag_id,
    coalesce(r.data->>'workspace_id', r.data->>'wid')::bigint  as workspace_id,
    r.data->>'name'                                           as tag_name,
    r.synced_at
from raw.toggl_track__tags r
where r.deleted_at is null
  and r.data->>'deleted_at' is null
