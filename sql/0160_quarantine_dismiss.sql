-- 0160 quarantine dismissal (`dwhbi quarantine dismiss`): a dismissed row
-- stays in ops.quarantine (resolution 'dismissed', with the run that
-- dismissed it and an optional note); nothing is deleted.  A dismissal
-- sticks while upstream keeps sending the same bytes: seeing them again
-- moves the dismissed row's last_seen_at instead of opening a new row
-- (master listings are fetched whole on every sync, so without this a
-- dismissed project would be back the next night).  Different bytes of
-- the same item open a new row.  status/doctor count open rows only.
ALTER TABLE ops.quarantine
    ADD COLUMN resolved_run_id bigint REFERENCES ops.runs(id) ON DELETE SET NULL,
    ADD COLUMN note text;

CREATE INDEX quarantine_key ON ops.quarantine (source, entity, item_key, id);

DROP FUNCTION ops.quarantine_item(text, text, text, text, bytea, bigint);

-- Records one failing item (in the page's transaction) and counts it on
-- the current run.  Returns 'open', or 'dismissed' when the item's latest
-- row was dismissed with these very bytes (the row is only touched).
CREATE FUNCTION ops.quarantine_item(src text, ent text, iid text, why text,
                                    raw_item bytea, raw_len bigint)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    run bigint := ops.current_run_id();
    key text := coalesce(iid, 'sha256:' || encode(sha256(raw_item), 'hex'));
    last ops.quarantine%ROWTYPE;
BEGIN
    UPDATE ops.runs SET rows_quarantined = rows_quarantined + 1 WHERE id = run;
    SELECT * INTO last FROM ops.quarantine
     WHERE source = src AND entity = ent AND item_key = key
     ORDER BY (resolved_at IS NULL) DESC, id DESC LIMIT 1;
    IF FOUND AND last.resolution = 'dismissed' AND last.raw = raw_item THEN
        UPDATE ops.quarantine SET last_seen_at = now(), seen_count = seen_count + 1
         WHERE id = last.id;
        RETURN 'dismissed';
    END IF;
    INSERT INTO ops.quarantine AS q (source, entity, item_id, item_key, reason,
                                     raw, raw_bytes, run_id)
    VALUES (src, ent, iid, key, why, raw_item, raw_len, run)
    ON CONFLICT (source, entity, item_key) WHERE resolved_at IS NULL DO UPDATE
       SET reason = excluded.reason, raw = excluded.raw,
           raw_bytes = excluded.raw_bytes, run_id = excluded.run_id,
           last_seen_at = now(), seen_count = q.seen_count + 1;
    RETURN 'open';
END
$$;

-- Closes the open rows of items that have just landed valid in raw.
CREATE OR REPLACE FUNCTION ops.quarantine_resolve(src text, ent text, ids text[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    UPDATE ops.quarantine
       SET resolved_at = now(), resolution = 'landed',
           resolved_run_id = ops.current_run_id()
     WHERE source = src AND entity = ent AND resolved_at IS NULL
       AND item_id = ANY (ids);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Dismisses one open row (qid), or every open row (qid NULL).  Returns
-- the ids dismissed.
CREATE FUNCTION ops.quarantine_dismiss(qid bigint, why text)
RETURNS SETOF bigint LANGUAGE sql AS $$
    UPDATE ops.quarantine
       SET resolved_at = now(), resolution = 'dismissed',
           resolved_run_id = ops.current_run_id(), note = why
     WHERE resolved_at IS NULL AND (qid IS NULL OR id = qid)
    RETURNING id
$$;
