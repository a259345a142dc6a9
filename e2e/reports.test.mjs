// Reports (统计) as a community worker uses them at the end of the year: she opens the
// dashboard, clicks a figure and lands on the records behind it; she opens the annual summary,
// picks 夏胜林's case as a typical story (he consented to be named), sees it in the preview,
// and downloads the summary as Word (GB/T 9704 layout) and as Markdown; she downloads a 台账.
// Screenshots and a PDF print of the preview go to SCREENSHOT_DIR.
//
// Run: BASE_URL=http://127.0.0.1:18093 node --test reports.test.mjs   (from e2e/, against `linli demo`)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE_URL,
  andWaitForPage,
  assertNoPageProblems,
  goto,
  launchBrowser,
  loginAs,
  pathOf,
  printPdf,
  shot,
  textOf,
  withPage,
} from './lib.mjs';

const WORKER = { username: 'wangge1', password: 'linli2026' };
const KEEPER = { username: 'jijin', password: 'linli2026' };

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Saves a download and gives its bytes and suggested name. */
async function download(page, click) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(file) };
}

describe(`Linli reports at ${BASE_URL}`, { timeout: 180_000 }, () => {
  test('a worker clicks a figure on the dashboard and lands on its records', async () => {
    await withPage(browser, 'reports-dashboard', async (page, problems) => {
      await loginAs(page, WORKER);
      const res = await goto(page, '/reports');
      assert.equal(res.status(), 200);
      assert.ok((await textOf(page, 'h1')).includes('统计'), 'the dashboard title');
      const row = page.locator('tr[data-indicator="assistance.households_helped"]');
      assert.equal(await row.count(), 1, 'the dashboard lists the households helped');
      assert.ok((await row.innerText()).includes('帮扶困难家庭'), 'by its name, not its id');
      const main = await page.locator('main').innerText();
      assert.ok(!main.includes('assistance.households_helped'), 'no indicator id on the page');
      assert.ok(!/\d\.\d{5,}/.test(main), 'no raw fraction on the page');
      const figure = (await row.locator('td.num').innerText()).trim();
      assert.match(figure, /^\d+$/, `the households helped is a number, not "${figure}"`);
      await shot(page, '80-reports-dashboard');
      await andWaitForPage(page, () => row.locator('a').first().click());
      assert.equal(pathOf(page), '/cases', 'the figure leads to the case files behind it');
      assert.ok((await page.locator('table tbody tr').count()) > 0, 'the records behind the figure are listed');
      assertNoPageProblems(problems, 'dashboard → records');
    });
  });

  test('a worker picks a story, previews the summary and downloads Word and Markdown', async () => {
    await withPage(browser, 'reports-summary', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/reports');
      await andWaitForPage(page, () => page.click('#to-summary'));
      assert.equal(pathOf(page), '/reports/summary');
      const paper = page.locator('#summary-preview');
      const text = await paper.innerText();
      for (const heading of ['一、创新学习载体，打造品牌社区', '二、创新帮扶机制，共建和谐社区', '三、推进部门联动，共谱和谐乐章']) {
        assert.ok(text.includes(heading), `the preview has the seed's heading ${heading}`);
      }
      assert.ok(!/\D0(名|户|人次|元)/.test(text), 'no figure is printed as 0');
      assert.ok(text.includes('数据说明'), 'the exact figures are kept in the notes');

      // Pick 夏胜林's case (he consented to be named) as the typical story.
      const pick = page.locator('#stories tr', { hasText: '夏胜林' }).locator('input[type=checkbox]');
      assert.ok((await pick.count()) >= 1, '夏胜林 (helped this year) can be picked as a story');
      await pick.first().check();
      await andWaitForPage(page, () => page.click('#save-stories'));
      assert.ok((await page.locator('.flash-ok').innerText()).includes('典型事例已保存'));
      assert.ok((await paper.innerText()).includes('居民夏胜林'), 'the story is in the preview with his name');
      await shot(page, '81-reports-summary');
      await printPdf(page, '81-reports-summary');

      const docx = await download(page, () => page.click('#download-docx'));
      assert.ok(docx.name.endsWith('.docx'), `a Word file: ${docx.name}`);
      assert.equal(docx.bytes.subarray(0, 2).toString(), 'PK', 'a DOCX is a zip');
      assert.ok(docx.bytes.length > 3000);
      const md = await download(page, () => page.click('#download-md'));
      const mdText = md.bytes.toString('utf8');
      assert.ok(mdText.startsWith('# Xx社区'), 'the Markdown starts with the title');
      assert.ok(mdText.includes('居民夏胜林') && mdText.includes('[^1]:'), 'the Markdown has the story and the notes');
      assertNoPageProblems(problems, 'summary');
    });
  });

  test('a worker downloads a 台账 workbook, masked', async () => {
    await withPage(browser, 'reports-ledgers', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/reports');
      const link = page.locator('#ledgers a[href*="/reports/ledgers/cases"]');
      assert.equal(await link.count(), 1, 'the dashboard offers the case register');
      const xlsx = await download(page, () => link.click());
      assert.ok(xlsx.name.endsWith('.xlsx'));
      assert.equal(xlsx.bytes.subarray(0, 2).toString(), 'PK');
      assertNoPageProblems(problems, 'ledgers');
    });
  });

  test('the fund keeper reads the summary but cannot edit its template or stories', async () => {
    await withPage(browser, 'reports-keeper', async (page) => {
      await loginAs(page, KEEPER);
      const res = await goto(page, '/reports/summary');
      assert.equal(res.status(), 200);
      assert.equal(await page.locator('#template, #stories').count(), 0, 'no editing tools for the fund keeper');
    });
  });
});
