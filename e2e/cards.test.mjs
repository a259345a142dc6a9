// Neighbour cards (睦邻卡, issue 14) on paper: the building head of 3号楼 prints her building's
// cards to an A4 PDF and each page is read back with pdftotext. Four A6 cards to a sheet (every
// sheet but the last full), every card complete (her phone, the committee's, the service
// station, the emergency numbers) and nothing cut: as many card titles in the PDF as cards on
// the page, each on the sheet it started on, no card taller than its A6 box, no name broken.
// Screenshots and the PDF go to SCREENSHOT_DIR.
//
// Run: BASE_URL=http://127.0.0.1:18080 node --test cards.test.mjs   (from e2e/, against `linli demo`)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  assertNoPageProblems,
  goto,
  launchBrowser,
  loginAs,
  PHONE,
  printPdf,
  shot,
  withPage,
} from './lib.mjs';

const HEAD = { username: 'louzhang', password: 'linli2026' };
const CARDS_PER_SHEET = 4;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Occurrences of `re` (global) in `text`. */
const count = (text, re) => (text.match(re) || []).length;

async function openThree(page) {
  await loginAs(page, HEAD);
  await goto(page, '/neighbor-cards');
  const three = await page.locator('select#building option', { hasText: /^3号楼$/ }).getAttribute('value');
  assert.ok(three, '3号楼 is among the building head\'s buildings');
  await goto(page, `/neighbor-cards?building=${three}`);
}

test('the building head prints 3号楼\'s cards: four complete A6 cards to an A4 sheet, nothing cut', async () => {
  await withPage(browser, 'cards-print', async (page, problems) => {
    await openThree(page);
    const cards = page.locator('section.card');
    const n = await cards.count();
    assert.ok(n >= 3, `one card per unit at least, got ${n}`);
    const titles = await page.locator('section.card h2').allInnerTexts();
    assert.ok(titles.some((t) => t.includes('（续）')), `a long list continues on a （续） card: ${titles.join(' / ')}`);
    const headPhone = (await page.locator('section.card .card-head .card-phone').first().innerText()).trim();
    const committee = (await page.locator('section.card .card-committee .card-phone').first().innerText()).trim();
    const station = (await page.locator('section.card .card-station').first().innerText()).trim();
    const stationName = station.replace(/^便民服务站：/, '').split('（')[0];
    assert.match(headPhone, /^1\d{10}$/, 'the building head\'s phone is on the card');
    assert.ok(committee.length > 0 && stationName.length > 0, 'the committee and the station are on the card');
    await shot(page, '53-neighbour-cards');

    // As printed: no card taller than its box, no name broken over two lines.
    await page.emulateMedia({ media: 'print' });
    const boxes = await page.$$eval('section.card', (cs) => cs.map((c) => ({
      title: c.querySelector('h2').innerText,
      overflow: c.scrollHeight - c.clientHeight,
      brokenNames: [...c.querySelectorAll('.card-name')].filter((e) => e.getClientRects().length > 1 || e.offsetHeight > parseFloat(getComputedStyle(e).lineHeight) * 1.5).map((e) => e.innerText),
    })));
    for (const b of boxes) {
      assert.ok(b.overflow <= 1, `${b.title} runs ${b.overflow}px past its A6 box`);
      assert.deepEqual(b.brokenNames, [], `${b.title}: names broken over two lines`);
    }
    const chrome = await page.$$eval('.topbar, .sidenav, form, .breadcrumbs, .page-head, .print-header', (els) => els.filter((e) => e.offsetParent !== null && getComputedStyle(e).display !== 'none').length);
    assert.equal(chrome, 0, 'nothing of the app\'s chrome or forms prints');
    await page.emulateMedia({ media: null }); // back to the page's own: pdf() prints it

    const pdf = await printPdf(page, '53-neighbour-cards');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
    assert.match(info, /Page size:.*\(A4\)/, 'A4');
    assert.equal(pages, Math.ceil(n / CARDS_PER_SHEET), `${n} cards take ${Math.ceil(n / CARDS_PER_SHEET)} sheets`);

    let seen = 0;
    for (let p = 1; p <= pages; p++) {
      const text = execFileSync('pdftotext', ['-layout', '-f', String(p), '-l', String(p), pdf, '-'], { encoding: 'utf8' });
      const onPage = count(text, /3号楼\d+单元 睦邻卡/g);
      assert.ok(onPage <= CARDS_PER_SHEET, `page ${p} holds ${onPage} cards`);
      if (p < pages) assert.equal(onPage, CARDS_PER_SHEET, `page ${p} is a full sheet of four`);
      assert.ok(onPage > 0, `page ${p} is not empty`);
      // Every card on the page complete: each part once per card.
      const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.equal(count(text, new RegExp(`楼长：\\s*\\S+\\s+${esc(headPhone)}`, 'g')), onPage, `page ${p}: the building head and her phone on every card`);
      assert.ok(count(text, new RegExp(`社区居委会：\\s*${esc(committee)}`, 'g')) === onPage, `page ${p}: the committee's phone on every card`);
      assert.equal(count(text, new RegExp(`便民服务站：\\s*${esc(stationName)}`, 'g')), onPage, `page ${p}: the station on every card`);
      assert.equal(count(text, /急救\s*120/g), onPage, `page ${p}: 120 on every card`);
      assert.equal(count(text, /报警\s*110/g), onPage, `page ${p}: 110 on every card`);
      seen += onPage;
    }
    assert.equal(seen, n, 'every card of the page is in the PDF, none cut or lost');
    assertNoPageProblems(problems, 'neighbour cards');
  });
});

test('on a phone the cards page stays a normal page, nothing wider than the screen', async () => {
  await withPage(browser, 'cards-phone', async (page, problems) => {
    await openThree(page);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 1, `the page scrolls sideways by ${wide}px`);
    assert.ok(await page.locator('section.card').first().isVisible());
    await shot(page, '53-neighbour-cards-phone');
    assertNoPageProblems(problems, 'neighbour cards on a phone');
  }, { viewport: PHONE, mobile: true });
});
