-- console: one run with its duration and its parent's job.  $1 run id.
SELECT r.id, r.parent_id, p.job AS parent_job, r.job, r.args, r.started_at,
       r.finished_at, r.status, r.rows_read, r.rows_written, r.rows_deleted,
       extract(epoch FROM coalesce(r.finished_at, clock_timestamp()) - r.started_at)::float8
           AS duration_seconds,
       r.error, r.detail
FROM ops.runs r
LEFT JOIN ops.runs p ON p.id = r.parent_id
WHERE r.id = $1::bigint
