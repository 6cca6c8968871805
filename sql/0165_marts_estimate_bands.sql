-- 0165 marts.estimate_bands: the analyzer's latest estimates with their 80 %
-- and 95 % bands, as the dashboards read them, so Grafana's read-only role
-- needs only the marts schema (every panel reads marts.* only).
--
-- It is a view, not a mart table the transform builds: nothing of the
-- analyzer's output flows into the marts the analyzer reads (it reads
-- marts.daily_category and core.days, never this view), so a transform
-- after analyze still changes no mart, and the estimates meet the marts
-- only where a reader joins them, as before.  It reads the table
-- analytics.estimates (not the analytics.latest_estimates view, which the
-- analyzer's migrations may replace) and names its columns, so a column the
-- analyzer adds later does not change it.
CREATE VIEW marts.estimate_bands AS
SELECT e.target_date AS date,
       e.category,
       e.method,
       e.minutes,
       e.lower80,
       e.upper80,
       e.lower95,
       e.upper95,
       e.as_of,
       e.calculated_at
FROM analytics.estimates e
WHERE e.calculated_at = (SELECT max(calculated_at) FROM analytics.estimates);

COMMENT ON VIEW marts.estimate_bands IS
    'the latest analytics.estimates snapshot per target day (date) and category: point '
    '(minutes) and the 80 %/95 % bands; for dashboards, never read by the analyzer';
