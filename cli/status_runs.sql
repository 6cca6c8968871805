-- dwhbi status: the last runs, newest first.  $1 = how many.
SELECT id,
       job,
       status,
       to_char(started_at, 'YYYY-MM-DD HH24:MI:SS') AS started,
       coalesce(round(extract(epoch FROM finished_at - started_at)::numeric, 1)::text, '-') AS seconds,
       rows_written,
       coalesce(error, '') AS error
FROM ops.runs
ORDER BY started_at DESC, id DESC
LIMIT $1::int;
