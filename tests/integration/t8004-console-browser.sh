#!/usr/bin/env bash
# t8004: the console in a real browser — headless Chromium from Debian's
# packages, driven by playwright-core from npm (scripts/deps/console.*)
# — logs in, clicks "sync now" (a real local sync against the fake Google
# server), sees the run appear and finish, accepts a proposal, and saves a
# screenshot of each page under $T_TMP, copied to $BUILD/screenshots/.
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
printf '%%PDF-1.4\n%% browser test\n' > "$T_TMP/reports/report-2026-10.pdf"
console_start --reports-dir "$T_TMP/reports"
proposal=
if adjust_available; then
	proposal=$(t_psql "SELECT min(proposal_id) FROM analytics.goal_proposals WHERE state = 'pending'")
else
	t_skip "browser: accept a proposal" "dwhbi adjust accept is not implemented in this build"
fi

CONSOLE_TOKEN=$DWHBI_CONSOLE_TOKEN SHOTS="$T_TMP/shots" PROFILE="$T_TMP/profile" \
	SERVICE=gcal PROPOSAL=$proposal CHROMIUM=$CHROMIUM PLAYWRIGHT_CORE="$DRIVER" \
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
	t_eq "the click accepted the proposal in the database" accepted \
		"$(t_psql "SELECT state FROM analytics.goal_proposals WHERE proposal_id = $proposal")"
fi
t_ok "a screenshot of every page was saved" \
	'for p in 03-overview 04-runs 05-goals 07-reports; do [ -s "$T_TMP/shots/$p.png" ] || exit 1; done'
mkdir -p "$BUILD/screenshots" && cp "$T_TMP"/shots/*.png "$BUILD/screenshots/" 2>/dev/null
t_done
