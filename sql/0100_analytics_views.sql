-- The analyzer's and adjuster's "latest snapshot" views move from marts to
-- analytics, the schema they read: marts belong to transform, and nothing
-- the analyzer writes flows back into the marts it reads (the transform
-- builds marts; analyze reads them and writes analytics; adjust reads both).
-- Grafana and the console join analytics.latest_* to the marts themselves.
DROP VIEW IF EXISTS marts.latest_estimates;
DROP VIEW IF EXISTS marts.latest_model_scores;
DROP VIEW IF EXISTS marts.latest_month_projections;
DROP VIEW IF EXISTS marts.latest_goal_status;

CREATE VIEW analytics.latest_estimates AS
SELECT e.*
FROM analytics.estimates e
WHERE e.calculated_at = (SELECT max(calculated_at) FROM analytics.estimates);

CREATE VIEW analytics.latest_model_scores AS
SELECT s.*
FROM analytics.model_scores s
WHERE s.calculated_at = (SELECT max(calculated_at) FROM analytics.model_scores);

CREATE VIEW analytics.latest_month_projections AS
SELECT p.*
FROM analytics.month_projections p
WHERE p.calculated_at = (SELECT max(calculated_at) FROM analytics.month_projections);

CREATE VIEW analytics.latest_goal_status AS
SELECT s.*
FROM analytics.goal_status s
WHERE (s.as_of, s.calculated_at) = (
    SELECT as_of, calculated_at FROM analytics.goal_status
    ORDER BY as_of DESC, calculated_at DESC LIMIT 1);
