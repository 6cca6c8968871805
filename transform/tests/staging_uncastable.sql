-- severity: warn
-- Live raw rows that staging leaves out because a value does not cast or
-- the start lies outside 1990-01-01 .. now + 5 years (the rows
-- ops.*_castable of sql/0102 refuse: those that do not cast come from the
-- partial indexes of sql/0161, the window is tested on the others).  The
-- connectors quarantine such items before raw, so a row here got in some
-- other way (an older dwhbi, a hand edit): it is reported, the marts are
-- built without it.  Fix or delete the raw row, or resync the entry.
select 'raw.toggl_track__time_entries' as source, r.source_id
from raw.toggl_track__time_entries r
where r.deleted_at is null
  and r.data->>'server_deleted_at' is null
  and r.data->>'start' is not null
  and not ops.toggl_entry_casts(r.source_id, r.data)
union all
select 'raw.toggl_track__time_entries', r.source_id
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
where (r.data->>'start')::timestamptz
      not between '1990-01-01T00:00:00Z' and (select now() + interval '5 years')
union all
select 'raw.google_calendar__events', r.source_id
from raw.google_calendar__events r
where r.deleted_at is null
  and not ops.gcal_event_casts(r.data)
union all
select 'raw.google_calendar__events', r.source_id
from (select r.*
      from raw.google_calendar__events r
      where r.deleted_at is null
        and (not exists (select 1 from raw.google_calendar__events b   -- once
                         where not ops.gcal_event_casts(b.data))
             or not exists (select 1 from raw.google_calendar__events b
                            where b.source_id = r.source_id
                              and not ops.gcal_event_casts(b.data)))
      offset 0) r
where not (coalesce((r.data->'start'->>'dateTime')::timestamptz,
                    (r.data->'start'->>'date')::date::timestamptz)
           between '1990-01-01T00:00:00Z' and (select now() + interval '5 years'))
