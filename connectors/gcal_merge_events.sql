-- gcal_merge_events: merges the page in pg_temp.gcal_stage into
-- raw.google_calendar__events and remembers its ids in pg_temp.gcal_seen.
-- A cancelled item (often only {kind, etag, id, status}) sets deleted_at and
-- keeps the last full payload; an event that comes back un-cancelled clears
-- deleted_at.  Unchanged rows are not touched.  Returns (written, deleted):
-- rows inserted or changed that are live, and rows newly marked deleted.
-- $1 = api_version.
WITH page AS (
    SELECT DISTINCT ON (source_id) source_id, data,
           coalesce(cancelled, data->>'status' = 'cancelled', false) AS cancelled
    FROM pg_temp.gcal_stage
    ORDER BY source_id, ord DESC
), seen AS (
    INSERT INTO pg_temp.gcal_seen (source_id)
    SELECT source_id FROM page
    ON CONFLICT DO NOTHING
), merged AS (
    INSERT INTO raw.google_calendar__events AS r
           (source_id, data, synced_at, deleted_at, api_version)
    SELECT source_id, data, now(),
           CASE WHEN cancelled THEN now() END, $1
    FROM page
    ON CONFLICT (source_id) DO UPDATE SET
        data = CASE WHEN excluded.deleted_at IS NOT NULL THEN r.data
                    ELSE excluded.data END,
        deleted_at = CASE WHEN excluded.deleted_at IS NOT NULL
                          THEN coalesce(r.deleted_at, excluded.deleted_at) END,
        synced_at = excluded.synced_at,
        api_version = excluded.api_version
    WHERE (excluded.deleted_at IS NULL
           AND (r.data IS DISTINCT FROM excluded.data OR r.deleted_at IS NOT NULL))
       OR (excluded.deleted_at IS NOT NULL AND r.deleted_at IS NULL)
    RETURNING r.deleted_at IS NOT NULL AS deleted
)
SELECT count(*) FILTER (WHERE NOT deleted), count(*) FILTER (WHERE deleted)
FROM merged;
