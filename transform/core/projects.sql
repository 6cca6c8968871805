-- core.projects: Toggl projects with their client, typed once for the
-- models that name or categorize entries.
-- materialized: table
-- incremental: unchanged
-- unique_key: project_id
select p.project_id, p.project_name, p.color, p.client_id, c.client_name, p.is_active
from staging.stg_toggl_track__projects p
left join staging.stg_toggl_track__clients c on c.client_id = p.client_id
