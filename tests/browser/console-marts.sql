-- The two marts the console reads, with exactly the columns of
-- docs/contracts.md, for tests that run before (or without) the transform.
-- Created only when the transform has not built them.
DO $$
BEGIN
    IF to_regclass('marts.source_freshness') IS NULL THEN
        CREATE TABLE marts.source_freshness (
            source text, "time" timestamptz, last_synced_at timestamptz,
            last_changed_at timestamptz, row_count bigint, deleted_count bigint);
    END IF;
    IF to_regclass('marts.goal_achievement') IS NULL THEN
        CREATE TABLE marts.goal_achievement (
            period text, period_start date, "time" timestamptz, goal_id bigint,
            category text, day_type text, direction text, goal_minutes numeric,
            actual_minutes numeric, achievement_rate numeric, met boolean,
            complete boolean);
    END IF;
END $$;
DELETE FROM marts.source_freshness;
INSERT INTO marts.source_freshness (source, "time", last_synced_at, last_changed_at, row_count, deleted_count) VALUES
    ('toggl_track', now() - interval '2 hours', now() - interval '2 hours', now() - interval '3 hours', 1523, 7),
    ('toggl_track.time_entries', now() - interval '2 hours', now() - interval '2 hours', now() - interval '3 hours', 1500, 7),
    ('toggl_track.projects', now() - interval '2 hours', now() - interval '2 hours', now() - interval '9 days', 23, 0),
    ('google_calendar', now() - interval '50 hours', now() - interval '50 hours', now() - interval '50 hours', 311, 2),
    ('google_calendar.events', now() - interval '50 hours', now() - interval '50 hours', now() - interval '50 hours', 311, 2);
DELETE FROM marts.goal_achievement;
INSERT INTO marts.goal_achievement (period, period_start, "time", goal_id, category, day_type,
        direction, goal_minutes, actual_minutes, achievement_rate, met, complete) VALUES
    ('day', current_date - 1, now(), 1, 'Sleep', 'any', 'more', 420, 445, 1.0595, true, true),
    ('day', current_date, now(), 1, 'Sleep', 'any', 'more', 420, 390, 0.9286, false, false),
    ('week', date_trunc('week', current_date)::date, now(), 3, 'Exercise', 'any', 'more', 180, 45, 0.25, false, false),
    ('week', date_trunc('week', current_date)::date, now(), 2, 'Work', 'weekday', 'less', 2400, 1320, 0.55, true, false);
