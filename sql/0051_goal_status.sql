-- 0051 adjuster: the status of every goal in its current period, as computed
-- by `dwhbi adjust --as-of DATE` (the "goals" part of its output), so the
-- console and Grafana can show a probability for goals without a proposal.
-- One snapshot per as_of: a re-run for the same as_of replaces its rows in
-- the transaction that stores the proposals.  Values are unrounded (the text
-- and JSON output round them); period_end is exclusive like the JSON's
-- period_end, so the period is [period_start, period_end).  probability is
-- NULL for neutral goals, hits is NULL for them too.
CREATE TABLE analytics.goal_status (
    calculated_at  timestamptz NOT NULL,
    as_of          date NOT NULL,
    goal_id        bigint NOT NULL REFERENCES ref.goals(goal_id),
    category       text NOT NULL,
    day_type       text NOT NULL,
    period         text NOT NULL,
    direction      text NOT NULL,
    goal_minutes   integer NOT NULL,
    period_start   date NOT NULL,
    period_end     date NOT NULL,
    so_far         double precision NOT NULL,
    expected       double precision NOT NULL,
    sd             double precision NOT NULL,
    probability    double precision,
    status         text NOT NULL
                   CHECK (status IN ('met', 'on_track', 'at_risk', 'off_track', 'neutral')),
    hits           integer,
    periods        integer NOT NULL,
    PRIMARY KEY (as_of, goal_id),
    CHECK (period_end > period_start)
);

-- The newest snapshot: the rows of the greatest as_of (ties cannot happen
-- within one as_of, but calculated_at orders them should rows of one as_of
-- ever come from several runs).
CREATE VIEW marts.latest_goal_status AS
SELECT s.*
FROM analytics.goal_status s
WHERE (s.as_of, s.calculated_at) = (
    SELECT as_of, calculated_at FROM analytics.goal_status
    ORDER BY as_of DESC, calculated_at DESC LIMIT 1);
