-- Fixture rows for the console tests (t8*.sh and the browser test): a few
-- categories, goals, proposals, runs and sync states, with hostile text in
-- the places a person's own data could carry it.  Run after `dwhbi migrate`.
INSERT INTO ref.categories (category, display_name, coarse_group, color, sort_order) VALUES
    ('Sleep', '睡眠', 'Essentials', '#5b6ee1', 1),
    ('Work', 'Work <b>deep</b>', 'Obligation', '#e8833a', 2),
    ('Exercise', '運動', 'Essentials', '#3aa55d', 3),
    ('Untracked', 'Untracked', 'Other', '#bbbbbb', 98),
    ('Uncategorized', 'Uncategorized', 'Other', '#999999', 99);

INSERT INTO ref.goals (goal_id, category, day_type, period, minutes, direction, valid_from, source) VALUES
    (1, 'Sleep', 'any', 'day', 420, 'more', current_date - 60, 'import'),
    (2, 'Work', 'weekday', 'week', 2400, 'less', current_date - 60, 'import'),
    (3, 'Exercise', 'any', 'week', 180, 'more', current_date - 60, 'import');
SELECT setval('ref.goals_goal_id_seq', 3);

INSERT INTO analytics.goal_proposals (proposal_id, as_of, goal_id, category, day_type, period,
        direction, current_minutes, proposed_minutes, probability_before, probability_after,
        reason, state, decided_at) VALUES
    (1, current_date - 1, 3, 'Exercise', 'any', 'week', 'more', 180, 155, 0.12, 0.70,
     'too hard: met in 1 of the last 8 weeks <script>alert(1)</script>', 'pending', NULL),
    (2, current_date - 1, 1, 'Sleep', 'any', 'day', 'more', 420, 440, 0.95, 0.71,
     'too easy: met on 29 of the last 30 days', 'pending', NULL),
    (3, current_date - 8, 2, 'Work', 'weekday', 'week', 'less', 2400, 2300, 0.93, 0.70,
     'too easy', 'rejected', now() - interval '7 days');
SELECT setval('analytics.goal_proposals_proposal_id_seq', 3);

INSERT INTO ops.sync_state (source, cursor, last_synced_at, last_changed_at) VALUES
    ('toggl_track.time_entries', '1700000000', now() - interval '2 hours', now() - interval '3 hours'),
    ('toggl_track.projects', NULL, now() - interval '2 hours', now() - interval '9 days'),
    ('google_calendar.events:primary', 'sync-token', now() - interval '50 hours', now() - interval '50 hours');

INSERT INTO ops.runs (job, args, started_at, finished_at, status, rows_read, rows_written, rows_deleted, error) VALUES
    ('sync toggl', '--days 3', now() - interval '2 hours 1 minute', now() - interval '2 hours', 'success', 120, 14, 1, NULL),
    ('sync gcal', '', now() - interval '26 hours', now() - interval '26 hours' + interval '9 seconds', 'failed', 0, 0, 0,
     'event ''<script>alert("x")</script>'' has no start: re-run with --full'),
    ('transform', '', now() - interval '1 hour', now() - interval '1 hour' + interval '42 seconds', 'success', 5000, 4200, 0, NULL);

INSERT INTO analytics.estimates (calculated_at, as_of, target_date, category, method,
        minutes, lower80, upper80, lower95, upper95) VALUES
    (now() - interval '1 hour', current_date - 1, current_date, 'Sleep', 'weekday_mean', 431, 390, 470, 370, 490),
    (now() - interval '1 hour', current_date - 1, current_date, 'Work', 'ets', 402.5, 300, 505, 250, 560),
    (now() - interval '1 hour', current_date - 1, current_date + 1, 'Sleep', 'weekday_mean', 431, 390, 470, 370, 490);
