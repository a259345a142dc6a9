// Assistance (帮扶) as a grid worker uses it: she opens 夏胜林's case, records a goods delivery
// and a visit and sees both on the timeline; prints the neighbour cards of a building (A4 PDF);
// opens the half-done 春节 visit plan, records one household's visit and prints a building's
// route sheet, which names no reasons. Screenshots and PDFs go to SCREENSHOT_DIR.
//
// Re-runnable against the same demo database: notes carry the clock, and the visit is
// recorded on whichever household is still pending.
//
// Run: BASE_URL=http://127.0.0.1:18080 node --test assistance.test.mjs   (from e2e/, against `linli demo`)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  andWaitForPage,
  assertNoPageProblems,
  goto,
  launchBrowser,
  loginAs,
  pathOf,
  printPdf,
  shot,
  textOf,
  todayInShanghai,
  withPage,
} from './lib.mjs';

const WORKER = { username: 'wangge1', password: 'linli2026' };
const today = todayInShanghai();
const stamp = `E2E${Date.now()}`;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

describe('assistance: cases, neighbour cards, holiday visits', { timeout: 240_000 }, () => {
  test('a worker records goods and a visit on a case and sees them on its timeline', async () => {
    await withPage(browser, 'assistance-case', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/cases');
      const link = page.locator('table.table a[href^="/cases/"]', { hasText: '夏胜林' }).first();
      assert.equal(await link.count(), 1, 'the case list should hold 夏胜林\'s case');
      await andWaitForPage(page, () => link.click());
      assert.match(pathOf(page), /^\/cases\/\d+$/);
      const form = page.locator('form[action$="/help"]');
      assert.equal(await form.count(), 1, 'a worker gets the help form on the case page');

      await form.locator('select[name=kind]').selectOption('goods');
      await form.locator('input[name=on]').fill(today);
      await form.locator('input[name=items]').fill('大米 25kg，食用油 5L');
      await form.locator('input[name=source]').fill('社区');
      await form.locator('input[name=note]').fill(`送米面油 ${stamp}`);
      await andWaitForPage(page, () => form.locator('button[type=submit]').click());

      const form2 = page.locator('form[action$="/help"]');
      await form2.locator('select[name=kind]').selectOption('visit');
      await form2.locator('input[name=on]').fill(today);
      await form2.locator('input[name=participants]').fill('王网格、米丽芳');
      await form2.locator('input[name=note]').fill(`入户走访 ${stamp}`);
      await andWaitForPage(page, () => form2.locator('button[type=submit]').click());

      const body = await page.locator('main').innerText();
      assert.ok(body.includes(`送米面油 ${stamp}`), 'the goods delivery is on the timeline');
      assert.ok(body.includes('25kg'), 'with its quantity');
      assert.ok(body.includes(`入户走访 ${stamp}`), 'the visit is on the timeline');
      await shot(page, '50-case-timeline');
      assertNoPageProblems(problems, 'recording help on a case');
    });
  });

  test('a worker prints the neighbour cards of 3号楼', async () => {
    await withPage(browser, 'assistance-cards', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/neighbor-cards');
      const select = page.locator('select#building');
      const three = await select.locator('option', { hasText: /^3号楼$/ }).getAttribute('value');
      assert.ok(three, '3号楼 is among the worker\'s buildings');
      await goto(page, `/neighbor-cards?building=${three}`);
      const cards = page.locator('section.card');
      assert.ok((await cards.count()) >= 1, 'one card per unit');
      const first = await cards.first().innerText();
      assert.ok(first.includes('3号楼') && first.includes('楼长'), `a card names the building and its head: ${first}`);
      assert.ok(first.includes('110') || first.includes('120'), 'emergency numbers are on the card');
      await shot(page, '51-neighbour-cards');
      await printPdf(page, '51-neighbour-cards');
      assertNoPageProblems(problems, 'neighbour cards');
    });
  });

  test('a worker records a 春节 visit and prints a route sheet', async () => {
    await withPage(browser, 'assistance-visits', async (page, problems) => {
      await loginAs(page, WORKER);
      const home = await page.locator('main').innerText();
      assert.ok(home.includes('节日走访进行中'), 'the open 春节 plan shows on the home page');
      await goto(page, '/visits');
      const plan = page.locator('table.table a[href^="/visits/"]', { hasText: '春节' }).first();
      assert.equal(await plan.count(), 1, 'the demo has a 春节 plan');
      await andWaitForPage(page, () => plan.click());
      const planPath = pathOf(page);
      const before = await textOf(page, '.progress-text');
      const m = /已走访 (\d+)\/(\d+) 户/.exec(before);
      assert.ok(m, `progress reads 已走访 n/m 户: ${before}`);
      await shot(page, '52-visit-plan');

      await goto(page, `${planPath}?status=pending`);
      const record = page.locator('a.btn', { hasText: '登记走访' }).first();
      assert.equal(await record.count(), 1, 'a pending household can be recorded');
      await andWaitForPage(page, () => record.click());
      const form = page.locator('form[action*="/targets/"]').first();
      assert.equal(await form.locator('input[name=items]').inputValue() !== '', true, 'the standard gift is filled in');
      await form.locator('input[name=on]').fill(today);
      await form.locator('textarea[name=note]').fill(`老人身体尚好 ${stamp}`);
      await andWaitForPage(page, () => form.locator('button[type=submit]').click());
      assert.equal(pathOf(page), planPath);
      const after = await textOf(page, '.progress-text');
      const n = /已走访 (\d+)\/(\d+) 户/.exec(after);
      assert.equal(Number(n[1]), Number(m[1]) + 1, `one more household visited: ${before} → ${after}`);

      const sheet = page.locator('a.btn', { hasText: '走访路线单' }).first();
      await andWaitForPage(page, () => sheet.click());
      const text = await page.locator('main').innerText();
      assert.ok(text.includes('签收'), 'the route sheet has a signature column');
      for (const reason of ['低保户', '在帮扶困难家庭', '独居老人（高龄）']) {
        assert.ok(!text.includes(reason), `the route sheet must not say why a household is listed (${reason})`);
      }
      await shot(page, '53-route-sheet');
      await printPdf(page, '53-route-sheet');
      assertNoPageProblems(problems, 'holiday visits');
    });
  });
});
