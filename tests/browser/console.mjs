// Browser test of the console: a real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; no browser is downloaded)
// logs in, clicks "sync now", sees the run appear and the overview's last
// sync move, opens run pages (steps, log lines), accepts a proposal through
// its confirmation page and undoes it, and saves a screenshot of every page
// at 1280 px and at 390 px (a phone).
//
// Environment: CONSOLE_URL, CONSOLE_TOKEN, SHOTS (screenshot directory),
// PROFILE (a fresh user-data-dir), SERVICE (the source to sync, default
// gcal), PROPOSAL (id of a pending proposal, or empty to skip accepting),
// CHROMIUM (default /usr/bin/chromium), PLAYWRIGHT_CORE (the module's path),
// STEPS_RUN (id of a run with child steps).
// Prints one line per check: "ok - NAME" or "not ok - NAME: why", and
// exits 1 when a check failed.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const base = process.env.CONSOLE_URL;
const token = process.env.CONSOLE_TOKEN;
const shots = process.env.SHOTS;
const proposal = process.env.PROPOSAL || '';
const service = process.env.SERVICE || 'gcal';
const job = { toggl: 'sync toggl', gcal: 'sync gcal' }[service];
const stepsRun = process.env.STEPS_RUN || '';
let failed = 0;

function check(name, cond, why) {
  if (cond) console.log(`ok - ${name}`);
  else { failed++; console.log(`not ok - ${name}${why ? ': ' + why : ''}`); }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

// The same page at a phone's width: nothing may stick out sideways.
async function narrow(page, name) {
  await page.setViewportSize({ width: 390, height: 844 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`${name} fits 390 px (scroll width ${wide})`, wide <= 390);
  // ... and no section scrolls sideways either (a table cut off inside it).
  const cut = await page.evaluate(() => [...document.querySelectorAll('section')]
    .filter((s) => s.scrollWidth > s.clientWidth + 1).map((s) => s.querySelector('h2,h1')?.textContent || '?'));
  check(`${name}: no section is cut off at 390 px`, cut.length === 0, cut.join(', '));
  await page.screenshot({ path: path.join(shots, `${name}-390.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 860 });
}

const context = await chromium.launchPersistentContext(process.env.PROFILE, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 860 },
  timeout: 30000,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => errors.push(String(e)));
  // The refused login answers 401 on purpose; any other failed load or
  // script error is a bug.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('status of 401')) errors.push(m.text());
  });

  // Logged out: the overview reads, but "sync now" asks to log in.
  await page.goto(base + '/');
  check('overview renders', (await page.locator('h1').textContent()) === 'Overview');
  check('logged out: no sync button', await page.locator(`[data-testid=sync-${service}]`).count() === 0);
  await shot(page, '01-overview-logged-out');

  // Log in with the token.
  await page.click('header >> text=Log in');
  await page.fill('input[name=token]', 'wrong-token');
  await page.click('button:has-text("Log in")');
  check('wrong token refused', (await page.locator('.flash.error').textContent()).includes('not right'));
  await shot(page, '02-login-refused');
  await page.fill('input[name=token]', token);
  await page.click('button:has-text("Log in")');
  await page.waitForURL(base + '/');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'dwhbi_session');
  check('session cookie is HttpOnly and SameSite=Strict',
        session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(session));
  check('hostile text shown as text', (await page.locator('body').innerText()).includes('<script>alert("x")</script>'));
  check('logged in, no login link', await page.locator('[data-testid=login-to-act]').count() === 0);
  const syncCell = `tr[data-service=${service}] [data-testid=last-sync] time`;
  const syncedBefore = await page.locator(syncCell).getAttribute('datetime').catch(() => null);
  await shot(page, '03-overview');

  // Sync now: the run appears in the run history.
  await page.click(`[data-testid=sync-${service}]`);
  await page.waitForURL(new RegExp('/runs\\?job=' + encodeURIComponent(job)));
  const flash = await page.locator('.flash').textContent();
  const m = flash.match(/run (\d+)/);
  check('sync now started a run', m !== null, flash);
  if (m) {
    const row = page.locator(`#run-${m[1]}`);
    await row.waitFor();
    check('the run appears in the history', (await row.textContent()).includes(job));
    check('the new run is highlighted', (await row.getAttribute('class') || '').includes('highlight'));
    // The page reloads itself while the run is running; wait until it ends.
    await page.waitForFunction((id) => {
      const r = document.getElementById('run-' + id);
      return r && r.dataset.status !== 'running';
    }, m[1], { timeout: 30000 });
    const status = await page.locator(`#run-${m[1]}`).getAttribute('data-status');
    check('the run finished with success', status === 'success', status);
  }
  await shot(page, '04-runs');
  await narrow(page, '04-runs');

  // The overview shows the new sync time at once (no transform ran).
  await page.goto(base + '/');
  const syncedAfter = await page.locator(syncCell).getAttribute('datetime');
  check('the overview shows the new sync time', syncedAfter && syncedAfter !== syncedBefore &&
        Date.now() - Date.parse(syncedAfter) < 120000, `${syncedBefore} -> ${syncedAfter}`);
  await shot(page, '03b-overview-after-sync');
  await narrow(page, '03b-overview-after-sync');

  // The run page of that sync: its status and log lines.
  if (m) {
    await page.click(`tr[data-service=${service}] a[href="/runs/${m[1]}"]`);
    await page.waitForURL(base + `/runs/${m[1]}`);
    check('the run page shows the status',
          (await page.locator('[data-testid=run-status]').textContent()).includes('success'));
    const lines = await page.locator('tr.log-line').count();
    check('the run page shows its log lines', lines > 0, `${lines} lines`);
    await shot(page, '08-run-log');
    await narrow(page, '08-run-log');
  }
  // A run with steps.
  if (stepsRun) {
    await page.goto(base + `/runs/${stepsRun}`);
    const steps = await page.locator('tr.step').count();
    check('the run page shows the child steps', steps >= 2, `${steps} steps`);
    check('a step shows its rows and duration',
          (await page.locator('tr.step').first().innerText()).includes('120'));
    check('the steps\' log lines are on their own pages',
          await page.locator('tr.step a[href^="/runs/"]').count() === steps);
    await shot(page, '09-run-steps');
    await narrow(page, '09-run-steps');
  }

  // Goals: accept a proposal.
  await page.goto(base + '/goals');
  await shot(page, '05-goals');
  await narrow(page, '05-goals');
  if (proposal) {
    await page.click(`[data-testid=accept-${proposal}]`);
    await page.waitForURL(new RegExp(`/proposals/${proposal}/confirm\\?action=accept$`));
    check('accept asks for confirmation',
          (await page.locator('h1').textContent()).includes(`Accept proposal #${proposal}?`) &&
          await page.locator('[data-testid=confirm-accept]').count() === 1);
    await shot(page, '05b-confirm-accept');
    await narrow(page, '05b-confirm-accept');
    // Cancel first: nothing changes.
    await page.click('[data-testid=cancel]');
    await page.waitForURL(base + '/goals');
    check('cancel leaves the proposal pending', await page.locator(`#proposal-${proposal}`).count() === 1);
    await page.click(`[data-testid=accept-${proposal}]`);
    await page.click('[data-testid=confirm-accept]');
    await page.waitForURL(base + '/goals');
    const msg = await page.locator('.flash').textContent();
    check('proposal accepted', msg.includes(`proposal ${proposal} accepted`), msg);
    check('proposal no longer pending', await page.locator(`#proposal-${proposal}`).count() === 0);
    check('the goal shows its next version',
          (await page.locator('table.goals').textContent()).includes('from '));
    check('proposal listed as accepted',
          (await page.locator(`table.decided tr[data-proposal-id="${proposal}"]`).textContent()).includes('accepted'));
    check('an undo is offered', await page.locator(`[data-testid=undo-${proposal}]`).count() === 1);
    await shot(page, '06-goals-accepted');
    await page.click(`[data-testid=undo-${proposal}]`);
    await page.waitForURL(base + '/goals');
    const undone = await page.locator('.flash').textContent();
    check('undo restores the previous goal', undone.includes(`proposal ${proposal} undone`), undone);
    check('the proposal is pending again', await page.locator(`#proposal-${proposal}`).count() === 1);
    check('no next version is shown any more',
          !(await page.locator('table.goals').textContent()).includes('→'));
    await shot(page, '06b-goals-undone');
  }

  await page.goto(base + '/reports');
  check('reports page lists the PDF', await page.locator('table.reports a[href$=".pdf"]').count() > 0);
  check('reports page never lists a PDF being written',
        await page.locator('table.reports a[href$="report-2026-11.pdf"]').count() === 0);
  await shot(page, '07-reports');
  await narrow(page, '07-reports');

  // Logged out: one login link per page, never one per button.
  await page.click('header button:has-text("Log out")');
  await page.goto(base + '/goals');
  check('logged out: one login link on the goals page',
        await page.locator('[data-testid=login-to-act]').count() === 1);
  await shot(page, '10-goals-logged-out');

  check('no script errors', errors.length === 0, errors.join('; '));
} catch (e) {
  failed++;
  console.log(`not ok - browser session: ${String(e).split('\n')[0]}`);
} finally {
  await context.close();
}
process.exit(failed ? 1 : 0);
