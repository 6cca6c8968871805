-- gcal_merge_colors: merges the color palette (rows 'event:<n>' and
-- 'calendar:<n>' with data {background, foreground}, in pg_temp.gcal_stage)
-- into raw.google_calendar__colors.  Returns the number of rows written.
-- $1 = api_version.
WITH page AS (
    SELECT DISTINCT ON (source_id) source_id, data
    FROM pg_temp.gcal_stage
    ORDER BY source_id, ord DESC
), merged AS (
    INSERT INTO raw.google_calendar__colors AS r
           (source_id, data, synced_at, deleted_at, api_version)
    SELECT source_id, data, now(), NULL, $1 FROM page
    ON CONFLICT (source_id) DO UPDATE SET
        data = excluded.data, deleted_at = NULL,
        synced_at = excluded.synced_at, api_version = excluded.api_version
    WHERE r.data IS DISTINCT FROM excluded.data OR r.deleted_at IS NOT NULL
    RETURNING 1
)
SELECT count(*) FROM merged;
