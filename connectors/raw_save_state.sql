-- raw_save_state: stores a source's cursor and checkpoint in ops.sync_state
-- (connectors/raw.c, for Toggl and Google).  Runs in the transaction of the
-- page it belongs to, so the cursor is never ahead of the committed rows.
-- $1 = source key, $2 = cursor (NULL drops it), $3 = checkpoint jsonb or
-- NULL (both replaced), $4 = 'true' when a row changed (sets
-- last_changed_at), $5 = 'true' when the sync completed (sets
-- last_synced_at).
INSERT INTO ops.sync_state AS s
       (source, cursor, checkpoint, last_synced_at, last_changed_at, updated_at)
VALUES ($1, $2, $3::jsonb,
        CASE WHEN $5::boolean THEN now() END,
        CASE WHEN $4::boolean THEN now() END,
        now())
ON CONFLICT (source) DO UPDATE SET
    cursor = excluded.cursor,
    checkpoint = excluded.checkpoint,
    last_synced_at = coalesce(excluded.last_synced_at, s.last_synced_at),
    last_changed_at = coalesce(excluded.last_changed_at, s.last_changed_at),
    updated_at = now();
