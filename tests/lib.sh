# tests/lib.sh — helpers for the integration scripts (sourced).
#
# Each tests/integration/tNNNN-story.sh is a readable story: it sets up a
# database of its own, runs the real dwhbi binary (and fake API servers), and
# records test cases with t_ok / t_eq / t_skip.  tests/run provides DWHBI,
# BUILD, SRCDIR, PGHOST, PGPORT, PGUSER and T_RESULTS.
set -u
: "${DWHBI:?run through tests/run}" "${T_RESULTS:?run through tests/run}"
T_NAME=${T_NAME:-$(basename "$0")}
T_TMP=$(mktemp -d "/tmp/${T_NAME%.sh}.XXXXXX")
T_PIDS=()
T_FAILED=0
# The zone: a test exports the one it needs.  Unset, a command uses the
# zone its warehouse stored (the first command run with DWHBI_TIMEZONE set
# stores it), else UTC.
unset DWHBI_TIMEZONE
# Never let a developer's own settings leak into a test.
unset DATABASE_URL PGDATABASE PGPASSWORD TOGGL_API_TOKEN GOOGLE_CLIENT_ID \
	GOOGLE_CLIENT_SECRET GOOGLE_REFRESH_TOKEN GITHUB_TOKEN GITHUB_REPOSITORY \
	DWHBI_CONSOLE_TOKEN DWHBI_PARENT_RUN_ID DWHBI_DATADIR 2>/dev/null || true

# The script's own stderr, for helpers whose caller redirects theirs.
exec 9>&2

t__cleanup() {
	local pid
	for pid in "${T_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${T_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap t__cleanup EXIT

# t_fresh_db [NAME] — an empty database of this script's own.
t_fresh_db() {
	local name=${1:-}
	if [ -z "$name" ]; then
		name=$(printf '%s' "${T_NAME%.sh}" | tr -c 'a-zA-Z0-9\n' '_' | tr 'A-Z' 'a-z')
		name="t_${name}_$$_${RANDOM}"
	fi
	psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\"" >/dev/null || {
		echo "t_fresh_db: cannot create database $name" >&2
		exit 1
	}
	export PGDATABASE="$name"
	export DATABASE_URL="postgresql:///$name?host=$PGHOST&port=$PGPORT&user=$PGUSER"
}

# t_migrated_db [NAME] — a fresh database with every migration applied.
t_migrated_db() {
	t_fresh_db "$@"
	"$DWHBI" -q migrate >/dev/null || {
		echo "t_migrated_db: dwhbi migrate failed" >&2
		exit 1
	}
}

# t_psql SQL — rows unaligned, '|'-separated, no header; fails on error.
t_psql() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"
}

t__record() {
	echo "$1 $T_NAME: $2" >> "$T_RESULTS"
}

# t_ok NAME CODE — passes when CODE (run by bash in a subshell) exits 0.
t_ok() {
	local name=$1 code=$2
	if ( set -e; eval "$code" ); then
		t__record PASS "$name"
		echo "ok - $name"
	else
		t__record FAIL "$name"
		echo "not ok - $name"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# t_eq NAME EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t__record PASS "$1"
		echo "ok - $1"
	else
		t__record FAIL "$1"
		echo "not ok - $1"
		echo "    expected: $2"
		echo "    actual:   $3"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# t_skip NAME REASON — reported as skipped, never as passed.
t_skip() {
	t__record SKIP "$1 ($2)"
	echo "skip - $1 ($2)"
}

# t_must_fail [RC] COMMAND [ARGS...] — runs COMMAND (a simple command; its
# redirections are the caller's) and succeeds when it exits non-zero, or
# exactly RC when given.  The status is kept in T_RC.  In the spirit of git's
# test_must_fail: a command that dies from a signal (>= 128) is a failure too.
t_must_fail() {
	local want= errexit=
	case ${1:-} in [0-9]|[0-9][0-9]|[0-9][0-9][0-9]) want=$1; shift ;; esac
	case $- in *e*) errexit=1 ;; esac
	set +e
	"$@"
	T_RC=$?
	[ -z "$errexit" ] || set -e
	if [ "$T_RC" -eq 0 ]; then
		echo "t_must_fail: '$*' succeeded" >&9
		return 1
	fi
	if [ -n "$want" ] && [ "$T_RC" -ne "$want" ]; then
		echo "t_must_fail: '$*' exited $T_RC, expected $want" >&9
		return 1
	fi
	if [ -z "$want" ] && [ "$T_RC" -ge 128 ]; then
		echo "t_must_fail: '$*' died from signal $((T_RC - 128))" >&9
		return 1
	fi
	return 0
}

# t_cmp EXPECTED ACTUAL — the two files are equal; shows the diff if not.
t_cmp() {
	diff -u "$1" "$2" >&9
}

# t_sql_eq NAME EXPECTED SQL — a case: the query's rows (as t_psql prints
# them) equal EXPECTED.
t_sql_eq() {
	local got
	got=$(t_psql "$3" 2>&1) || got="query failed: $got"
	t_eq "$1" "$2" "$got"
}

