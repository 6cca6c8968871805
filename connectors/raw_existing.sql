-- raw_existing: which of the ids $1 (text[]) {{target}} already holds
-- (connectors/raw.c: the others are COPYed straight into it).
SELECT source_id FROM {{target}} WHERE source_id = ANY ($1::text[]);
