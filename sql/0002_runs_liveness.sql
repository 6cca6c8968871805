-- 0002 runs liveness: remember which database session a run used, so a run
-- whose process died (killed, crashed, machine lost) can be told apart from
-- one that is still going: its session is gone from pg_stat_activity.
-- pid and backend_start of every session are visible to ordinary roles.
ALTER TABLE ops.runs ADD COLUMN backend_pid integer;
ALTER TABLE ops.runs ADD COLUMN backend_start timestamptz;

-- Marks runs whose session has ended without finishing them as failed.
-- Called when a new run starts; returns how many were marked.
CREATE FUNCTION ops.reap_interrupted_runs() RETURNS integer
LANGUAGE sql AS $$
    WITH dead AS (
        UPDATE ops.runs r
        SET status = 'failed',
            finished_at = clock_timestamp(),
            error = 'interrupted: the process ended before the run finished'
        WHERE r.status = 'running'
          AND r.backend_pid IS NOT NULL
          AND NOT EXISTS (
              SELECT 1 FROM pg_stat_activity a
              WHERE a.pid = r.backend_pid
                AND a.backend_start = r.backend_start)
        RETURNING 1)
    SELECT count(*)::integer FROM dead
$$;
