-- console: the latest run of a job (any state) and the latest finished one,
-- as one row (all NULL when the job never ran).  $1 = 'sync toggl'.
WITH last_run AS (
    SELECT id, status, started_at FROM ops.runs
    WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT 1
), last_finished AS (
    SELECT status, error FROM ops.runs
    WHERE job = $1 AND status <> 'running'
    ORDER BY started_at DESC, id DESC LIMIT 1
)
SELECT (SELECT id FROM last_run) AS last_run_id,
       (SELECT status FROM last_run) AS last_run_status,
       (SELECT started_at FROM last_run) AS last_run_started_at,
       (SELECT status FROM last_finished) AS last_finished_status,
       (SELECT error FROM last_finished) AS last_finished_error
