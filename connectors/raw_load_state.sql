-- raw_load_state: a source's row of ops.sync_state (connectors/raw.c):
-- its cursor, its checkpoint as text, and when it was saved (epoch seconds,
-- never later than now(), for a cursor that must not be ahead of it).
-- $1 = source key.
SELECT cursor, checkpoint::text,
       floor(extract(epoch FROM least(updated_at, now())))::bigint
FROM ops.sync_state
WHERE source = $1;
