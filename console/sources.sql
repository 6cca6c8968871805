-- console: the freshness rows of one source (the source itself first, then
-- each of its raw tables), read live — sync times from ops.sync_state (keys
-- 'service.entity[:detail]'), row counts from the raw tables — so a sync
-- shows at once, without waiting for a transform to rebuild
-- marts.source_freshness.  A table without its own sync_state key gets its
-- service's latest sync.  $1 = 'toggl_track'.
WITH raw_tables AS (
    SELECT c.relname AS tbl, replace(c.relname, '__', '.') AS source
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'raw' AND c.relkind IN ('r', 'p')
      AND c.relname LIKE $1 || '\_\_%'
),
state AS (
    SELECT split_part(source, ':', 1) AS source, last_synced_at, last_changed_at
    FROM ops.sync_state
    WHERE source LIKE $1 || '.%'
),
per_table AS (
    SELECT t.source,
           coalesce((SELECT max(s.last_synced_at) FROM state s WHERE s.source = t.source),
                    (SELECT max(s.last_synced_at) FROM state s)) AS last_synced_at,
           (SELECT max(s.last_changed_at) FROM state s WHERE s.source = t.source)
               AS last_changed_at,
           (xpath('/row/n/text()', query_to_xml(format(
               'SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS n FROM raw.%I', t.tbl),
               false, true, '')))[1]::text::bigint AS row_count,
           (xpath('/row/n/text()', query_to_xml(format(
               'SELECT count(*) FILTER (WHERE deleted_at IS NOT NULL) AS n FROM raw.%I', t.tbl),
               false, true, '')))[1]::text::bigint AS deleted_count
    FROM raw_tables t
)
SELECT $1 AS source,
       (SELECT max(last_synced_at) FROM state) AS last_synced_at,
       (SELECT max(last_changed_at) FROM state) AS last_changed_at,
       (SELECT sum(row_count) FROM per_table)::bigint AS row_count,
       (SELECT sum(deleted_count) FROM per_table)::bigint AS deleted_count
UNION ALL
SELECT * FROM (SELECT source, last_synced_at, last_changed_at, row_count, deleted_count
               FROM per_table ORDER BY source) t
