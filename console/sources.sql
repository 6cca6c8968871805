-- console: the freshness rows of one source (the source itself and each of
-- its raw tables) from marts.source_freshness.  $1 = 'toggl_track'.
SELECT source, last_synced_at, last_changed_at, row_count, deleted_count
FROM marts.source_freshness
WHERE source = $1 OR source LIKE $1 || '.%'
ORDER BY source = $1 DESC, source
