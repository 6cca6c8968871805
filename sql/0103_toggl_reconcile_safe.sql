-- 0103: the --days window reconcile of 0010 with a safe cast, so a raw row
-- whose start does not cast (stored before the connectors' checks, see
-- sql/0101) is not judged instead of failing every --days sync.  Same
-- contract as before otherwise.
CREATE OR REPLACE FUNCTION ops.toggl_reconcile_window(lo timestamptz, hi timestamptz)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    items jsonb := ops.toggl_page_items(NULL);
    n bigint;
BEGIN
    UPDATE raw.toggl_track__time_entries AS t
       SET deleted_at = now(), synced_at = now()
     WHERE t.deleted_at IS NULL
       AND ops.safe_timestamptz(t.data->>'start') >= lo
       AND ops.safe_timestamptz(t.data->>'start') < hi
       AND t.source_id NOT IN (SELECT e->>'id' FROM jsonb_array_elements(items) AS e
                                WHERE e->>'id' IS NOT NULL);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
