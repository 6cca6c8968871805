-- toggl_stage_fix: the rows of pg_temp.toggl_stage whose id or
-- server_deleted_at the connector left to SQL (odd): read from the JSON,
-- as the merge always did.
UPDATE pg_temp.toggl_stage
   SET source_id = data->>'id',
       deleted_at = (data->>'server_deleted_at')::timestamptz
 WHERE odd;
