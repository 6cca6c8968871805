-- dwhbi seed: ref.holidays becomes the all-day events of the holiday
-- calendar ($1) in raw.google_calendar__events (live, not cancelled), one
-- row per day an event covers (end date exclusive).  Returns the days in the
-- calendar, the rows removed and the rows written.
WITH days AS (
    SELECT DISTINCT ON (d.day::date)
           d.day::date AS date,
           coalesce(nullif(e.data->>'summary', ''), 'holiday') AS name
    FROM raw.google_calendar__events e
    CROSS JOIN LATERAL generate_series(
        (e.data->'start'->>'date')::date::timestamp,
        ((e.data->'end'->>'date')::date - 1)::timestamp,
        interval '1 day') AS d(day)
    WHERE substring(e.source_id from '^(.*):[^:]*$') = $1
      AND e.deleted_at IS NULL
      AND coalesce(e.data->>'status', 'confirmed') <> 'cancelled'
      AND e.data->'start'->>'date' IS NOT NULL
      AND e.data->'end'->>'date' IS NOT NULL
    ORDER BY d.day::date, name
),
gone AS (
    DELETE FROM ref.holidays h
    WHERE NOT EXISTS (SELECT 1 FROM days WHERE days.date = h.date)
    RETURNING 1
),
put AS (
    INSERT INTO ref.holidays (date, name)
    SELECT date, name FROM days
    ON CONFLICT (date) DO UPDATE SET name = excluded.name
     WHERE ref.holidays.name IS DISTINCT FROM excluded.name
    RETURNING 1
)
SELECT (SELECT count(*) FROM days), (SELECT count(*) FROM gone), (SELECT count(*) FROM put)
