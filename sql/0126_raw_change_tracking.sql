-- 0126: what an incremental transform reads of the two big raw tables
-- (transform/changes.sql, core.sync_clock, marts.source_freshness): the rows
-- synced or deleted since the last build, the newest synced_at and the row
-- counts, without reading every row.
CREATE INDEX IF NOT EXISTS toggl_track__time_entries_synced_at
    ON raw.toggl_track__time_entries (synced_at);
CREATE INDEX IF NOT EXISTS toggl_track__time_entries_deleted_at
    ON raw.toggl_track__time_entries (deleted_at, synced_at);
CREATE INDEX IF NOT EXISTS google_calendar__events_synced_at
    ON raw.google_calendar__events (synced_at);
CREATE INDEX IF NOT EXISTS google_calendar__events_deleted_at
    ON raw.google_calendar__events (deleted_at, synced_at);

-- Rows removed from raw (by hand: the connectors mark deletions with
-- deleted_at) cannot be seen by the watermark: forget the transform state,
-- so the next transform rebuilds everything.
CREATE FUNCTION ops.raw_rows_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ops.transform_state;
    RETURN NULL;
END $$;
CREATE TRIGGER transform_full_after_delete AFTER DELETE OR TRUNCATE
    ON raw.toggl_track__time_entries FOR EACH STATEMENT EXECUTE FUNCTION ops.raw_rows_removed();
CREATE TRIGGER transform_full_after_delete AFTER DELETE OR TRUNCATE
    ON raw.google_calendar__events FOR EACH STATEMENT EXECUTE FUNCTION ops.raw_rows_removed();
