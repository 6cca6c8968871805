-- staging.stg_google_calendar__events: typed live Google Calendar events.
-- source_id is '<calendarId>:<eventId>'; event ids never hold ':' so the
-- calendar id is everything before the last one.  start/end hold either
-- dateTime (timed) or date (all-day, end exclusive); absent status means
-- confirmed.
-- Casts are defensive (ops.safe_*, sql/0102_safe_casts.sql): a row whose
-- start, end or updated does not cast, or whose start lies outside
-- 1990-01-01 .. now + 5 years, is left out rather than failing the
-- transform; the data test staging_uncastable (severity warn) names it.
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
    c.start_at,
    c.end_at,
    c.start_date,
    c.end_date,
    r.data->>'recurringEventId'                              as recurring_event_id,
    r.data->>'eventType'                                     as event_type,
    r.data->>'transparency'                                  as transparency,
    c.updated_at,
    r.synced_at
from raw.google_calendar__events r
cross join lateral (
    select
        ops.safe_timestamptz(r.data->'start'->>'dateTime')   as start_at,
        ops.safe_timestamptz(r.data->'end'->>'dateTime')     as end_at,
        ops.safe_date(r.data->'start'->>'date')              as start_date,
        ops.safe_date(r.data->'end'->>'date')                as end_date,
        ops.safe_timestamptz(r.data->>'updated')             as updated_at
) c
where r.deleted_at is null
  and (c.start_at is not null or r.data->'start'->>'dateTime' is null)
  and (c.end_at is not null or r.data->'end'->>'dateTime' is null)
  and (c.start_date is not null or r.data->'start'->>'date' is null)
  and (c.end_date is not null or r.data->'end'->>'date' is null)
  and (c.updated_at is not null or r.data->>'updated' is null)
  and coalesce(c.start_at, c.start_date::timestamptz, '2000-01-01T00:00:00Z')
      between '1990-01-01T00:00:00Z' and now() + interval '5 years'
