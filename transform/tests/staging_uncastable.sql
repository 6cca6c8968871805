-- severity: warn
-- Live raw rows that staging leaves out because a value does not cast or
-- lies outside the sane window (see the staging models).  The connectors
-- quarantine such items before raw, so a row here got in some other way
-- (an older dwhbi, a hand edit): it is reported, the marts are built
-- without it.  Fix or delete the raw row, or resync the entry.  (EXCEPT,
-- not NOT EXISTS against the views: one hashed pass each.)
select 'raw.toggl_track__time_entries' as source, source_id
from (select r.source_id
      from raw.toggl_track__time_entries r
      where r.deleted_at is null
        and r.data->>'server_deleted_at' is null
        and r.data->>'start' is not null
      except
      select s.time_entry_id::text
      from staging.stg_toggl_track__time_entries s) t
union all
select 'raw.google_calendar__events', source_id
from (select r.source_id
      from raw.google_calendar__events r
      where r.deleted_at is null
      except
      select s.event_key
      from staging.stg_google_calendar__events s) e