# t_demo_person SEED FROM DAYS [TZ [PROFILE]] — fake Toggl and Google serving
# the synthetic person (tests/fake/person.h) from FROM for DAYS days, with the
# connectors' settings exported (TOGGL_*, GOOGLE_*, the holiday calendar).
# PROFILE (person.h: drift, life, messy, all) adds behaviours to the person.
# Leaves FAKE_URL at the Google fake.
t_demo_person() {
	local seed=$1 from=$2 days=$3 tz=${4:-Asia/Tokyo}
	[ -z "${5:-}" ] || days="$days:$5"
	[ "$(type -t g_start_fake)" = function ] || . "$SRCDIR/tests/fake/scenarios/google-lib.sh"
	T_TOKEN="tok-$RANDOM$RANDOM"
	t_start_fake toggl --token "$T_TOKEN" --person "$seed:$from:$days" --tz "$tz"
	export TOGGL_API_BASE="$FAKE_URL" TOGGL_API_TOKEN="$T_TOKEN"
	g_start_fake --person "$seed:$from:$days" --tz "$tz"
	export GCAL_HOLIDAY_CALENDAR_ID="$G_HOLIDAY"
}

# t_demo_days SEED DAYS [TZ [PROFILE]] — t_demo_person over the last DAYS
# days up to today in TZ (default Asia/Tokyo), today included.  Sets TODAY,
# FROM and DAYS for the test.
t_demo_days() {
	local tz=${3:-Asia/Tokyo}
	TODAY=$(TZ=$tz date +%F)
	FROM=$(date -u -d "$TODAY -$(($2 - 1)) days" +%F)
	DAYS=$2
	t_demo_person "$1" "$FROM" "$DAYS" "$tz" ${4:+"$4"}
}

# t_demo_since SEED FROM [TZ [PROFILE]] — t_demo_person from FROM up to
# today in TZ (default Asia/Tokyo), today included.  Sets TODAY, FROM and
# DAYS for the test.
t_demo_since() {
	local tz=${3:-Asia/Tokyo}
	TODAY=$(TZ=$tz date +%F)
	FROM=$2
	DAYS=$(( ( $(date -u -d "$TODAY" +%s) - $(date -u -d "$FROM" +%s) ) / 86400 + 1 ))
	t_demo_person "$1" "$FROM" "$DAYS" "$tz" ${4:+"$4"}
}

# t_demo_pipeline DAYS [GOALS_CSV] — seed the bundled config, import goals
# (the bundled file unless GOALS_CSV; none when it is "-"), sync both
# sources for DAYS days and transform, as a first night would.  Quiet; fails
# on the first error.
t_demo_pipeline() {
	local days=$1 goals=${2:-$SRCDIR/config/goals.csv}
	"$DWHBI" -q seed --config "$SRCDIR/config" &&
	{ [ "$goals" = - ] || "$DWHBI" -q goals import "$goals"; } &&
	"$DWHBI" -q sync toggl --days $((days + 1)) &&
	"$DWHBI" -q sync gcal &&
	"$DWHBI" -q transform
}

# t_start_fake NAME [ARGS...] — starts $BUILD/tests/fake/fake-NAME on a free
# port; sets FAKE_PORT, FAKE_URL and FAKE_LOG (its request log).
t_start_fake() {
	local name=$1 bin="$BUILD/tests/fake/fake-$1" out i
	shift
	[ -x "$bin" ] || { echo "t_start_fake: $bin not built" >&2; exit 1; }
	out="$T_TMP/fake-$name.out"
	FAKE_LOG="$T_TMP/$name.log"
	# A restarted fake must not be found by the previous one's port line
	# (the redirection below truncates the file only once the child runs).
	rm -f "$out"
	"$bin" --port 0 --log "$FAKE_LOG" "$@" >"$out" 2>"$T_TMP/fake-$name.err" &
	T_PIDS+=($!)
	for i in $(seq 1 100); do
		if head -1 "$out" 2>/dev/null | grep -q '^port='; then
			FAKE_PORT=$(head -1 "$out" | sed 's/^port=//')
			FAKE_URL="http://127.0.0.1:$FAKE_PORT"
			export FAKE_PORT FAKE_URL FAKE_LOG
			return 0
		fi
		if ! kill -0 "${T_PIDS[-1]}" 2>/dev/null; then break; fi
		sleep 0.1
	done
	echo "t_start_fake: fake-$name did not start:" >&2
	cat "$T_TMP/fake-$name.err" >&2
	exit 1
}

# t_done — ends the script; its exit status says whether a case failed.
t_done() {
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# t_person_warehouse FROM — after t_demo_person: seed the bundled config,
# import the example goals, backfill Toggl from FROM to today (Tokyo), sync
# Google and transform.  Quiet; fails on the first error.
t_person_warehouse() {
	"$DWHBI" -q seed --config "$SRCDIR/config" && "$DWHBI" -q goals import "$SRCDIR/config/goals.csv" &&
	"$DWHBI" -q sync toggl --backfill "$1..$(TZ=Asia/Tokyo date +%F)" && "$DWHBI" -q sync gcal &&
	"$DWHBI" -q transform
}

# t_analyze_snapshot — the latest analyzer snapshot as text (estimates,
# model scores, month projections, backtest errors), for diffs.
t_analyze_snapshot() {
	t_psql "SELECT target_date, category, method, minutes, lower80, upper80, lower95, upper95, mean_minutes
	        FROM analytics.latest_estimates ORDER BY 1, 2"
	t_psql "SELECT category, method, mae, coverage80, coverage95, quantile_score, n_predictions, chosen
	        FROM analytics.latest_model_scores ORDER BY 1, 2"
	t_psql "SELECT category, method, actual_minutes, projected_minutes, lower80, upper80, lower95, upper95
	        FROM analytics.latest_month_projections ORDER BY 1"
	t_psql "SELECT category, method, origin, errors FROM analytics.estimate_errors
	        WHERE calculated_at = (SELECT max(calculated_at) FROM analytics.estimate_errors)
	        ORDER BY 1, 3"
}
