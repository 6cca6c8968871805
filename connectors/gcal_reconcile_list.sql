-- gcal_reconcile_list: the calendar list is always fetched whole, so a
-- calendar missing from it was removed: mark it deleted (the row stays).
-- Returns the number of rows marked.
WITH gone AS (
    UPDATE raw.google_calendar__calendar_list r
    SET deleted_at = now(), synced_at = now()
    WHERE r.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM pg_temp.gcal_stage s
                      WHERE s.source_id = r.source_id)
    RETURNING 1
)
SELECT count(*) FROM gone;
