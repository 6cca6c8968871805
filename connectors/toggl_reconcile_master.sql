-- toggl_reconcile_master: marks deleted the rows of a master table
-- ({{target}}: projects, clients, tags or workspaces) that a complete
-- listing (staged in pg_temp.toggl_stage) no longer contains.  $1 = a
-- workspace id (only that workspace's rows are judged) or NULL (the whole
-- table).  $2 = the ids quarantined from the listing (text[]): they were
-- listed, so their rows keep their last valid version.  Returns how many
-- rows were marked.
WITH gone AS (
    UPDATE {{target}} AS t SET deleted_at = now(), synced_at = now()
     WHERE t.deleted_at IS NULL
       AND ($1::text IS NULL
            OR COALESCE(t.data->>'workspace_id', t.data->>'wid') = $1)
       AND NOT EXISTS (SELECT 1 FROM pg_temp.toggl_stage s
                        WHERE s.source_id = t.source_id)
       AND t.source_id <> ALL ($2::text[])
    RETURNING 1
)
SELECT count(*) FROM gone;
