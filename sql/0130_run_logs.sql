-- 0130 run logs: the log lines of each run (what the command printed on
-- stderr through lib/log.c, redacted), written when the run ends.  Bounded
-- per run: the first 100 and the last 300 lines, each at most 2000 bytes;
-- a line at level 'note' says how many lines in between were not kept.
CREATE TABLE ops.run_logs (
    run_id   bigint NOT NULL REFERENCES ops.runs(id) ON DELETE CASCADE,
    seq      integer NOT NULL,
    at       timestamptz NOT NULL,
    level    text NOT NULL CHECK (level IN ('error', 'warning', 'info', 'debug', 'note')),
    message  text NOT NULL,
    PRIMARY KEY (run_id, seq)
);
