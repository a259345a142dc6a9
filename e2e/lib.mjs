// Shared helpers for the browser suite: where the server and Chromium are, where
// screenshots go, and small steps (log in, follow a link and wait for the new page).
//
// Environment:
//   BASE_URL        the running server (default http://127.0.0.1:18080)
//   SCREENSHOT_DIR  folder for the PNGs (default e2e/screenshots); created if missing
//   CHROMIUM        browser binary (default: `which chromium`, Debian's package)
//   A11Y            `off` skips the axe-core check the navigation helpers run after every page
//                   load (for debugging a flow; CI always checks)

import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
export const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR || path.join(here, 'screenshots'));

export const ADMIN = { username: 'admin', password: 'linli2026' };
export const COMMUNITY = 'Xx社区';

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** Any CJK ideograph: the way to tell a Chinese message from an English one. */
export const HAN = /[\u4e00-\u9fff]/;

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execSync('which chromium', { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium not found: install Debian\'s `chromium` package or set CHROMIUM=/path/to/chromium');
  }
}

export async function launchBrowser() {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
      // With Debian's chromium-l10n, file pickers and date fields speak Chinese as users see them.
      '--lang=zh-CN',
    ],
  });
}

/**
 * A fresh context (no cookies) and page. The context speaks Chinese like the people the
 * app is for. Everything that goes wrong in the page (uncaught JS errors, sub-resources
 * answering 4xx/5xx) is collected in `problems` for `assertNoPageProblems`.
 */
