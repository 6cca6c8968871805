# google-lib.sh — helpers shared by the Google Calendar integration tests
# (tests/integration/t2*.sh), sourced after tests/lib.sh and t_start_fake.
# The fake's world is compared with raw inside PostgreSQL: the fake dumps
# what raw must hold as COPY text, and its request log is loaded as jsonb,
# so every assertion is one SQL query.

G_CLIENT_ID=fake-client-id
G_CLIENT_SECRET=fake-client-secret-4f9a
G_REFRESH_TOKEN=fake-refresh-token-b81c
G_HOLIDAY='ja.japanese#holiday@group.v.calendar.google.com'
G_TEAM='team#plan@group.calendar.google.com'

# g_start_fake ARGS... — fake-google with the test credentials.
g_start_fake() {
	t_start_fake google --client-id "$G_CLIENT_ID" \
		--client-secret "$G_CLIENT_SECRET" \
		--refresh-token "$G_REFRESH_TOKEN" "$@"
	export GOOGLE_API_BASE="$FAKE_URL/calendar/v3"
	export GOOGLE_OAUTH_URL="$FAKE_URL/token"
	export GOOGLE_AUTH_URL="$FAKE_URL/o/oauth2/v2/auth"
	export GOOGLE_CLIENT_ID="$G_CLIENT_ID"
	export GOOGLE_CLIENT_SECRET="$G_CLIENT_SECRET"
	export GOOGLE_REFRESH_TOKEN="$G_REFRESH_TOKEN"
}

# g_ctl METHOD WHAT [NAME=VALUE...] — a control request; the pairs go
# into the query string, URL-encoded.
g_ctl() {
	local method=$1 what=$2 q args=()
	shift 2
	for q in "$@"; do args+=(--data-urlencode "$q"); done
	curl -sS -f -X "$method" -G "${args[@]}" "$FAKE_URL/__control/google/$what"
}

# g_event CALENDAR JSON — create or edit an event on the fake.
g_event() {
	local cal=$1 body=$2
	curl -sS -f -X POST -H 'Content-Type: application/json' \
		--data-binary "$body" \
		"$FAKE_URL/__control/google/events?calendarId=$(g_enc "$cal")" >/dev/null
}

g_enc() {
	local s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[a-zA-Z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

g_stat() {
	curl -sS -f "$FAKE_URL/__control/google/stats" |
		sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

# g_mismatches [CALENDAR...] — rows where raw.google_calendar__events
# differs from the fake (all its calendars, or the ones named): a live
# event must be in raw with the same payload and no deleted_at; a cancelled
# one must have deleted_at; a raw row the fake no longer has (deleted
# without a tombstone) must have deleted_at.  Prints the count, and the
# offending rows on stderr.
g_mismatches() {
	local cal
	if [ $# -eq 0 ]; then
		curl -sS -f "$FAKE_URL/__control/google/dump" > "$T_TMP/dump.tsv" || return 1
	else
		: > "$T_TMP/dump.tsv"
		for cal in "$@"; do
			curl -sS -f "$FAKE_URL/__control/google/dump?calendarId=$(g_enc "$cal")" \
				>> "$T_TMP/dump.tsv" || return 1
		done
	fi
	psql -X -A -t -q -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE expected (source_id text, data jsonb, cancelled boolean);
\copy expected from '$T_TMP/dump.tsv'
CREATE TEMP VIEW diff AS
SELECT coalesce(e.source_id, r.source_id) AS source_id,
       e.cancelled, r.deleted_at IS NOT NULL AS raw_deleted,
       e.data = r.data AS same_data
FROM expected e FULL JOIN raw.google_calendar__events r USING (source_id)
WHERE r.source_id IS NULL
   OR (e.source_id IS NULL AND r.deleted_at IS NULL)
   OR (e.source_id IS NOT NULL AND e.cancelled <> (r.deleted_at IS NOT NULL))
   OR (e.source_id IS NOT NULL AND NOT e.cancelled AND e.data <> r.data);
SELECT count(*) FROM diff;
\o /dev/stderr
SELECT 'mismatch: ' || source_id || ' fake_cancelled=' || coalesce(cancelled::text, '-')
       || ' raw_deleted=' || raw_deleted || ' same_data=' || coalesce(same_data::text, '-')
FROM diff LIMIT 10;
SQL
}

# g_log — loads the fake's request log into table fake_log (seq, j jsonb),
# replacing what an earlier call loaded.
g_log() {
	psql -X -q -v ON_ERROR_STOP=1 <<SQL >/dev/null
SET client_min_messages = warning;
DROP TABLE IF EXISTS fake_log;
CREATE TABLE fake_log (line text);
\copy fake_log from '$FAKE_LOG' with (format csv, quote e'\x01', delimiter e'\x02')
ALTER TABLE fake_log ADD COLUMN j jsonb;
UPDATE fake_log SET j = line::jsonb;
ALTER TABLE fake_log ADD COLUMN seq bigint;
UPDATE fake_log SET seq = (j->>'seq')::bigint;
SQL
}

# g_last_seq — the highest request number in the log so far (0 if none).
g_last_seq() {
	g_log
	t_psql "SELECT coalesce(max(seq), 0) FROM fake_log"
}
