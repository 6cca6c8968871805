-- console: the child steps of a run (ops.runs.parent_id), in the order they
-- started, with their durations and how many log lines each kept.  $1 run id.
SELECT s.id, s.job, s.args, s.started_at, s.finished_at, s.status,
       s.rows_read, s.rows_written, s.rows_deleted,
       extract(epoch FROM coalesce(s.finished_at, clock_timestamp()) - s.started_at)::float8
           AS duration_seconds,
       s.error,
       (SELECT count(*) FROM ops.run_logs l WHERE l.run_id = s.id) AS log_lines
FROM ops.runs s
WHERE s.parent_id = $1::bigint
ORDER BY s.started_at, s.id
