-- staging.stg_google_calendar__colors: the fixed color palette; source_id is
-- 'event:<n>' or 'calendar:<n>'.
-- materialized: view
select
    split_part(r.source_id, ':', 1)     as color_kind,
    split_part(r.source_id, ':', 2)     as color_id,
    lower(r.data->>'background')        as background,
    lower(r.data->>'foreground')        as foreground,
    r.synced_at
from raw.google_calendar__colors r
where r.deleted_at is null
