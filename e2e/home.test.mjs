// Every role at home (issue 14), first part: 陈玉兰 (`jumin`, linked to her registry record)
// opens Linli on her phone and finds her own page — her household as registered, her course,
// the issue she reported — downloads her data, and finds nothing of her neighbours; a visitor
// opens the public portal; each demo role's home page offers only links that open; no page a
// building head or a resident reaches scrolls sideways on a 390 px phone, in either type size.
//
// Run: BASE_URL=http://127.0.0.1:18080 node --test   (from e2e/, against `linli demo`)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  andWaitForPage,
  assertNoPageProblems,
  goto,
  launchBrowser,
  loginAs,
  pathOf,
  shot,
  textOf,
  withPage,
} from './lib.mjs';

const PASSWORD = 'linli2026';
const RESIDENT = { username: 'jumin', password: PASSWORD };
const ROLES = [
  { username: 'admin', viewport: DESKTOP },
  { username: 'wangge1', viewport: DESKTOP },
  { username: 'louzhang', viewport: PHONE, mobile: true },
  { username: 'gongjian', viewport: DESKTOP },
  { username: 'jijin', viewport: DESKTOP },
  { username: 'jumin', viewport: PHONE, mobile: true },
];

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** How many pixels the page is wider than its window (0 when nothing scrolls sideways). */
const overflow = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('a resident at home on her phone', () => {
  test('her own page, her data to download, nothing of her neighbours', async () => {
    await withPage(browser, 'resident-home', async (page, problems) => {
      await loginAs(page, RESIDENT);
      assert.equal(pathOf(page), '/');
      assert.match(await textOf(page, '#my-record'), /陈玉兰/);
      assert.match(await textOf(page, '#my-record'), /1号楼1单元101/);
      assert.match(await textOf(page, '#my-courses'), /老年大学/);
      assert.match(await textOf(page, '#my-reports'), /楼道灯不亮/);
      const body = await page.locator('main').innerText();
      assert.ok(!body.includes('7886'), 'no community-wide figures');
      assert.ok(!/\d{17}[\dX]/.test(body), 'no whole ID number on the page');
      assert.ok((await overflow(page)) <= 1, 'nothing scrolls sideways at 390 px');
      await shot(page, 'home-01-resident-phone');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#my-export'),
      ]);
      assert.equal(download.suggestedFilename(), 'my-data.json');
      const file = await download.path();
      const { readFile } = await import('node:fs/promises');
      const data = JSON.parse(await readFile(file, 'utf8'));
      assert.equal(data.resident.name, '陈玉兰');
      assert.equal(data.resident.id_number.length, 18, 'her own copy holds her whole ID number');

      // A neighbour's record, or the roster, is not there for her.
      for (const path of ['/residents', '/residents/1', '/cases', '/fund']) {
        const res = await page.goto(BASE_URL + path);
        assert.equal(res.status(), 404, `${path} answers 404 to a resident`);
      }
      await goto(page, '/');
      assertNoPageProblems(problems, 'the resident home');
    }, { viewport: PHONE, mobile: true });
  });
});

describe('the public portal', () => {
  test('the community, its phone and every door open on a phone', async () => {
    await withPage(browser, 'portal', async (page, problems) => {
      await goto(page, '/public');
      assert.match(await textOf(page, '#portal-community'), /Xx社区/);
      assert.match(await textOf(page, '#portal-phone'), /0453-6251234/);
      const doors = await page.locator('a.portal-door').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(
        doors.map((h) => h.split('?')[0]),
        ['/public/report', '/public/news', '/public/affairs', '/public/courses', '/disclosure/fund', '/public/stations'],
      );
      assert.ok((await overflow(page)) <= 1);
      await shot(page, 'home-02-portal-phone');
      for (const href of doors) {
        const res = await page.goto(BASE_URL + href);
        assert.equal(res.status(), 200, `${href} opens`);
        assert.ok((await overflow(page)) <= 1, `${href} fits the phone`);
      }
      // A mistyped reference: public words, the form again, the way back.
      const res = await page.goto(`${BASE_URL}/public/affairs/ZZZZ2345`);
      assert.equal(res.status(), 404);
      assert.match(await textOf(page, '#ref-not-found'), /没有找到查询号/);
      await andWaitForPage(page, () => page.click('a[href="/public"]'));
      assert.equal(pathOf(page), '/public');
      assertNoPageProblems(problems, 'the portal');
    }, { viewport: PHONE, mobile: true });
  });
});

describe('every role at home', () => {
  for (const role of ROLES) {
    test(`${role.username}: every link on the home page opens`, async () => {
      await withPage(browser, `home-links-${role.username}`, async (page) => {
        await loginAs(page, { username: role.username, password: PASSWORD });
        const hrefs = await page
          .locator('main a[href^="/"]')
          .evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')))]);
        await shot(page, `home-03-${role.username}`);
        const refused = [];
        for (const href of hrefs) {
          if (href.includes('/export') || href.endsWith('.xlsx') || href.endsWith('.csv')) continue;
          const res = await page.request.get(BASE_URL + href);
          if (res.status() === 403 || res.status() === 404) refused.push(`${href} → ${res.status()}`);
        }
        assert.deepEqual(refused, [], `links on ${role.username}'s home that do not open`);
      }, { viewport: role.viewport, mobile: role.mobile });
    });
  }
});

describe('phones first: nothing scrolls sideways', () => {
  // Every page a building head or a resident can reach from her home page by following links
  // (two of each kind of address, up to 120 pages), opened at 390 px in normal and in large
  // type: none is wider than the phone. Tables may scroll inside their own container; the page
  // itself may not.
  const skip = (h) => /export|\.xlsx|\.csv|\.docx|\/logout|\/settings\/lang|\/static\/|\/assets\//.test(h);
  for (const username of ['louzhang', 'jumin']) {
    test(`${username}: every reachable page fits 390 px`, async () => {
      await withPage(browser, `phone-crawl-${username}`, async (page) => {
        await loginAs(page, { username, password: PASSWORD });
        for (const elder of ['0', '1']) {
          await page.context().addCookies([{ name: 'linli_elder', value: elder, url: BASE_URL }]);
          const seen = new Set();
          const kinds = new Map();
          const queue = ['/'];
          const wide = [];
          while (queue.length && seen.size < 120) {
            const path = queue.shift();
            if (seen.has(path)) continue;
            seen.add(path);
            const res = await page.goto(BASE_URL + path);
            assert.ok(res.status() < 400, `${path} answers ${res.status()} to ${username}`);
            const over = await overflow(page);
            if (over > 1) {
              wide.push(`${path} (+${over} px)`);
              await shot(page, `phone-wide-${username}-${elder}-${seen.size}`);
            }
            const hrefs = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
            for (const h of hrefs) {
              if (skip(h) || seen.has(h)) continue;
              const kind = h.replace(/\d+/g, 'N');
              const n = kinds.get(kind) || 0;
              if (n >= 2) continue;
              kinds.set(kind, n + 1);
              queue.push(h);
            }
          }
          assert.ok(seen.size >= (username === 'jumin' ? 8 : 30), `${username} reached ${seen.size} pages`);
          const size = elder === '1' ? 'large type' : 'normal type';
          assert.deepEqual(wide, [], `pages wider than the phone for ${username} in ${size}`);
        }
      }, { viewport: PHONE, mobile: true });
    });
  }
});
