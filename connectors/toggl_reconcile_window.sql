-- toggl_reconcile_window: a --days window lists every live entry whose
-- start is in [$1, $2); an entry of that window missing from the listing
-- (staged in pg_temp.toggl_stage) was deleted, since the window listing
-- never shows deleted entries.  $3 = the ids quarantined from the listing
-- (text[]): they were listed, so their rows keep their last valid version.
-- A raw start that does not cast (stored before the connectors' checks) is
-- not judged.  Returns how many rows were marked.
WITH gone AS (
    UPDATE raw.toggl_track__time_entries AS t
       SET deleted_at = now(), synced_at = now()
     WHERE t.deleted_at IS NULL
       AND ops.safe_timestamptz(t.data->>'start') >= $1::timestamptz
       AND ops.safe_timestamptz(t.data->>'start') < $2::timestamptz
       AND NOT EXISTS (SELECT 1 FROM pg_temp.toggl_stage s
                        WHERE s.source_id = t.source_id)
       AND t.source_id <> ALL ($3::text[])
    RETURNING 1
)
SELECT count(*) FROM gone;
