-- 0040 analyzer: month-end projections, plan -> actual flows, and the marts
-- views of the latest analyzer snapshot.  The views read analytics.* only, so
-- the transform can rebuild the marts tables without touching them.

-- Append-only like analytics.estimates: one snapshot per `dwhbi analyze` run.
CREATE TABLE analytics.month_projections (
    calculated_at     timestamptz NOT NULL,
    as_of             date NOT NULL,
    month             date NOT NULL,            -- first day of the month projected
    category          text NOT NULL,
    method            text NOT NULL,            -- estimator of the remaining days
    actual_minutes    double precision NOT NULL, -- month start .. as_of
    remaining_minutes double precision NOT NULL, -- sum of the estimates after as_of
    projected_minutes double precision NOT NULL, -- actual + remaining
    lower80           double precision NOT NULL,
    upper80           double precision NOT NULL,
    lower95           double precision NOT NULL,
    upper95           double precision NOT NULL,
    days_elapsed      integer NOT NULL,
    days_remaining    integer NOT NULL,
    PRIMARY KEY (calculated_at, month, category)
);
COMMENT ON TABLE analytics.month_projections IS
    'month-end projection per category: actual so far plus the estimates of the remaining days; '
    'the interval adds the daily predictive variances, i.e. it assumes the days are independent '
    '(normal approximation), and is never below the actual so far';

-- Derived from marts.plan_actual_daily; each run replaces the periods up to
-- its as_of (keeping every run would repeat years of history daily).
CREATE TABLE analytics.plan_flows (
    period        text NOT NULL CHECK (period IN ('day', 'month')),
    period_start  date NOT NULL,
    from_category text NOT NULL,                -- where the minutes were planned
    to_category   text NOT NULL,                -- where they actually went
    minutes       double precision NOT NULL,
    calculated_at timestamptz NOT NULL,
    as_of         date NOT NULL,
    PRIMARY KEY (period, period_start, from_category, to_category)
);
COMMENT ON TABLE analytics.plan_flows IS
    'plan -> actual flow: a category short of plan gives its shortfall to the categories over plan '
    'in proportion to their excess (shortfall_i * excess_j / total excess); from = to is the planned '
    'time kept; a month is the sum of its days';

CREATE VIEW marts.latest_estimates AS
SELECT e.*
FROM analytics.estimates e
WHERE e.calculated_at = (SELECT max(calculated_at) FROM analytics.estimates);

CREATE VIEW marts.latest_model_scores AS
SELECT s.*
FROM analytics.model_scores s
WHERE s.calculated_at = (SELECT max(calculated_at) FROM analytics.model_scores);

CREATE VIEW marts.latest_month_projections AS
SELECT p.*
FROM analytics.month_projections p
WHERE p.calculated_at = (SELECT max(calculated_at) FROM analytics.month_projections);
