// Publicity (issue 17): a resident on her phone searches the community's news in Chinese and
// sees the words highlighted, opens the article, then opens the latest paper issue, which
// prints in two columns on A4.
//
//   BASE_URL=http://127.0.0.1:18182 node --test publicity.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PHONE, andWaitForPage, assertNoPageProblems, goto, launchBrowser, shot, withPage,
} from './lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

describe('publicity: news searched on a phone, the paper printed', { timeout: 180_000 }, () => {
  test('a search for 文明楼道 finds 楼道文明 too, title hits first, highlighted', async () => {
    await withPage(browser, 'publicity-search', async (page, problems) => {
      await goto(page, '/public');
      await andWaitForPage(page, () => page.locator('a.portal-door[href^="/public/news"]').click());
      await page.fill('#q', '文明楼道');
      await andWaitForPage(page, () => page.locator('#news-search button[type=submit]').click());
      const total = await page.locator('#search-total').innerText();
      assert.match(total, /找到 \d+ 条/);
      const first = page.locator('.search-hit').first();
      assert.match(await first.locator('a').innerText(), /文明楼道/, 'the title hit comes first');
      const marks = await page.locator('.search-hit mark').allInnerTexts();
      assert.ok(marks.some((m) => m.includes('文明')) && marks.some((m) => m.includes('楼道')), marks.join(' '));
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits the phone');
      await shot(page, 'publicity-search-phone');
      await andWaitForPage(page, () => first.locator('a').click());
      assert.match(await page.locator('h1').innerText(), /文明楼道/);
      assertNoPageProblems(problems, 'search');
    }, { viewport: PHONE, mobile: true });
  });

  test('the latest paper issue prints in two columns', async () => {
    await withPage(browser, 'publicity-paper', async (page, problems) => {
      await goto(page, '/public/paper');
      await andWaitForPage(page, () => page.locator('.paper-archive a').first().click());
      assert.match(await page.locator('.paper-masthead h1').innerText(), /《.+之家报》第\d+期/);
      const articles = await page.locator('.paper-article').count();
      assert.ok(articles >= 4, `an issue holds its articles: ${articles}`);
      await page.emulateMedia({ media: 'print' });
      const columns = await page.locator('.paper-columns').evaluate((e) => getComputedStyle(e).columnCount);
      assert.equal(columns, '2');
      assert.equal(await page.locator('.no-print').first().isVisible(), false, 'the buttons are not printed');
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 10_000, `a PDF of the issue: ${pdf.length} bytes`);
      assertNoPageProblems(problems, 'paper');
    });
  });
});
