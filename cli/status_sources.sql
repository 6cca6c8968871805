-- dwhbi status: one line per source (raw table) with its freshness.
-- $1 = hours after which a source counts as stale.
WITH raw_tables AS (
    SELECT c.relname AS tbl,
           replace(c.relname, '__', '.') AS source
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'raw' AND c.relkind = 'r'
),
state AS (
    SELECT split_part(source, ':', 1) AS source,
           max(last_synced_at) AS last_synced_at,
           max(last_changed_at) AS last_changed_at
    FROM ops.sync_state
    GROUP BY 1
),
last_run AS (
    SELECT DISTINCT ON (job) job, status
    FROM ops.runs
    WHERE job LIKE 'sync %' AND status <> 'running'
    ORDER BY job, started_at DESC
)
SELECT t.source,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM raw.%I WHERE deleted_at IS NULL', t.tbl),
                           false, true, '')))[1]::text::bigint AS live_rows,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM raw.%I WHERE deleted_at IS NOT NULL', t.tbl),
                           false, true, '')))[1]::text::bigint AS deleted_rows,
       coalesce(to_char(s.last_synced_at, 'YYYY-MM-DD HH24:MI'), '-') AS last_synced,
       coalesce(to_char(s.last_changed_at, 'YYYY-MM-DD HH24:MI'), '-') AS last_changed,
       CASE
           WHEN r.status = 'failed' THEN 'failing'
           WHEN s.last_synced_at IS NULL THEN 'never'
           WHEN s.last_synced_at < now() - make_interval(hours => $1::int) THEN 'stale'
           ELSE 'fresh'
       END AS state
FROM raw_tables t
LEFT JOIN state s ON s.source = t.source
LEFT JOIN last_run r ON r.job = 'sync ' || CASE
           WHEN t.source LIKE 'toggl_track.%' THEN 'toggl'
           ELSE 'gcal' END
ORDER BY t.source;
