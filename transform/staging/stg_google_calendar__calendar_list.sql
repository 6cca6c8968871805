-- staging.stg_google_calendar__calendar_list: typed live calendars.
-- materialized: view
select
    r.source_id                                        as calendar_id,
    r.data->>'summary'                                 as summary,
    r.data->>'timeZone'                                as time_zone,
    r.data->>'colorId'                                 as color_id,
    coalesce((r.data->>'primary')::boolean, false)     as is_primary,
    r.synced_at
from raw.google_calendar__calendar_list r
where r.deleted_at is null
