#!/usr/bin/env bash
# t3006: which rule wins.  Entries: the lowest priority wins; on a tie the
# more specific kind (project, client, tag, project color, keyword).  Events
# (docs/architecture.md): the summary first (a gcal_summary rule or a Toggl project's
# name), then the color, then a keyword — whatever the priorities.
. "$SRCDIR/tests/lib.sh"
t_migrated_db
export DWHBI_TIMEZONE=UTC
mkdir -p "$T_TMP/cfg"
cat > "$T_TMP/cfg/categories.csv" <<'CSV'
category,display_name,coarse_group,color,sort_order
Work,仕事,Obligation,#06aaf5,1
Meeting,会議,Obligation,#c9806b,2
Exercise,運動,Leisure,#06a893,3
Reading,読書,Leisure,#566614,4
Client,顧客,Obligation,#123456,5
Colored,色,Leisure,#654321,6
CSV
cat > "$T_TMP/cfg/category_rules.csv" <<'CSV'
priority,match_on,pattern,category
10,toggl_project,Deep Work,Work
10,toggl_tag,ジム,Exercise
5,keyword,定例,Meeting
10,toggl_project,読書,Reading
20,toggl_client,ACME,Client
20,toggl_project_color,#ABCDEF,Colored
1,keyword,ランチ,Meeting
50,gcal_color_id,3,Exercise
99,gcal_summary,朝会,Meeting
CSV
t_psql "
INSERT INTO raw.toggl_track__clients (source_id, data) VALUES ('1', '{\"id\": 1, \"name\": \"ACME\"}');
INSERT INTO raw.toggl_track__projects (source_id, data) VALUES
 ('10', '{\"id\": 10, \"name\": \"Deep Work\", \"color\": \"#0b83d9\"}'),
 ('11', '{\"id\": 11, \"name\": \"Site\", \"client_id\": 1, \"color\": \"#000000\"}'),
 ('12', '{\"id\": 12, \"name\": \"Paint\", \"color\": \"#abcdef\"}');
INSERT INTO raw.toggl_track__time_entries (source_id, data, synced_at) VALUES
 ('1', '{\"id\": 1, \"project_id\": 10, \"user_id\": 7, \"tags\": [\"ジム\"], \"start\": \"2026-05-01T00:00:00Z\", \"stop\": \"2026-05-01T01:00:00Z\", \"duration\": 3600}', '2026-05-02'),
 ('2', '{\"id\": 2, \"project_id\": 10, \"user_id\": 7, \"description\": \"週次定例\", \"start\": \"2026-05-01T01:00:00Z\", \"stop\": \"2026-05-01T02:00:00Z\", \"duration\": 3600}', '2026-05-02'),
 ('3', '{\"id\": 3, \"project_id\": 99, \"project_name\": \"読書\", \"user_id\": 7, \"start\": \"2026-05-01T02:00:00Z\", \"stop\": \"2026-05-01T03:00:00Z\", \"duration\": 3600}', '2026-05-02'),
 ('4', '{\"id\": 4, \"project_id\": 11, \"user_id\": 7, \"start\": \"2026-05-01T03:00:00Z\", \"stop\": \"2026-05-01T04:00:00Z\", \"duration\": 3600}', '2026-05-02'),
 ('5', '{\"id\": 5, \"project_id\": 12, \"user_id\": 7, \"start\": \"2026-05-01T04:00:00Z\", \"stop\": \"2026-05-01T05:00:00Z\", \"duration\": 3600}', '2026-05-02'),
 ('6', '{\"id\": 6, \"user_id\": 7, \"tag_ids\": [], \"start\": \"2026-05-01T05:00:00Z\", \"stop\": \"2026-05-01T06:00:00Z\", \"duration\": 3600}', '2026-05-02');
INSERT INTO raw.google_calendar__events (source_id, data) VALUES
 ('c:e1', '{\"id\": \"e1\", \"summary\": \"朝会\", \"colorId\": \"3\", \"start\": {\"dateTime\": \"2026-05-01T00:00:00Z\"}, \"end\": {\"dateTime\": \"2026-05-01T01:00:00Z\"}}'),
 ('c:e2', '{\"id\": \"e2\", \"summary\": \"Deep Work\", \"colorId\": \"3\", \"start\": {\"dateTime\": \"2026-05-01T01:00:00Z\"}, \"end\": {\"dateTime\": \"2026-05-01T02:00:00Z\"}}'),
 ('c:e3', '{\"id\": \"e3\", \"summary\": \"ランチ\", \"colorId\": \"3\", \"start\": {\"dateTime\": \"2026-05-01T02:00:00Z\"}, \"end\": {\"dateTime\": \"2026-05-01T03:00:00Z\"}}'),
 ('c:e4', '{\"id\": \"e4\", \"summary\": \"お昼のランチ\", \"start\": {\"dateTime\": \"2026-05-01T03:00:00Z\"}, \"end\": {\"dateTime\": \"2026-05-01T04:00:00Z\"}}'),
 ('c:e5', '{\"id\": \"e5\", \"summary\": \"Site\", \"start\": {\"dateTime\": \"2026-05-01T04:00:00Z\"}, \"end\": {\"dateTime\": \"2026-05-01T05:00:00Z\"}}');
" >/dev/null
"$DWHBI" -q seed --config "$T_TMP/cfg" >/dev/null && "$DWHBI" -q transform --test >/dev/null ||
	{ echo "cannot build" >&2; exit 1; }
entry() { t_psql "SELECT category FROM core.entry_categories WHERE time_entry_id = $1"; }
event() { t_psql "SELECT category FROM core.event_categories WHERE event_key = 'c:$1'"; }
t_eq "same priority: the project rule beats the tag rule" Work "$(entry 1)"
t_eq "a lower priority wins across kinds: keyword 5 beats project 10" Meeting "$(entry 2)"
t_eq "a project not (yet) in raw is matched by the name the entry carries" Reading "$(entry 3)"
t_eq "a client rule" Client "$(entry 4)"
t_eq "a project color rule, case-insensitive" Colored "$(entry 5)"
t_eq "no project, no match" Uncategorized "$(entry 6)"
t_eq "event: a summary rule beats the color (whatever the priority)" Meeting "$(event e1)"
t_eq "event: the summary is a Toggl project's name" Work "$(event e2)"
t_eq "event: the color beats a keyword" Exercise "$(event e3)"
t_eq "event: a keyword in the summary" Meeting "$(event e4)"
t_eq "event: a project's name reaches its client rule" Client "$(event e5)"
t_eq "the marts follow: Meeting actual 60, plan 120" "60|120" \
	"$(t_psql "SELECT actual_minutes, plan_minutes FROM marts.daily_category WHERE date = '2026-05-01' AND category = 'Meeting'")"
t_done
