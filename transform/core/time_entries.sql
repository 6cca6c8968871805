-- core.time_entries: the person's live Toggl entries, parsed from JSON once
-- (every later model reads these typed rows).  stop_at is the effective end:
-- a running entry ends at the last sync of time entries (core.sync_clock),
-- never at now(), so re-running the transform gives identical marts.  Only
-- the token owner's entries count when raw.toggl_track__me is known (the
-- Reports backfill returns every user of a workspace).
-- materialized: table
-- unique_key: time_entry_id
-- index: user_id, start_at; is_running
-- incremental: time_entry_id in (select time_entry_id from dwhbi_changed_entries)
select e.time_entry_id,
       coalesce(e.user_id, 0) as user_id,
       e.project_id,
       e.description,
       e.tags,
       e.tag_ids,
       e.project_name as meta_project_name,
       e.start_at,
       case when e.is_running then greatest(e.start_at, c.actual_synced_at)
            else coalesce(e.stop_at, e.start_at + make_interval(secs => e.duration_seconds))
       end as stop_at,
       e.is_running
from staging.stg_toggl_track__time_entries e
cross join core.sync_clock c
where (not exists (select 1 from staging.stg_toggl_track__me)
       or e.user_id in (select user_id from staging.stg_toggl_track__me))
--incremental: and e.synced_at >= (select min(synced_at) from dwhbi_changed_entries)
--incremental: and e.time_entry_id in (select time_entry_id from dwhbi_changed_entries)
