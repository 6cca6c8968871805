-- gcal_stage: the session's staging tables for `dwhbi sync gcal`.
-- gcal_stage holds one API page (loaded with COPY by connectors/raw.c,
-- merged, truncated); cancelled is read from an event's status in C (NULL:
-- left to SQL);
-- gcal_seen collects every source_id a full sync returned, across the
-- page transactions, so the reconcile at the end knows what is gone.
CREATE TEMP TABLE IF NOT EXISTS gcal_stage (
    ord       bigserial,
    source_id text NOT NULL,
    data      jsonb NOT NULL,
    cancelled boolean
);
CREATE TEMP TABLE IF NOT EXISTS gcal_seen (
    source_id text PRIMARY KEY
);
