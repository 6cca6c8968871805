-- console: the log lines of a run (sql/0130), oldest first, at most $2.
-- $1 run id.
SELECT seq, at, level, message
FROM ops.run_logs
WHERE run_id = $1::bigint
ORDER BY seq
LIMIT $2
