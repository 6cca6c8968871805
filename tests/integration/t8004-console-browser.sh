#!/usr/bin/env bash
# t8004: the console in a real browser — headless Chromium from Debian's
# packages, driven by playwright-core from npm (scripts/deps/console.*)
# — logs in, clicks "sync now" (a real local sync against the fake Google
# server), sees the run appear and finish and the overview's last sync move
# without a transform, opens the run page (log lines) and a run with steps,
# accepts a proposal through its confirmation page and undoes it (the goal
# versions are exactly as before), and saves a screenshot of each page at
# 1280 and 390 px under $T_TMP, copied to $BUILD/screenshots/.
# Skipped (never passed) when Chromium, node or the driver is missing.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"
. "$SRCDIR/tests/fake/scenarios/google-lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
DRIVER="$SRCDIR/.deps/node_modules/playwright-core"
if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null || [ ! -d "$DRIVER" ]; then
	t_skip "console in headless Chromium" "needs $CHROMIUM, node and playwright-core (scripts/install-deps)"
	t_done
fi

t_migrated_db
console_fixture marts
g_start_fake --scenario "$SRCDIR/tests/fake/scenarios/google-basic.json"
export GCAL_CALENDAR_IDS=primary DWHBI_TIMEZONE=Asia/Tokyo
export DWHBI_CONSOLE_TOKEN=console-token-for-the-browser
mkdir -p "$T_TMP/reports" "$T_TMP/shots"
printf '%%PDF-1.4\n%% browser test\n%%%%EOF\n' > "$T_TMP/reports/report-2026-10.pdf"
: > "$T_TMP/reports/report-2026-11.pdf"   # a report being rendered
t_psql "INSERT INTO ops.runs (id, job, started_at, finished_at, status) VALUES
          (9001, 'run daily', now() - interval '10 min', now() - interval '8 min', 'success');
        INSERT INTO ops.runs (id, parent_id, job, started_at, finished_at, status, rows_read, rows_written, rows_deleted) VALUES
          (9002, 9001, 'sync toggl', now() - interval '10 min', now() - interval '9 min 30 s', 'success', 120, 14, 2),
          (9003, 9001, 'transform', now() - interval '9 min 29 s', now() - interval '8 min', 'success', 5000, 4200, 0);
        INSERT INTO ops.run_logs VALUES (9003, 1, now() - interval '8 min', 'info', 'transform: 42 models built')" >/dev/null
goals_before=$(t_psql "SELECT string_agg(concat_ws(' ', goal_id, minutes, valid_from, coalesce(valid_to::text, 'open')), ',' ORDER BY goal_id) FROM ref.goals")
console_start --reports-dir "$T_TMP/reports"
proposal=
if adjust_available; then
	proposal=$(t_psql "SELECT min(proposal_id) FROM analytics.goal_proposals WHERE state = 'pending'")
else
	t_skip "browser: accept a proposal" "dwhbi adjust accept is not implemented in this build"
fi

CONSOLE_TOKEN=$DWHBI_CONSOLE_TOKEN SHOTS="$T_TMP/shots" PROFILE="$T_TMP/profile" \
	SERVICE=gcal PROPOSAL=$proposal STEPS_RUN=9001 CHROMIUM=$CHROMIUM PLAYWRIGHT_CORE="$DRIVER" \
	timeout 120 node "$SRCDIR/tests/browser/console.mjs" >"$T_TMP/browser.out" 2>"$T_TMP/browser.err"
rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) t_ok "browser: ${line#ok - }" true ;;
	"not ok - "*) echo "    $line"; t_ok "browser: ${line#not ok - }" false ;;
	esac
done < "$T_TMP/browser.out"
t_ok "the browser session ended cleanly" '[ "$rc" = 0 ] || { tail -5 "$T_TMP/browser.err"; false; }'
if [ -n "$proposal" ]; then
	t_eq "after accept and undo the proposal is pending in the database" pending \
		"$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = $proposal")"
	t_ok "the accept really ran (adjust accept succeeded once)" \
		'[ "$(t_psql "SELECT count(*) FROM ops.runs WHERE job = '"'adjust accept'"' AND status = '"'success'"'")" = 1 ]'
	t_eq "the undo restored the previous goal versions exactly" "$goals_before" \
		"$(t_psql "SELECT string_agg(concat_ws(' ', goal_id, minutes, valid_from, coalesce(valid_to::text, 'open')), ',' ORDER BY goal_id) FROM ref.goals")"
fi
t_eq "no transform ran: the new sync time came from ops.sync_state" 0 \
	"$(t_psql "SELECT count(*) FROM ops.runs WHERE job = 'transform' AND id <> 9003 AND started_at > now() - interval '10 minutes'")"
t_ok "a screenshot of every page was saved, at 1280 and 390 px" \
	'for p in 03-overview 04-runs 05-goals 07-reports 08-run-log 09-run-steps 04-runs-390 05-goals-390 05b-confirm-accept-390 07-reports-390 08-run-log-390; do [ -s "$T_TMP/shots/$p.png" ] || { echo "missing $p"; exit 1; }; done'
mkdir -p "$BUILD/screenshots" && cp "$T_TMP"/shots/*.png "$BUILD/screenshots/" 2>/dev/null
t_done
