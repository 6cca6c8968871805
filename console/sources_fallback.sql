-- console: the same shape as sources.sql from ops.sync_state alone, for a
-- database whose marts have not been built yet (row counts unknown).
SELECT source, last_synced_at, last_changed_at,
       NULL::bigint AS row_count, NULL::bigint AS deleted_count
FROM ops.sync_state
WHERE source LIKE $1 || '.%'
ORDER BY source
