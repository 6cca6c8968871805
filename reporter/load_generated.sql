-- The generation time in the warehouse's zone, as the report prints it.
-- $1 = RFC 3339 instant, $2 = IANA time zone.
SELECT to_char($1::timestamptz AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI');
