-- 0010 Toggl: the merge functions `dwhbi sync toggl` calls once per page.
--
-- The connector COPYs each API page (the response body, verbatim) into a
-- temporary table and calls one of these in the same transaction that moves
-- its cursor or checkpoint in ops.sync_state.  The page is split here, not in
-- C, so 64-bit ids and every other value reach raw.* exactly as the API sent
-- them (jsonb keeps numbers as numeric).

-- Merges an array of API objects into a raw table: source_id = the object's
-- id, deleted_at = its server_deleted_at.  A row is rewritten only when its
-- payload changed.  A row that came from the v9 API is not overwritten by a
-- Reports row (which has fewer fields) unless the Reports row is newer by
-- `at`.  Returns how many rows were written and how many of those are
-- deleted.
CREATE FUNCTION ops.toggl_merge(target regclass, items jsonb, version text,
                                OUT written bigint, OUT deleted bigint)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($sql$
        WITH m AS (
            INSERT INTO %s AS t (source_id, data, synced_at, deleted_at, api_version)
            SELECT e->>'id', e, now(),
                   (e->>'server_deleted_at')::timestamptz, $2
              FROM jsonb_array_elements($1) AS e
             WHERE e->>'id' IS NOT NULL
            ON CONFLICT (source_id) DO UPDATE
               SET data = excluded.data, synced_at = excluded.synced_at,
                   deleted_at = excluded.deleted_at,
                   api_version = excluded.api_version
             WHERE t.data IS DISTINCT FROM excluded.data
               AND NOT (t.api_version = 'v9' AND excluded.api_version <> 'v9'
                        AND COALESCE((excluded.data->>'at')::timestamptz
                                     <= (t.data->>'at')::timestamptz, true))
            RETURNING t.deleted_at IS NOT NULL AS is_deleted)
        SELECT count(*), count(*) FILTER (WHERE is_deleted) FROM m
    $sql$, target) INTO written, deleted USING items, version;
END
$$;

-- Marks as deleted the rows of a master table (projects, clients, tags,
-- workspaces) that a complete listing no longer contains.  workspace_id NULL
-- reconciles the whole table (workspaces); otherwise only that workspace's
-- rows.  Returns how many rows were marked.
CREATE FUNCTION ops.toggl_reconcile_master(target regclass, items jsonb,
                                           workspace_id text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format($sql$
        UPDATE %s AS t SET deleted_at = now(), synced_at = now()
         WHERE t.deleted_at IS NULL
           AND ($2::text IS NULL OR t.data->>'workspace_id' = $2)
           AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements($1) AS e
                            WHERE e->>'id' = t.source_id)
    $sql$, target) USING items, workspace_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The --days window lists every live entry whose start is in [lo, hi); an
-- entry of that window missing from the listing was deleted (the window
-- listing never shows deleted entries).  Marks them and returns how many.
CREATE FUNCTION ops.toggl_reconcile_window(items jsonb, lo timestamptz,
                                           hi timestamptz)
RETURNS bigint LANGUAGE sql AS $$
    WITH d AS (
        UPDATE raw.toggl_track__time_entries AS t
           SET deleted_at = now(), synced_at = now()
         WHERE t.deleted_at IS NULL
           AND (t.data->>'start')::timestamptz >= lo
           AND (t.data->>'start')::timestamptz < hi
           AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(items) AS e
                            WHERE e->>'id' = t.source_id)
        RETURNING 1)
    SELECT count(*) FROM d
$$;

-- Flattens a Reports v3 search page (rows holding nested time_entries) into
-- v9-shaped time entries, so staging reads one shape.  Tag names come from
-- raw.toggl_track__tags when they are known.
CREATE FUNCTION ops.toggl_report_entries(page jsonb, workspace_id bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT COALESCE(jsonb_agg(
        jsonb_build_object(
            'id', te->'id',
            'workspace_id', workspace_id, 'wid', workspace_id,
            'project_id', r->'project_id', 'pid', r->'project_id',
            'task_id', r->'task_id',
            'billable', r->'billable',
            'description', r->'description',
            'tag_ids', r->'tag_ids',
            'tags', (SELECT jsonb_agg(tg.data->>'name' ORDER BY i.n)
                       FROM jsonb_array_elements_text(
                                CASE WHEN jsonb_typeof(r->'tag_ids') = 'array'
                                     THEN r->'tag_ids' ELSE '[]' END)
                            WITH ORDINALITY AS i(tag_id, n)
                       JOIN raw.toggl_track__tags AS tg ON tg.source_id = i.tag_id),
            'user_id', r->'user_id', 'uid', r->'user_id',
            'start', te->'start', 'stop', te->'stop',
            'duration', te->'seconds',
            'at', te->'at',
            'server_deleted_at', NULL)
        -- like v9: pid only when there is a project
        - CASE WHEN jsonb_typeof(r->'project_id') = 'number' THEN '' ELSE 'pid' END
        ORDER BY ord_r, ord_e), '[]'::jsonb)
    FROM jsonb_array_elements(page) WITH ORDINALITY AS rr(r, ord_r),
         jsonb_array_elements(rr.r->'time_entries') WITH ORDINALITY AS ee(te, ord_e)
$$;
