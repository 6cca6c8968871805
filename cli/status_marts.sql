-- dwhbi status: one line per mart table with its row count and last build.
SELECT n.nspname || '.' || c.relname AS mart,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                           false, true, '')))[1]::text::bigint AS row_count,
       coalesce(to_char(b.built_at, 'YYYY-MM-DD HH24:MI'), '-') AS built_at
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN ops.model_builds b ON b.model = n.nspname || '.' || c.relname
WHERE n.nspname = 'marts' AND c.relkind IN ('r', 'v', 'm', 'p')
ORDER BY 1;
