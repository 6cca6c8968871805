-- 0102 safe casts: the second line behind the connectors' checks, so a raw
-- value that does not cast never fails the whole transform.  ops.safe_*
-- turn one text into bigint / timestamptz / date or NULL (plain SQL that a
-- pattern guards, inlined: for single casts such as the --since reconcile
-- of Google events).  ops.*_castable say whether a whole raw row casts to
-- its staging view's columns: the views keep only those rows and the data
-- test staging_uncastable (severity warn) names the others.

-- Decimal integers of int64 range.  (ltrim over the digits: several times
-- cheaper than a regular expression.)
CREATE FUNCTION ops.safe_bigint(t text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN length(t) BETWEEN 1 AND 18 AND ltrim(t, '0123456789') = '' THEN t::bigint
        WHEN length(t) BETWEEN 2 AND 19 AND left(t, 1) = '-'
             AND ltrim(substr(t, 2), '0123456789') = '' THEN t::bigint
        WHEN length(t) = 19 AND ltrim(t, '0123456789') = ''
             AND t COLLATE "C" <= '9223372036854775807' THEN t::bigint
    END
$$;

-- Whether y-m-d (checked to be 4, 2, 2 digits, month 01..12) is a real day.
CREATE FUNCTION ops.valid_ymd(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substr(t, 9, 2)::int <= extract(day from
               make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, 1)
               + interval '1 month' - interval '1 day')
$$;

-- RFC 3339 with an explicit offset (Z or +hh[:mm] up to 15:59), the forms
-- Toggl and Google send; anything else is NULL.
CREATE FUNCTION ops.safe_timestamptz(t text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN t ~ ('^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
                          '[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)'
                          '([.][0-9]{1,12})?([Zz]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)$')
                THEN CASE WHEN ops.valid_ymd(t) THEN t::timestamptz END
           END
$$;

-- YYYY-MM-DD.
CREATE FUNCTION ops.safe_date(t text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN t ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
                THEN CASE WHEN ops.valid_ymd(t) THEN t::date END
           END
$$;

-- Whether a raw row casts to every typed column of its staging view
-- (staging.stg_toggl_track__time_entries, stg_google_calendar__events) and
-- starts inside 1990-01-01 .. now + 5 years.  One call per row that tries
-- the very casts staging makes and catches their errors (class 22, data
-- exceptions): the views keep only rows for which it is true, behind an
-- OFFSET 0 fence so no cast runs on a row before it; the data test
-- staging_uncastable lists the others.  PARALLEL UNSAFE: an exception
-- block is a subtransaction, which a parallel query may not start.
CREATE FUNCTION ops.toggl_entry_castable(sid text, d jsonb) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$
DECLARE
    ts timestamptz;
    n bigint;
    ids bigint[];
BEGIN
    n := sid::bigint;
    ts := (d->>'start')::timestamptz;
    IF ts < '1990-01-01T00:00:00Z' OR ts > now() + interval '5 years' THEN
        RETURN false;
    END IF;
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

CREATE FUNCTION ops.gcal_event_castable(d jsonb) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$
DECLARE
    ts timestamptz;
    day date;
BEGIN
    ts := (d->'end'->>'dateTime')::timestamptz;
    day := (d->'end'->>'date')::date;
    ts := (d->>'updated')::timestamptz;
    day := (d->'start'->>'date')::date;
    ts := coalesce((d->'start'->>'dateTime')::timestamptz, day::timestamptz);
    RETURN ts IS NULL OR ts BETWEEN '1990-01-01T00:00:00Z' AND now() + interval '5 years';
EXCEPTION WHEN data_exception THEN
    RETURN false;
END
$$;