export async function newPage(browser, { viewport = DESKTOP, mobile = false } = {}) {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught script error: ${err.message}`));
  page.on('response', (res) => {
    const req = res.request();
    if (res.status() >= 400 && req.resourceType() !== 'document' && !req.url().endsWith('/favicon.ico')) {
      problems.push(`${req.method()} ${req.url()} -> HTTP ${res.status()}`);
    }
  });
  page.on('requestfailed', (req) => {
    // ERR_ABORTED is the browser cancelling a sub-resource because the page navigated on
    // (a form submitted while the favicon was still loading): not a problem of the page.
    const aborted = (req.failure()?.errorText ?? '').includes('ERR_ABORTED');
    if (!aborted && req.resourceType() !== 'document' && !req.url().endsWith('/favicon.ico')) {
      problems.push(`${req.method()} ${req.url()} failed: ${req.failure()?.errorText}`);
    }
  });
  return { context, page, problems };
}

export function assertNoPageProblems(problems, where) {
  const unique = [...new Set(problems)];
  assert.ok(unique.length === 0, `${where}: the page had errors:\n  ${unique.join('\n  ')}`);
}

let failShots = 0;

/** Full-page PNG into SCREENSHOT_DIR. */
export async function shot(page, name) {
  const file = path.join(SCREENSHOT_DIR, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs `body(page, problems)` on a fresh context; on failure saves a FAIL-*.png of
 * wherever the page was, then rethrows. Always closes the context.
 */
export async function withPage(browser, label, body, opts) {
  const { context, page, problems } = await newPage(browser, opts);
  try {
    await body(page, problems);
  } catch (err) {
    failShots += 1;
    const safe = label.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '');
    try {
      const file = await shot(page, `FAIL-${String(failShots).padStart(2, '0')}-${safe}`);
      err.message += `\n  (page was at ${page.url()}; screenshot ${file})`;
    } catch {
      // the page may already be gone; the original error matters more
    }
    throw err;
  } finally {
    await context.close();
  }
}

/** Path of the page's current URL, e.g. "/login". */
export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/**
 * Does `action` (a click that leads to a new page: a link, a form post, a redirect chain)
 * and waits until the new page has loaded.
 */
export async function andWaitForPage(page, action) {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
  });
  await action();
  await navigated;
  await page.waitForLoadState('load');
  await autoA11y(page);
}

export async function goto(page, route) {
  const res = await page.goto(BASE_URL + route, { waitUntil: 'load' });
  await autoA11y(page);
  return res;
}

// ---- accessibility: axe-core over every page the suite loads ----

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A and AA, the level UI.md (and GB/T 37668) asks for. */
export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const IMPACTS = ['critical', 'serious', 'moderate', 'minor'];
const BLOCKING = new Set(['critical', 'serious']);
const a11yTotals = { pages: 0, violations: 0, blocking: 0 };

process.on('exit', () => {
  if (a11yTotals.pages > 0) {
    console.log(
      `axe-core: ${a11yTotals.pages} page loads checked (${A11Y_TAGS.join(', ')}), ` +
        `${a11yTotals.violations} violations, ${a11yTotals.blocking} serious or critical`,
    );
  }
});

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) on the page as it is now; prints one line with the
 * count of violated rules per impact (and the rules axe could not decide), and returns the serious and critical violations as
 * readable lines (rule, impact, help, the first few elements). Pages that are not HTML
 * (a PDF, a spreadsheet) are skipped and return [].
 *
 * The app's Content-Security-Policy (script-src 'self') refuses inline script tags, so
 * axe's source is evaluated through the DevTools protocol rather than `addScriptTag`.
 */
export async function checkA11y(page, label = '') {
  const isHtml = await page.evaluate(() => document.contentType === 'text/html' && !!document.body).catch(() => false);
  if (!isHtml) return [];
  await page.evaluate(`window.axe || (() => { ${AXE_SOURCE}
 })()`);
  const { violations, review, elder, lang } = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      // Rules axe could not decide (text over a gradient, say): for a person to look at.
      review: r.incomplete.map((v) => v.id),
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        count: v.nodes.length,
      })),
      elder: document.body.classList.contains('elder'),
      lang: document.documentElement.lang,
    };
  }, A11Y_TAGS);
  const counts = Object.fromEntries(IMPACTS.map((i) => [i, violations.filter((v) => v.impact === i).length]));
  const { width, height } = page.viewportSize();
  const where = `${new URL(page.url()).pathname}${new URL(page.url()).search}`;
  const mode = `${width}x${height} ${lang}${elder ? ' large-type' : ''}`;
  console.log(
    `axe ${mode} ${where}${label ? ` [${label}]` : ''}: ` +
      IMPACTS.map((i) => `${i} ${counts[i]}`).join(', ') +
      (review.length ? `; to review by hand: ${review.join(', ')}` : ''),
  );
  const blocking = violations
    .filter((v) => BLOCKING.has(v.impact))
    .map(
      (v) =>
        `${where} (${mode}): ${v.id} [${v.impact}] ${v.help} — ${v.count} element(s): ${v.targets.join(' | ')}`,
    );
  a11yTotals.pages += 1;
  a11yTotals.violations += violations.length;
  a11yTotals.blocking += blocking.length;
  return blocking;
}

/** `checkA11y`, failing with the list when any serious or critical violation is found. */
export async function assertA11y(page, label = '') {
  const blocking = await checkA11y(page, label);
  assert.deepEqual(
    blocking,
    [],
    `axe-core found ${blocking.length} serious or critical WCAG 2.1 AA violation(s):\n  ${blocking.join('\n  ')}`,
  );
}

async function autoA11y(page) {
  if ((process.env.A11Y || '').toLowerCase() === 'off') return;
  await assertA11y(page);
}

/** Fills and submits the login form on the current page. */
export async function submitLogin(page, { username, password }) {
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await andWaitForPage(page, () => page.click('form.login-form button[type=submit]'));
}

/** Text of the first visible login error (`.form-error` or `.flash-error`), or null. */
export async function loginError(page) {
  const el = page.locator('.form-error, .flash-error').filter({ visible: true }).first();
  if ((await el.count()) === 0) return null;
  return (await el.innerText()).trim();
}

/** Opens /login, logs in, and checks that the staff home page is what came back. */
export async function loginAs(page, account) {
  await goto(page, '/login');
  await submitLogin(page, account);
  const err = await loginError(page);
  assert.equal(
    pathOf(page),
    '/',
    `logging in as ${account.username} should land on / but landed on ${page.url()}` +
      (err ? ` with the error "${err}"` : ''),
  );
}

export const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
export const bodyClasses = (page) => page.evaluate(() => [...document.body.classList]);
export const textOf = async (page, selector) => (await page.locator(selector).first().innerText()).trim();

/** Prints the page as the browser would (print CSS, A4) into SCREENSHOT_DIR; headless only. */
export async function printPdf(page, name) {
  const file = path.join(SCREENSHOT_DIR, name.endsWith('.pdf') ? name : `${name}.pdf`);
  await page.pdf({ path: file, format: 'A4', margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } });
  return file;
}

/** Today's date in Beijing time as YYYY-MM-DD (the community's calendar, whatever the host's zone). */
/** 2026-12-04 → 2026年12月4日, as the printed pages write a date. */
export function chineseDate(iso) {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** A date as either form, ISO in the ledgers' tables or Chinese on printed pages. */
export function eitherDate(iso) {
  return new RegExp(`${iso}|${chineseDate(iso)}`);
}

export function todayInShanghai() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
