-- 0125 transform state: what the last committed `dwhbi transform` built
-- from, so the next one rebuilds only the local days that changed since
-- (transform/changes.sql).  One row, written in the transform's own
-- transaction: a failed or rolled-back transform leaves the previous state.
--   fingerprint        md5 of the models' text, the time zone, the holiday
--                      calendar, ref (categories, rules, goals, holidays) and
--                      the small raw tables (me, workspaces, projects,
--                      clients, tags, calendar list, colors): any change
--                      means a full rebuild;
--   *_synced_at        the newest synced_at/deleted_at of the raw table then
--                      (rows at or after it count as changed next time);
--   *_rows             the raw table's row count then (fewer rows, or more
--                      new rows than changed ones, means a full rebuild).
CREATE TABLE ops.transform_state (
    id                boolean PRIMARY KEY DEFAULT true CHECK (id),
    built_at          timestamptz NOT NULL,
    full_built_at     timestamptz NOT NULL,
    fingerprint       text NOT NULL,
    entries_synced_at timestamptz,
    entries_rows      bigint NOT NULL,
    events_synced_at  timestamptz,
    events_rows       bigint NOT NULL
);
