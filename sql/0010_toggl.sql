-- 0010 Toggl: what `dwhbi sync toggl` calls once per API page.
--
-- The connector COPYs each page (the response body, verbatim, one row per
-- page) into its session's temporary table pg_temp.toggl_page(body jsonb)
-- and calls these functions in the same transaction that moves its cursor
-- or checkpoint (ops.toggl_save_state).  Pages are split here, not in C, so
-- 64-bit ids and every other value reach raw.* exactly as the API sent them
-- (jsonb keeps numbers as numeric).

-- The objects of the pages in pg_temp.toggl_page: the elements of array
-- bodies, an object body as itself.  With report_wid, bodies are Reports v3
-- search pages, flattened to v9-shaped time entries.
CREATE FUNCTION ops.toggl_page_items(report_wid bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE items jsonb;
BEGIN
    IF report_wid IS NULL THEN
        SELECT COALESCE(jsonb_agg(e ORDER BY p.ord, e.ord), '[]'::jsonb) INTO items
          FROM (SELECT body, row_number() OVER () AS ord FROM pg_temp.toggl_page) AS p,
               jsonb_array_elements(CASE jsonb_typeof(p.body)
                                    WHEN 'array' THEN p.body
                                    WHEN 'object' THEN jsonb_build_array(p.body)
                                    ELSE '[]'::jsonb END)
                   WITH ORDINALITY AS e(e, ord);
    ELSE
        SELECT COALESCE(jsonb_agg(x ORDER BY p.ord, x.ord), '[]'::jsonb) INTO items
          FROM (SELECT body, row_number() OVER () AS ord FROM pg_temp.toggl_page) AS p,
               jsonb_array_elements(ops.toggl_report_entries(p.body, report_wid))
                   WITH ORDINALITY AS x(x, ord);
    END IF;
    RETURN items;
END
$$;

-- Flattens one Reports v3 search page (rows holding nested time_entries)
-- into v9-shaped time entries, so staging reads one shape.  Tag names come
-- from raw.toggl_track__tags when they are known; pid only with a project,
-- as in v9.
CREATE FUNCTION ops.toggl_report_entries(page jsonb, wid bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT COALESCE(jsonb_agg(
        jsonb_build_object(
            'id', te->'id',
            'workspace_id', wid, 'wid', wid,
            'project_id', r->'project_id', 'pid', r->'project_id',
            'task_id', r->'task_id',
            'billable', r->'billable',
            'description', r->'description',
            'tag_ids', r->'tag_ids',
            'tags', tg.names,
            'user_id', r->'user_id', 'uid', r->'user_id',
            'start', te->'start', 'stop', te->'stop',
            'duration', te->'seconds',
            'at', te->'at',
            'server_deleted_at', NULL)
        - CASE WHEN jsonb_typeof(r->'project_id') = 'number' THEN '' ELSE 'pid' END
        ORDER BY rr.ord_r, ee.ord_e), '[]'::jsonb)
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(page) = 'array' THEN page
                                   ELSE '[]' END)
             WITH ORDINALITY AS rr(r, ord_r)
    CROSS JOIN LATERAL (
        SELECT jsonb_agg(t.data->>'name' ORDER BY i.n) AS names
          FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(rr.r->'tag_ids') = 'array'
                                              THEN rr.r->'tag_ids' ELSE '[]' END)
                   WITH ORDINALITY AS i(tag_id, n)
          JOIN raw.toggl_track__tags AS t ON t.source_id = i.tag_id) AS tg
    CROSS JOIN LATERAL jsonb_array_elements(
             CASE WHEN jsonb_typeof(rr.r->'time_entries') = 'array'
                  THEN rr.r->'time_entries' ELSE '[]' END)
             WITH ORDINALITY AS ee(te, ord_e)
$$;

-- Merges the objects of pg_temp.toggl_page into a raw table: source_id = the
-- object's id, deleted_at = its server_deleted_at.  A row is rewritten only
-- when its payload changed.  A row that came from the v9 API is not
-- overwritten by a Reports row (which has fewer fields) unless the Reports
-- row is newer by `at`.  Returns the objects read, the rows written and how
-- many of those are deleted.
CREATE FUNCTION ops.toggl_merge_page(target regclass, version text, report_wid bigint,
                                     OUT read bigint, OUT written bigint,
                                     OUT deleted bigint)
LANGUAGE plpgsql AS $$
DECLARE items jsonb := ops.toggl_page_items(report_wid);
BEGIN
    read := jsonb_array_length(items);
    EXECUTE format($sql$
        WITH m AS (
            INSERT INTO %s AS t (source_id, data, synced_at, deleted_at, api_version)
            SELECT DISTINCT ON (e->>'id') e->>'id', e, now(),
                   (e->>'server_deleted_at')::timestamptz, $2
              FROM jsonb_array_elements($1) WITH ORDINALITY AS x(e, ord)
             WHERE e->>'id' IS NOT NULL
             ORDER BY e->>'id', ord DESC
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
-- workspaces) that a complete listing (the pages in pg_temp.toggl_page) no
-- longer contains.  workspace_id NULL reconciles the whole table; otherwise
-- only that workspace's rows.  Returns how many rows were marked.
CREATE FUNCTION ops.toggl_reconcile_master(target regclass, workspace_id text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    items jsonb := ops.toggl_page_items(NULL);
    n bigint;
BEGIN
    EXECUTE format($sql$
        UPDATE %s AS t SET deleted_at = now(), synced_at = now()
         WHERE t.deleted_at IS NULL
           AND ($2::text IS NULL
                OR COALESCE(t.data->>'workspace_id', t.data->>'wid') = $2)
           AND t.source_id NOT IN (SELECT e->>'id' FROM jsonb_array_elements($1) AS e
                                    WHERE e->>'id' IS NOT NULL)
    $sql$, target) USING items, workspace_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- A --days window lists every live entry whose start is in [lo, hi); an
-- entry of that window missing from the listing (pg_temp.toggl_page) was
-- deleted, since the window listing never shows deleted entries.  Marks them
-- and returns how many.
CREATE FUNCTION ops.toggl_reconcile_window(lo timestamptz, hi timestamptz)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    items jsonb := ops.toggl_page_items(NULL);
    n bigint;
BEGIN
    UPDATE raw.toggl_track__time_entries AS t
       SET deleted_at = now(), synced_at = now()
     WHERE t.deleted_at IS NULL
       AND (t.data->>'start')::timestamptz >= lo
       AND (t.data->>'start')::timestamptz < hi
       AND t.source_id NOT IN (SELECT e->>'id' FROM jsonb_array_elements(items) AS e
                                WHERE e->>'id' IS NOT NULL);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Writes a source's cursor and checkpoint (both replaced, NULL clears) and
-- marks it synced now; changed says whether this step changed raw rows.
CREATE FUNCTION ops.toggl_save_state(src text, new_cursor text,
                                     new_checkpoint jsonb, changed boolean)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO ops.sync_state AS s (source, cursor, checkpoint, last_synced_at,
                                     last_changed_at, updated_at)
    VALUES (src, new_cursor, new_checkpoint, now(),
            CASE WHEN changed THEN now() END, now())
    ON CONFLICT (source) DO UPDATE
       SET cursor = excluded.cursor, checkpoint = excluded.checkpoint,
           last_synced_at = excluded.last_synced_at,
           last_changed_at = COALESCE(excluded.last_changed_at, s.last_changed_at),
           updated_at = excluded.updated_at
$$;
