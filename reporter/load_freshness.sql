-- Last sync and last change of every source, in the report's time zone.
-- $1 = IANA time zone.
SELECT source,
       to_char(last_synced_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
       to_char(last_changed_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
       coalesce(row_count, 0)
FROM marts.source_freshness
ORDER BY source;
