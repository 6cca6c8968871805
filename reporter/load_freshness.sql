-- Last sync and last change of every source, in the report's time zone.
-- row_count is what the "rows" column shows: for a service's own row
-- ('toggl_track', 'google_calendar') the live rows of its entries or events
-- tables only (the service row's own count adds unrelated tables such as
-- projects and calendars); NULL when the marts list no such table.
-- $1 = IANA time zone.
SELECT f.source,
       to_char(f.last_synced_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
       to_char(f.last_changed_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
       CASE WHEN strpos(f.source, '.') > 0 THEN f.row_count
            ELSE (SELECT sum(t.row_count) FROM marts.source_freshness t
                  WHERE t.source IN (f.source || '.time_entries', f.source || '.events')
                     OR t.source LIKE f.source || '.events:%')
       END
FROM marts.source_freshness f
ORDER BY f.source;
