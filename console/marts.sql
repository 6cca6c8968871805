-- console: every relation in schema marts with its row count (tables only;
-- views are not counted) and when the transform last built it
-- (ops.model_builds).
SELECT c.relname AS name,
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                      ELSE 'table' END AS kind,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN
           (xpath('/row/n/text()',
                  query_to_xml(format('SELECT count(*) AS n FROM marts.%I', c.relname),
                               false, true, '')))[1]::text::bigint
       END AS row_count,
       b.built_at AS last_refresh
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN ops.model_builds b ON b.model = 'marts.' || c.relname
WHERE n.nspname = 'marts' AND c.relkind IN ('r', 'p', 'v', 'm')
ORDER BY c.relname
