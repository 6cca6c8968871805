-- toggl_merge: merges pg_temp.toggl_stage into {{target}} (a raw.toggl_track__*
-- table named by connectors/raw.c from a fixed list): source_id = the item's
-- id, deleted_at = its server_deleted_at; of an id staged twice the last
-- one wins.  A row is rewritten only when its payload or its deletion
-- changed (a row a reconcile marked deleted that is listed again, even
-- unchanged, is live again).  A row that
-- came from the v9 API is not overwritten by a Reports row (which has fewer
-- fields) unless the Reports row is newer by `at`.  $1 = api_version.
-- Returns (written, deleted): rows written, and how many of them are
-- deleted.
WITH page AS (
    SELECT DISTINCT ON (source_id) source_id, data, deleted_at
      FROM pg_temp.toggl_stage
     WHERE source_id IS NOT NULL
     ORDER BY source_id, ord DESC
), merged AS (
    INSERT INTO {{target}} AS t (source_id, data, synced_at, deleted_at, api_version)
    SELECT source_id, data, now(), deleted_at, $1 FROM page
    ON CONFLICT (source_id) DO UPDATE
       SET data = excluded.data, synced_at = excluded.synced_at,
           deleted_at = excluded.deleted_at, api_version = excluded.api_version
     WHERE (t.data IS DISTINCT FROM excluded.data
            OR t.deleted_at IS DISTINCT FROM excluded.deleted_at)
       AND NOT (t.api_version = 'v9' AND excluded.api_version <> 'v9'
                AND COALESCE((excluded.data->>'at')::timestamptz
                             <= (t.data->>'at')::timestamptz, true))
    RETURNING t.deleted_at IS NOT NULL AS is_deleted
)
SELECT count(*), count(*) FILTER (WHERE is_deleted) FROM merged;
