-- 0030 transform: the mart tables of docs/contracts.md and core.days, created
-- empty so every reader (Grafana, analyzer, adjuster, reporter, console) can
-- query them right after `dwhbi migrate`.  `dwhbi transform` fills them in
-- place (DELETE + INSERT in one transaction), so these definitions, their
-- keys and grants stay.  Column order and types match the models in
-- transform/core and transform/marts; a model that adds a column needs a
-- migration that adds it here too (or the transform recreates the table).

CREATE TABLE core.days (
    date          date PRIMARY KEY,
    day_type      text NOT NULL,          -- 'weekday' | 'holiday'
    is_weekend    boolean NOT NULL,
    holiday_name  text,
    day_start     timestamptz NOT NULL,   -- local midnight
    day_end       timestamptz NOT NULL,
    day_seconds   numeric NOT NULL,       -- 86400, or 82800/90000 on DST days
    week_start    date NOT NULL,          -- Monday
    month         date NOT NULL,
    has_actual    boolean NOT NULL,       -- tracking started, not after the last sync
    complete      boolean NOT NULL        -- the day had ended by the last sync
);

CREATE TABLE marts.daily_category (
    date              date NOT NULL,
    time              timestamptz NOT NULL,
    category          text NOT NULL,
    display_name      text NOT NULL,
    coarse_group      text NOT NULL,
    color             text NOT NULL,
    sort_order        integer NOT NULL,
    day_type          text NOT NULL,
    actual_minutes    numeric,            -- NULL after the last sync
    plan_minutes      numeric NOT NULL,
    goal_minutes      numeric,
    goal_direction    text,
    estimate_minutes  double precision,
    estimate_lower80  double precision,
    estimate_upper80  double precision,
    estimate_lower95  double precision,
    estimate_upper95  double precision,
    estimate_method   text,
    goal_id           bigint,
    goal_period       text,
    holiday_name      text,
    complete          boolean NOT NULL,
    PRIMARY KEY (date, category)
);

CREATE TABLE marts.weekly_category (
    week_start      date NOT NULL,
    time            timestamptz NOT NULL,
    category        text NOT NULL,
    display_name    text NOT NULL,
    coarse_group    text NOT NULL,
    color           text NOT NULL,
    sort_order      integer NOT NULL,
    actual_minutes  numeric,
    plan_minutes    numeric,
    goal_minutes    numeric,
    days            integer NOT NULL,
    actual_days     integer NOT NULL,
    complete        boolean,
    PRIMARY KEY (week_start, category)
);

CREATE TABLE marts.monthly_category (
    month           date NOT NULL,
    time            timestamptz NOT NULL,
    category        text NOT NULL,
    display_name    text NOT NULL,
    coarse_group    text NOT NULL,
    color           text NOT NULL,
    sort_order      integer NOT NULL,
    actual_minutes  numeric,
    plan_minutes    numeric,
    goal_minutes    numeric,
    days            integer NOT NULL,
    actual_days     integer NOT NULL,
    complete        boolean,
    PRIMARY KEY (month, category)
);

CREATE TABLE marts.goal_achievement (
    period            text NOT NULL,      -- 'day' | 'week' | 'month'
    period_start      date NOT NULL,
    time              timestamptz NOT NULL,
    goal_id           bigint NOT NULL,
    category          text NOT NULL,
    day_type          text NOT NULL,
    direction         text NOT NULL,
    goal_minutes      numeric NOT NULL,
    actual_minutes    numeric NOT NULL,
    achievement_rate  numeric,
    met               boolean,
    complete          boolean NOT NULL,
    period_end        date NOT NULL,      -- exclusive
    PRIMARY KEY (period, period_start, goal_id)
);

CREATE TABLE marts.plan_adherence (
    date             date PRIMARY KEY,
    time             timestamptz NOT NULL,
    planned_minutes  numeric NOT NULL,
    adhered_minutes  numeric NOT NULL,
    adherence        numeric,
    day_type         text NOT NULL,
    complete         boolean NOT NULL
);

CREATE TABLE marts.plan_actual_daily (
    date            date NOT NULL,
    time            timestamptz NOT NULL,
    category        text NOT NULL,
    display_name    text NOT NULL,
    coarse_group    text NOT NULL,
    sort_order      integer NOT NULL,
    plan_minutes    numeric NOT NULL,
    actual_minutes  numeric NOT NULL,
    day_type        text NOT NULL,
    PRIMARY KEY (date, category)
);

CREATE TABLE marts.source_freshness (
    source           text PRIMARY KEY,
    time             timestamptz,
    last_synced_at   timestamptz,
    last_changed_at  timestamptz,
    row_count        bigint NOT NULL,
    deleted_count    bigint NOT NULL
);
