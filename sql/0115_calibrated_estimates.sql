-- Calibrated estimates (issue 15).  The analyzer chooses a method by the
-- quantile score of its whole predictive distribution (mean pinball loss over
-- its quantile levels, out of fold); and it keeps, per snapshot, the rolling
-- backtest's errors of the points it writes, one row per backtest origin:
-- errors[h] = actual - the point that origin's forecast would have written
-- for the day h days after it (NULL: not predicted or not known).  Summed
-- over the days of a period they are that period's joint errors, from which
-- the month projection and the adjuster's P(met) come.
ALTER TABLE analytics.model_scores ADD COLUMN quantile_score double precision;
-- the mean of each estimate's distribution (minutes is its point, which for
-- a lumpy day is the median, often 0): sums of days add means
ALTER TABLE analytics.estimates ADD COLUMN mean_minutes double precision;
CREATE OR REPLACE VIEW analytics.latest_estimates AS
SELECT e.*
FROM analytics.estimates e
WHERE e.calculated_at = (SELECT max(calculated_at) FROM analytics.estimates);
-- the view's column list was fixed when it was created: it gains the column
CREATE OR REPLACE VIEW analytics.latest_model_scores AS
SELECT s.*
FROM analytics.model_scores s
WHERE s.calculated_at = (SELECT max(calculated_at) FROM analytics.model_scores);

CREATE TABLE analytics.estimate_errors (
    calculated_at timestamptz NOT NULL,
    as_of         date NOT NULL,
    category      text NOT NULL,
    method        text NOT NULL,
    origin        date NOT NULL,
    errors        double precision[] NOT NULL,
    PRIMARY KEY (calculated_at, category, origin)
);
