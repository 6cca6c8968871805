#!/usr/bin/env bash
# Migrations: an empty database gets every schema and table; a second run
# does nothing and says so; two concurrent runs do not collide.
. "$SRCDIR/tests/lib.sh"

t_fresh_db
t_ok "migrate on an empty database applies the foundation" '
	"$DWHBI" migrate > "$T_TMP/first.out"
	grep -q "applied 0001_foundation" "$T_TMP/first.out"
'
t_eq "every schema exists" "analytics core marts ops raw ref staging" \
	"$(t_psql "SELECT string_agg(nspname, ' ' ORDER BY nspname) FROM pg_namespace
	           WHERE nspname IN ('raw','ops','ref','staging','core','marts','analytics')")"
t_eq "raw tables of docs/contracts.md exist" \
	"google_calendar__calendar_list google_calendar__colors google_calendar__events toggl_track__clients toggl_track__me toggl_track__projects toggl_track__tags toggl_track__time_entries toggl_track__workspaces" \
	"$(t_psql "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'raw'")"
t_eq "raw tables have the common shape" "source_id:text:NO data:jsonb:NO synced_at:timestamp with time zone:NO deleted_at:timestamp with time zone:YES api_version:text:YES" \
	"$(t_psql "SELECT string_agg(column_name || ':' || data_type || ':' || is_nullable, ' ' ORDER BY ordinal_position)
	           FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'toggl_track__time_entries'")"
t_ok "ops tables exist" '
	t_psql "SELECT 1 FROM ops.schema_migrations, ops.sync_state, ops.runs LIMIT 1" >/dev/null
'
t_eq "migrate records itself in ops.runs" "migrate|success" \
	"$(t_psql "SELECT job, status FROM ops.runs")"

t_ok "a second run does nothing and says so" '
	"$DWHBI" migrate > "$T_TMP/second.out"
	grep -q "database is up to date" "$T_TMP/second.out"
	! grep -q "^applied 0" "$T_TMP/second.out"
'
t_eq "each migration is recorded once" "0" \
	"$(t_psql "SELECT count(*) - count(DISTINCT version) FROM ops.schema_migrations")"
t_ok "migrate --list shows every migration as applied" '
	"$DWHBI" migrate --list > "$T_TMP/list.out"
	grep -q "^0001_foundation" "$T_TMP/list.out"
	! grep -q pending "$T_TMP/list.out"
'

# Two processes at once on another empty database: both succeed, exactly one
# applies each migration.
t_fresh_db
t_ok "concurrent migrations are serialized" '
	"$DWHBI" migrate > "$T_TMP/a.out" 2>&1 & a=$!
	"$DWHBI" migrate > "$T_TMP/b.out" 2>&1 & b=$!
	wait $a; wait $b
	applied=$(cat "$T_TMP/a.out" "$T_TMP/b.out" | grep -c "^applied 0001_foundation")
	[ "$applied" -eq 1 ]
	n=$(t_psql "SELECT count(*) FROM ops.schema_migrations")
	total=$(ls "$SRCDIR"/sql/[0-9][0-9][0-9][0-9]_*.sql | wc -l)
	[ "$n" -eq "$total" ]
'
t_eq "both concurrent runs are recorded as successes" "2" \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE job = 'migrate' AND status = 'success'")"

t_ok "migrations run without superuser rights" '
	[ "$(t_psql "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = f ]
'
t_done
