// Civilized corridors (issue 17): the building head inspects one of her corridors on her phone
// with a photo of the dark landing and turns the failed light into an issue report; a resident
// who scans the code in the stairwell reads the corridor's boards on her phone.
//
//   BASE_URL=http://127.0.0.1:18182 node --test corridors.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PHONE, andWaitForPage, assertNoPageProblems, goto, launchBrowser, loginAs, pathOf, shot, withPage,
} from './lib.mjs';

const HEAD = { username: 'louzhang', password: 'linli2026' };
// A 4×4 PNG (red and white squares): a real image the server must decode and re-encode.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAGElEQVR4nGO4oKDw//9/CMkAZwFJBpwyAFBxIGnuzhjvAAAAAElFTkSuQmCC',
  'base64',
);

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function sideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

let corridorPath = '';

describe('corridors: inspected on a phone, read in the stairwell', { timeout: 180_000 }, () => {
  test('the building head inspects her corridor with a photo and reports the light', async () => {
    await withPage(browser, 'corridors-head', async (page, problems) => {
      await loginAs(page, HEAD);
      await goto(page, '/corridors');
      const names = await page.locator('.corridor-list a').allInnerTexts();
      assert.equal(names.length, 6, `her two buildings' six corridors: ${names}`);
      assert.ok(names.every((n) => /^[34]号楼/.test(n)), names.join(' '));
      assert.ok((await sideways(page)) <= 0, 'the list fits the phone');
      await andWaitForPage(page, () => page.locator('.corridor-list a').first().click());
      corridorPath = pathOf(page);
      assert.match(corridorPath, /^\/corridors\/\d+$/);
      const before = await page.locator('ul.inspections > li').count();
      await page.locator('#inspect-form input[name=failed][value=lights]').check();
      await page.fill('#inspect-form input[name=note]', '二楼声控灯不亮');
      await page.setInputFiles('#photos', { name: 'IMG_0412.png', mimeType: 'image/png', buffer: PNG });
      await shot(page, 'corridors-inspect-phone');
      await andWaitForPage(page, () => page.locator('#inspect-form button[type=submit]').click());
      assert.match(await page.locator('.flash').innerText(), /检查结果已保存/);
      assert.equal(await page.locator('ul.inspections > li').count(), before + 1);
      const latest = page.locator('ul.inspections > li').first();
      const text = await latest.innerText();
      assert.ok(text.includes('照明完好') && text.includes('85分'), text);
      const img = latest.locator('img.inspection-photo');
      assert.equal(await img.count(), 1, 'the photo is kept with the inspection');
      assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'and it displays');
      assert.ok((await sideways(page)) <= 0, 'the corridor page fits the phone');
      // The dark landing becomes an issue report in one step.
      await andWaitForPage(page, () => latest.locator('form[action$="/report"] button').click());
      assert.match(pathOf(page), /^\/affairs\/\d+$/, page.url());
      assert.match(await page.locator('main').innerText(), /照明完好不合格/);
      await shot(page, 'corridors-issue-phone');
      assertNoPageProblems(problems, 'corridor inspection');
    }, { viewport: PHONE, mobile: true });
  });

  let codeUrl = '';
  test('the building head prints her stairwell\'s code', async () => {
    assert.ok(corridorPath, 'the corridor was found');
    await withPage(browser, 'corridors-qr', async (page, problems) => {
      await loginAs(page, HEAD);
      await goto(page, corridorPath);
      await andWaitForPage(page, () => page.click(`a[href="/corridors/qr?corridor=${corridorPath.split('/').pop()}"]`));
      assert.equal(await page.locator('.qr-card svg.qr').count(), 1, 'one code for one stairwell');
      codeUrl = (await page.locator('.qr-card .qr-url').innerText()).trim();
      assert.ok(codeUrl.endsWith(`/public${corridorPath}`), codeUrl);
      // The demo runs on this machine: the page says a phone cannot open that address.
      assert.match(await page.locator('#qr-warning').innerText(), /LINLI_PUBLIC_URL/);
      assert.ok((await sideways(page)) <= 0, 'the sheet fits the phone');
      await shot(page, 'corridors-qr-phone');
      // The print button works under the pages' CSP (no inline handlers).
      await page.evaluate(() => { window.print = () => { window.__printed = true; }; });
      await page.click('button[data-print]');
      assert.equal(await page.evaluate(() => window.__printed === true), true, 'the print button prints');
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      assert.ok(pdf.length > 5_000, 'the sheet prints');
      assertNoPageProblems(problems, 'stairwell code');
    }, { viewport: PHONE, mobile: true });
  });

  test('a resident scans the stairwell code and reads the boards', async () => {
    assert.ok(codeUrl, 'the code was printed');
    await withPage(browser, 'corridors-public', async (page, problems) => {
      const res = await page.goto(codeUrl);
      assert.equal(res.status(), 200);
      const text = await page.locator('main').innerText();
      assert.ok(text.includes('科技之窗') && text.includes('安全天地'), text);
      assert.ok(!text.includes('二楼声控灯不亮'), 'the inspectors\' notes stay inside');
      assert.ok((await sideways(page)) <= 0, 'the public page fits the phone');
      await shot(page, 'corridors-public-phone');
      assertNoPageProblems(problems, 'public corridor');
    }, { viewport: PHONE, mobile: true });
  });
});
