-- 0001 foundation: schemas, raw tables, ops bookkeeping, and the ref/analytics
-- tables that several commands share.  Plain PostgreSQL 15, no extensions, no
-- superuser rights needed (the role only needs CREATE on the database).

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS analytics;

-- Raw: one table per API entity, the API object verbatim.
CREATE TABLE raw.toggl_track__me (
    source_id   text PRIMARY KEY,
    data        jsonb NOT NULL,
    synced_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    api_version text
);
CREATE TABLE raw.toggl_track__workspaces   (LIKE raw.toggl_track__me INCLUDING ALL);
CREATE TABLE raw.toggl_track__projects     (LIKE raw.toggl_track__me INCLUDING ALL);
CREATE TABLE raw.toggl_track__clients      (LIKE raw.toggl_track__me INCLUDING ALL);
CREATE TABLE raw.toggl_track__tags         (LIKE raw.toggl_track__me INCLUDING ALL);
CREATE TABLE raw.toggl_track__time_entries (LIKE raw.toggl_track__me INCLUDING ALL);
CREATE TABLE raw.google_calendar__calendar_list (LIKE raw.toggl_track__me INCLUDING ALL);
CREATE TABLE raw.google_calendar__colors        (LIKE raw.toggl_track__me INCLUDING ALL);
CREATE TABLE raw.google_calendar__events        (LIKE raw.toggl_track__me INCLUDING ALL);

-- Sync cursors and checkpoints.  source examples: 'toggl_track.time_entries',
-- 'toggl_track.backfill', 'google_calendar.events:<calendarId>'.
CREATE TABLE ops.sync_state (
    source          text PRIMARY KEY,
    cursor          text,              -- since / syncToken / next page
    checkpoint      jsonb,             -- resumable backfill position
    last_synced_at  timestamptz,       -- last successful sync
    last_changed_at timestamptz,       -- last sync that changed a row
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per transform model: when it was last built and how big it is.
CREATE TABLE ops.model_builds (
    model       text PRIMARY KEY,              -- e.g. 'marts.daily_category'
    built_at    timestamptz NOT NULL,
    rows        bigint,
    duration_ms double precision
);

CREATE TABLE ops.runs (
    id            bigserial PRIMARY KEY,
    parent_id     bigint REFERENCES ops.runs(id),
    job           text NOT NULL,      -- 'migrate', 'sync toggl', 'transform', ...
    args          text NOT NULL DEFAULT '',
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'success', 'failed')),
    rows_read     bigint NOT NULL DEFAULT 0,
    rows_written  bigint NOT NULL DEFAULT 0,
    rows_deleted  bigint NOT NULL DEFAULT 0,
    detail        jsonb,
    error         text
);
CREATE INDEX runs_job_started ON ops.runs (job, started_at DESC);

-- ref: what the person configures.
CREATE TABLE ref.categories (
    category     text PRIMARY KEY,          -- English key, e.g. 'Sleep'
    display_name text NOT NULL,             -- e.g. '睡眠'
    coarse_group text NOT NULL,             -- Essentials | Obligation | Leisure | ...
    color        text NOT NULL,             -- '#rrggbb'
    sort_order   integer NOT NULL
);

CREATE TABLE ref.category_rules (
    rule_id    serial PRIMARY KEY,
    priority   integer NOT NULL,            -- lower = tried first
    match_on   text NOT NULL CHECK (match_on IN
               ('toggl_project', 'toggl_client', 'toggl_tag', 'toggl_project_color',
                'gcal_summary', 'gcal_color_id', 'keyword')),
    pattern    text NOT NULL,
    category   text NOT NULL REFERENCES ref.categories(category)
);

CREATE TABLE ref.holidays (
    date date PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE ref.settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- Goals are versioned: a change closes the old version (valid_to) and opens a
-- new one; rows are never deleted.  valid_to is exclusive, NULL = open.
CREATE TABLE ref.goals (
    goal_id     bigserial PRIMARY KEY,
    category    text NOT NULL REFERENCES ref.categories(category),
    day_type    text NOT NULL CHECK (day_type IN ('weekday', 'holiday', 'any')),
    period      text NOT NULL CHECK (period IN ('day', 'week', 'month')),
    minutes     integer NOT NULL CHECK (minutes >= 0),
    direction   text NOT NULL CHECK (direction IN ('more', 'less', 'neutral')),
    valid_from  date NOT NULL,
    valid_to    date,
    source      text NOT NULL DEFAULT 'import',   -- import | proposal
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX goals_key ON ref.goals (category, day_type, period, valid_from);

-- analytics: append-only outputs of analyze and adjust.
CREATE TABLE analytics.estimates (
    calculated_at timestamptz NOT NULL,
    as_of         date NOT NULL,
    target_date   date NOT NULL,
    category      text NOT NULL,
    method        text NOT NULL,
    minutes       double precision NOT NULL,
    lower80       double precision NOT NULL,
    upper80       double precision NOT NULL,
    lower95       double precision NOT NULL,
    upper95       double precision NOT NULL,
    PRIMARY KEY (calculated_at, target_date, category)
);

CREATE TABLE analytics.model_scores (
    calculated_at timestamptz NOT NULL,
    as_of         date NOT NULL,
    category      text NOT NULL,
    method        text NOT NULL,
    mae           double precision,
    coverage80    double precision,
    coverage95    double precision,
    n_predictions integer NOT NULL,
    chosen        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (calculated_at, category, method)
);

CREATE TABLE analytics.goal_proposals (
    proposal_id         bigserial PRIMARY KEY,
    created_at          timestamptz NOT NULL DEFAULT now(),
    as_of               date NOT NULL,
    goal_id             bigint NOT NULL REFERENCES ref.goals(goal_id),
    category            text NOT NULL,
    day_type            text NOT NULL,
    period              text NOT NULL,
    direction           text NOT NULL,
    current_minutes     integer NOT NULL,
    proposed_minutes    integer NOT NULL,
    probability_before  double precision NOT NULL,
    probability_after   double precision NOT NULL,
    reason              text NOT NULL,
    state               text NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'accepted', 'rejected')),
    decided_at          timestamptz
);
