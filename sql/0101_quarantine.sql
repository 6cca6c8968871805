-- 0101 quarantine: upstream items that failed the connector's checks
-- (connectors/validate.h).  Such an item never reaches raw.*: it is kept
-- here with the reason and its bytes (redacted, at most 64 KiB), counted in
-- ops.runs.rows_quarantined, and stays open until the same id arrives valid
-- (resolution 'landed', in the transaction that writes it to raw) or someone
-- dismisses it.  At most one open row per item: a bad item seen again only
-- moves last_seen_at.  See docs/contracts.md, "Quarantine".
CREATE TABLE ops.quarantine (
    id            bigserial PRIMARY KEY,
    source        text NOT NULL,        -- 'toggl_track' | 'google_calendar'
    entity        text NOT NULL,        -- 'time_entries' | 'events'
    item_id       text,                 -- the API id when readable (Google:
                                        -- '<calendarId>:<eventId>')
    item_key      text NOT NULL,        -- item_id, else 'sha256:<hex of raw>'
    reason        text NOT NULL,
    raw           bytea NOT NULL,       -- the item as sent, redacted, truncated
    raw_bytes     bigint NOT NULL,      -- its length before truncation
    run_id        bigint REFERENCES ops.runs(id) ON DELETE SET NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    seen_count    integer NOT NULL DEFAULT 1,
    resolved_at   timestamptz,
    resolution    text CHECK (resolution IN ('landed', 'dismissed')),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE UNIQUE INDEX quarantine_open ON ops.quarantine (source, entity, item_key)
    WHERE resolved_at IS NULL;

ALTER TABLE ops.runs ADD COLUMN rows_quarantined bigint NOT NULL DEFAULT 0;

-- The ops.runs row of this database session's running command (run_start
-- records the session's backend pid), or NULL.
CREATE FUNCTION ops.current_run_id() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT max(id) FROM ops.runs
     WHERE status = 'running' AND backend_pid = pg_backend_pid()
$$;

-- Records one failing item (in the page's transaction) and counts it on
-- the current run.
CREATE FUNCTION ops.quarantine_item(src text, ent text, iid text, why text,
                                    raw_item bytea, raw_len bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    run bigint := ops.current_run_id();
BEGIN
    INSERT INTO ops.quarantine AS q (source, entity, item_id, item_key, reason,
                                     raw, raw_bytes, run_id)
    VALUES (src, ent, iid,
            coalesce(iid, 'sha256:' || encode(sha256(raw_item), 'hex')),
            why, raw_item, raw_len, run)
    ON CONFLICT (source, entity, item_key) WHERE resolved_at IS NULL DO UPDATE
       SET reason = excluded.reason, raw = excluded.raw,
           raw_bytes = excluded.raw_bytes, run_id = excluded.run_id,
           last_seen_at = now(), seen_count = q.seen_count + 1;
    UPDATE ops.runs SET rows_quarantined = rows_quarantined + 1 WHERE id = run;
END
$$;

-- Closes the open rows of items that have just landed valid in raw (ids
-- as the raw source_id).  Returns how many.
CREATE FUNCTION ops.quarantine_resolve(src text, ent text, ids text[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    UPDATE ops.quarantine
       SET resolved_at = now(), resolution = 'landed'
     WHERE source = src AND entity = ent AND resolved_at IS NULL
       AND item_id = ANY (ids);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
