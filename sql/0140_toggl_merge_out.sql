-- 0140: the Toggl merge leaves the migrations.  `dwhbi sync toggl` now
-- stages each page's items in C (connectors/raw.c: Reports rows flattened in
-- the connector, one COPY row per item) and merges them with the query files
-- beside it (connectors/toggl_*.sql), as the Google connector does; the
-- sync state goes through connectors/raw_save_state.sql.  The PL/pgSQL of
-- 0010 (and 0103's replacement of the window reconcile) is no longer called.
DROP FUNCTION IF EXISTS ops.toggl_merge_page(regclass, text, bigint);
DROP FUNCTION IF EXISTS ops.toggl_reconcile_master(regclass, text);
DROP FUNCTION IF EXISTS ops.toggl_reconcile_window(timestamptz, timestamptz);
DROP FUNCTION IF EXISTS ops.toggl_page_items(bigint);
DROP FUNCTION IF EXISTS ops.toggl_report_entries(jsonb, bigint);
DROP FUNCTION IF EXISTS ops.toggl_save_state(text, text, jsonb, boolean);
