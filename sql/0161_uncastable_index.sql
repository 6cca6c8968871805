-- 0161 uncastable rows by index.  ops.toggl_entry_castable /
-- ops.gcal_event_castable (sql/0102) catch cast errors in a plpgsql
-- exception block: a subtransaction per row and per read, about 5-10 us a
-- row, run over every live raw row by the staging views and again by the
-- data test staging_uncastable, on every build (the OFFSET 0 fence keeps
-- an incremental build's filters above it): 10 s each for a million
-- entries.  Here the casts are tried once per row version instead, when
-- the row is written: a partial index holds the (normally zero) rows whose
-- values do not cast, so the views exclude them by an anti-join with that
-- index and keep only the cheap window test on the start, which runs above
-- the fence on rows that surely cast.  Same rows in, same rows out.
--
-- ops.toggl_entry_casts / ops.gcal_event_casts: the casts of the
-- *_castable functions without the window test (that one moves with the
-- clock, an index cannot hold it).  Declared IMMUTABLE for the index: the
-- values the connectors write (RFC 3339 with an offset, decimal integers)
-- cast or fail the same way under every session setting.

CREATE FUNCTION ops.toggl_entry_casts(sid text, d jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE AS $$
DECLARE
    ts timestamptz;
    n bigint;
    ids bigint[];
BEGIN
    n := sid::bigint;
    ts := (d->>'start')::timestamptz;
    ts := (d->>'stop')::timestamptz;
    ts := (d->>'at')::timestamptz;
    n := coalesce(d->>'duration', d->>'seconds')::bigint;
    n := coalesce(d->>'workspace_id', d->>'wid')::bigint;
    n := coalesce(d->>'project_id', d->>'pid')::bigint;
    n := coalesce(d->>'user_id', d->>'uid')::bigint;
    IF jsonb_typeof(d->'tag_ids') = 'array' THEN
        ids := ARRAY(SELECT t::bigint FROM jsonb_array_elements_text(d->'tag_ids') AS t);
    END IF;
    RETURN true;
EXCEPTION WHEN data_exception THEN
    RETURN false;
END
$$;

CREATE FUNCTION ops.gcal_event_casts(d jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE AS $$
DECLARE
    ts timestamptz;
    day date;
BEGIN
    ts := (d->'end'->>'dateTime')::timestamptz;
    day := (d->'end'->>'date')::date;
    ts := (d->>'updated')::timestamptz;
    day := (d->'start'->>'date')::date;
    ts := (d->'start'->>'dateTime')::timestamptz;
    RETURN true;
EXCEPTION WHEN data_exception THEN
    RETURN false;
END
$$;

CREATE INDEX toggl_time_entries_uncastable ON raw.toggl_track__time_entries (source_id)
    WHERE NOT ops.toggl_entry_casts(source_id, data);
CREATE INDEX google_events_uncastable ON raw.google_calendar__events (source_id)
    WHERE NOT ops.gcal_event_casts(data);
