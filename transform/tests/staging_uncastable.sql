-- severity: warn
-- Live raw rows that staging leaves out because a value does not cast or
-- the start lies outside 1990-01-01 .. now + 5 years (ops.*_castable,
-- sql/0102).  The connectors quarantine such items before raw, so a row
-- here got in some other way (an older dwhbi, a hand edit): it is
-- reported, the marts are built without it.  Fix or delete the raw row, or
-- resync the entry.
select 'raw.toggl_track__time_entries' as source, r.source_id
from raw.toggl_track__time_entries r
where r.deleted_at is null
  and r.data->>'server_deleted_at' is null
  and r.data->>'start' is not null
  and not ops.toggl_entry_castable(r.source_id, r.data)
union all
select 'raw.google_calendar__events', r.source_id
from raw.google_calendar__events r
where r.deleted_at is null
  and not ops.gcal_event_castable(r.data)
