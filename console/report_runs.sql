-- console: where the latest successful report runs wrote their file
-- (ops.runs.detail.output, as the command was given it: relative paths are
-- relative to where that command ran).
SELECT id AS run_id, finished_at, args, detail->>'output' AS output
FROM ops.runs
WHERE job = 'report' AND status = 'success' AND detail ? 'output'
ORDER BY id DESC
LIMIT 20
