// Learning and the employment station as a grid worker uses them: she opens a running
// course, takes the roll call for its latest session (ticking some forty names, one submit),
// prints the session's sign-in sheet (签到表) and records a placement for one of the
// trainees, which schedules its 1/3/6-month follow-ups.
// Screenshots and the printed sheet go into SCREENSHOT_DIR.
//
// Re-runnable against the same demo database: the roll call replaces the session's list, and
// each run's placement is a new record.
//
// Run: BASE_URL=http://127.0.0.1:18091 node --test learning.test.mjs   (from e2e/, against `linli demo`)

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
  withPage,
} from './lib.mjs';

const WORKER = { username: 'wangge1', password: 'linli2026' };

/** What the steps found, for the steps after them. */
const run = { course: null, sheet: null, trainee: null };

function need(value, what) {
  assert.ok(value, `an earlier step did not get as far as ${what}; see its failure`);
  return value;
}

describe('learning and the employment station', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('a worker takes the roll call of a session by ticking names', async () => {
    await withPage(browser, 'roll-call', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/courses');
      assert.match(await textOf(page, 'h1'), /学习培训/);
      assert.match(await page.locator('.stats').innerText(), /人次/);
      await shot(page, '60-courses');
      // A running course with a full class: one whose page offers a roll call.
      const links = await page.locator('table.table tbody td:first-child a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      let rollCall = null;
      for (const href of links) {
        await goto(page, href);
        const calls = page.locator('a', { hasText: '点名' });
        const trainees = await page.locator('section.panel table.table tbody tr').count();
        if ((await calls.count()) > 0 && trainees >= 20) {
          run.course = href;
          rollCall = await calls.last().getAttribute('href');
          run.sheet = rollCall.replace('/roll-call', '/sheet');
          break;
        }
      }
      assert.ok(rollCall, 'the demo has a running course with a class to call the roll of');
      await shot(page, '61-course');
      await goto(page, rollCall);
      const boxes = page.locator('input[type=checkbox][name=present]');
      const n = await boxes.count();
      assert.ok(n >= 20, `a class of twenty or more (found ${n})`);
      for (let i = 0; i < n; i += 1) await boxes.nth(i).check();
      await boxes.nth(n - 1).uncheck();
      run.trainee = (await page.locator('td label.check').first().innerText()).trim();
      await shot(page, '62-roll-call');
      await andWaitForPage(page, () => page.click('button:has-text("保存出勤")'));
      assert.equal(pathOf(page), run.course);
      assert.match(await textOf(page, '.flash'), /出勤已保存/);
      const sessionId = rollCall.split('/')[2];
      const row = page.locator('tr', { has: page.locator(`a[href="/sessions/${sessionId}/sheet"]`) });
      assert.equal((await row.locator('td.num').innerText()).trim(), String(n - 1), 'present = everyone ticked');
      assertNoPageProblems(problems, 'roll call');
    });
  });

  test('the worker prints the sign-in sheet of the session', async () => {
    const sheet = need(run.sheet, 'a session');
    await withPage(browser, 'sign-in-sheet', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, sheet);
      const text = await page.locator('.sign-sheet').innerText();
      assert.match(text, /签到表/);
      assert.match(text, /本人签名/);
      assert.match(text, /\d{4}-\d{2}-\d{2}/, 'the session date is on the sheet');
      assert.ok(text.includes(need(run.trainee, 'a trainee')), 'the trainees are listed');
      await shot(page, '63-sign-in-sheet');
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.sidenav').isVisible(), false, 'no navigation on paper');
      await printPdf(page, '63-sign-in-sheet');
      assertNoPageProblems(problems, 'sign-in sheet');
    });
  });

  test('the worker records a placement through the station', async () => {
    const trainee = need(run.trainee, 'a trainee');
    await withPage(browser, 'placement', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/employment');
      assert.match(await page.locator('.stats').innerText(), /人次/);
      await shot(page, '64-employment');
      await andWaitForPage(page, () => page.click('.page-action a:has-text("登记就业")'));
      await page.fill('input[name=q]', trainee);
      await andWaitForPage(page, () => page.click('button:has-text("查找")'));
      await andWaitForPage(page, () => page.locator('a:has-text("选择")').first().click());
      await page.fill('input[name=employer]', '锦绣坊刺绣工作室');
      await page.fill('input[name=job]', '绣工');
      assert.equal(await page.locator('input[name=via_station]').isChecked(), true);
      await shot(page, '65-placement-form');
      await andWaitForPage(page, () => page.click('button:has-text("保存就业登记")'));
      assert.match(pathOf(page), /^\/employment\/placements\/\d+$/);
      assert.match(await textOf(page, '.flash'), /就业登记已保存/);
      const body = await page.locator('main').innerText();
      assert.ok(body.includes(trainee));
      assert.match(body, /1个月回访/);
      assert.match(body, /6个月回访/);
      await shot(page, '66-placement');
      assertNoPageProblems(problems, 'placement');
    });
  });
});
