-- status_quarantine: open quarantine rows (sql/0101_quarantine.sql) per
-- source and entity, for `dwhbi status` and `dwhbi doctor`: upstream items
-- that failed the connectors' checks and are kept out of raw.
SELECT source || '.' || entity AS source, count(*) AS open,
       to_char(max(last_seen_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS last_seen,
       (array_agg(coalesce(item_id, item_key) ORDER BY last_seen_at DESC))[1] AS latest_item,
       (array_agg(reason ORDER BY last_seen_at DESC))[1] AS latest_reason
FROM ops.quarantine
WHERE resolved_at IS NULL
GROUP BY source, entity
ORDER BY 1
