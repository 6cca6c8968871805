-- staging.stg_google_calendar__events: typed live Google Calendar events.
-- source_id is '<calendarId>:<eventId>'; event ids never hold ':' so the
-- calendar id is everything before the last one.  start/end hold either
-- dateTime (timed) or date (all-day, end exclusive); absent status means
-- confirmed.
-- Defensive: a row whose start, end or updated does not cast, or that
-- starts outside 1990-01-01 .. now + 5 years, is left out instead of
-- failing the transform (the same rows as ops.gcal_event_castable,
-- sql/0102): the rows that do not cast through the partial index of
-- ops.gcal_event_casts (sql/0161), behind an OFFSET 0 fence, the window
-- test above it; the data test staging_uncastable names them.
-- materialized: view
select
    r.source_id                                              as event_key,
    substring(r.source_id from '^(.*):[^:]*$')               as calendar_id,
    coalesce(r.data->>'id', substring(r.source_id from ':([^:]*)$')) as event_id,
    coalesce(r.data->>'status', 'confirmed')                 as status,
    r.data->>'summary'                                       as summary,
    r.data->>'colorId'                                       as color_id,
    (r.data->'start'->>'dateTime' is null
        and r.data->'start'->>'date' is not null)            as is_all_day,
    (r.data->'start'->>'dateTime')::timestamptz              as start_at,
    (r.data->'end'->>'dateTime')::timestamptz                as end_at,
    (r.data->'start'->>'date')::date                         as start_date,
    (r.data->'end'->>'date')::date                           as end_date,
    r.data->>'recurringEventId'                              as recurring_event_id,
    r.data->>'eventType'                                     as event_type,
    r.data->>'transparency'                                  as transparency,
    (r.data->>'updated')::timestamptz                        as updated_at,
    r.synced_at
from (select r.*
      from raw.google_calendar__events r
      where r.deleted_at is null
        and (not exists (select 1 from raw.google_calendar__events b   -- once
                         where not ops.gcal_event_casts(b.data))
             or not exists (select 1 from raw.google_calendar__events b
                            where b.source_id = r.source_id
                              and not ops.gcal_event_casts(b.data)))
      offset 0) r
where coalesce((r.data->'start'->>'dateTime')::timestamptz,
               (r.data->'start'->>'date')::date::timestamptz) is null
   or coalesce((r.data->'start'->>'dateTime')::timestamptz,
               (r.data->'start'->>'date')::date::timestamptz)
      between '1990-01-01T00:00:00Z' and (select now() + interval '5 years')
