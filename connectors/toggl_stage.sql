-- toggl_stage: the session's stage for `dwhbi sync toggl` (connectors/raw.c).
-- The connector COPYs the items of a page here, one row each: ord (its
-- position in the page), source_id (the item's id as ->> prints it),
-- data (the item's JSON as the API sent it, or a Reports entry flattened
-- to the v9 shape in C), deleted_at (its server_deleted_at).  odd marks a
-- row whose id or server_deleted_at C could not read for sure (an escaped
-- string, an unusual number): toggl_stage_fix.sql derives them in SQL.
-- Emptied at every commit; a page is merged in the transaction that moves
-- its cursor or checkpoint.
CREATE TEMP TABLE IF NOT EXISTS toggl_stage (
    ord        integer NOT NULL,
    source_id  text,
    data       jsonb NOT NULL,
    deleted_at timestamptz,
    odd        boolean NOT NULL
) ON COMMIT DELETE ROWS;
