-- 0125 transform state: what the last committed `dwhbi transform` built
-- from, so the next one rebuilds only the local days that changed since
-- (transform/changes.sql).  One row, written in the transform's own
-- transaction: a failed or rolled-back transform leaves the previous state.
--   fingerprint        md5 of the models' text, the time zone, the holiday
--                      calendar, ref (categories, rules, goals, holidays) and
--                      the small raw tables (me, workspaces, projects,
--                      clients, tags, calendar list, colors): any change
--                      means a full rebuild;
--   *_synced_at        the newest synced_at of the raw table then (rows
--                      synced after it count as changed next time);
--   *_at_mark          how many rows had that synced_at (more of them next
--                      time: those count as changed too).
-- No row: the next transform rebuilds everything.
CREATE TABLE ops.transform_state (
    id                boolean PRIMARY KEY DEFAULT true CHECK (id),
    built_at          timestamptz NOT NULL,
    full_built_at     timestamptz NOT NULL,
    fingerprint       text NOT NULL,
    entries_synced_at timestamptz,
    entries_at_mark   bigint NOT NULL,
    events_synced_at  timestamptz,
    events_at_mark    bigint NOT NULL
);
