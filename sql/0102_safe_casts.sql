-- 0102 safe casts: what staging uses instead of plain ::bigint,
-- ::timestamptz and ::date, so a raw value that does not cast gives NULL
-- instead of failing the whole transform (the connectors' checks are the
-- first line, these the second; staging leaves such rows out and the data
-- test staging_uncastable warns about them).  Plain SQL, inlined into the
-- views: a pattern proves the cast cannot fail, no exception block per row.

-- Decimal integers of int64 range.
CREATE FUNCTION ops.safe_bigint(t text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN t ~ '^-?[0-9]{1,18}$' THEN t::bigint
        WHEN t ~ '^[0-9]{19}$' THEN
            CASE WHEN t COLLATE "C" <= '9223372036854775807' THEN t::bigint END
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
