-- gcal_reconcile_events: after a full sync of one calendar, marks deleted
-- the live rows of that calendar that the full sync did not return (events
-- deleted while a sync token was expired leave no tombstone).  When the full
-- sync had a lower bound (timeMin), only rows ending after it can be judged.
-- $1 = '<calendarId>:' (source_id prefix), $2 = timeMin or NULL.
-- Event ids never contain ':', so the strpos test keeps calendar 'a' from
-- touching calendar 'a:b'.  An end that does not parse is not judged (the
-- safe casts of sql/0102 give NULL, so one odd row cannot fail the page;
-- a pattern that only looked at the shape let "2026-99-99T99:99:99Z"
-- through to a failing cast).  Returns the number of rows marked.
WITH gone AS (
    UPDATE raw.google_calendar__events r
    SET deleted_at = now(), synced_at = now()
    WHERE starts_with(r.source_id, $1)
      AND strpos(substr(r.source_id, length($1) + 1), ':') = 0
      AND r.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM pg_temp.gcal_seen s
                      WHERE s.source_id = r.source_id)
      AND ($2::timestamptz IS NULL
           OR coalesce(ops.safe_timestamptz(r.data->'end'->>'dateTime'),
                       ops.safe_date(r.data->'end'->>'date')::timestamptz)
              > $2::timestamptz)
    RETURNING 1
)
SELECT count(*) FROM gone;
