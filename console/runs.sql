-- console: run history, newest first.  $1 job or NULL, $2 status or NULL,
-- $3 only ids below this (paging) or NULL, $4 limit.
SELECT id, parent_id, job, args, started_at, finished_at, status,
       rows_read, rows_written, rows_deleted,
       extract(epoch FROM coalesce(finished_at, clock_timestamp()) - started_at)::float8
           AS duration_seconds,
       error
FROM ops.runs
WHERE ($1::text IS NULL OR job = $1)
  AND ($2::text IS NULL OR status = $2)
  AND ($3::bigint IS NULL OR id < $3)
ORDER BY id DESC
LIMIT $4
