-- 0131 marts.run_history: the run history (ops.runs) as the dashboards read
-- it, so Grafana's read-only role needs only the marts schema.  Like
-- marts.source_freshness (which reads ops.sync_state) it reads ops
-- bookkeeping, never analytics.*.  ops.runs.error and args hold no secrets
-- (they are redacted when written).
CREATE VIEW marts.run_history AS
SELECT r.id, r.parent_id, r.job, r.args, r.started_at AS "time", r.started_at,
       r.finished_at, r.status,
       extract(epoch FROM coalesce(r.finished_at, clock_timestamp()) - r.started_at)::float8
           AS duration_seconds,
       r.rows_read, r.rows_written, r.rows_deleted, r.error
FROM ops.runs r;
