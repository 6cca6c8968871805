// Browser test of the console: a real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; no browser is downloaded)
// logs in, clicks "sync now", sees the run appear, accepts a proposal, and
// saves a screenshot of every page.
//
// Environment: CONSOLE_URL, CONSOLE_TOKEN, SHOTS (screenshot directory),
// PROFILE (a fresh user-data-dir), SERVICE (the source to sync, default
// gcal), PROPOSAL (id of a pending proposal, or empty to skip accepting),
// CHROMIUM (default /usr/bin/chromium), PLAYWRIGHT_CORE (the module's path).
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
let failed = 0;

function check(name, cond, why) {
  if (cond) console.log(`ok - ${name}`);
  else { failed++; console.log(`not ok - ${name}${why ? ': ' + why : ''}`); }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
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

  // Goals: accept a proposal.
  await page.goto(base + '/goals');
  await shot(page, '05-goals');
  if (proposal) {
    await page.click(`[data-testid=accept-${proposal}]`);
    await page.waitForURL(base + '/goals');
    const msg = await page.locator('.flash').textContent();
    check('proposal accepted', msg.includes(`proposal ${proposal} accepted`), msg);
    check('proposal no longer pending', await page.locator(`#proposal-${proposal}`).count() === 0);
    check('the goal shows its next version',
          (await page.locator('table.goals').textContent()).includes('from '));
    check('proposal listed as accepted',
          (await page.locator(`table.decided tr[data-proposal-id="${proposal}"]`).textContent()).includes('accepted'));
    await shot(page, '06-goals-accepted');
  }

  await page.goto(base + '/reports');
  check('reports page lists the PDF', await page.locator('table.reports a[href$=".pdf"]').count() > 0);
  await shot(page, '07-reports');

  check('no script errors', errors.length === 0, errors.join('; '));
} catch (e) {
  failed++;
  console.log(`not ok - browser session: ${String(e).split('\n')[0]}`);
} finally {
  await context.close();
}
process.exit(failed ? 1 : 0);
