// Learning and the employment station as a grid worker uses them: she opens a running
// course, takes the roll call for its latest session (ticking some forty names, one submit),
// prints the session's sign-in sheet (签到表) and records a placement for one of the
// trainees, which schedules its 1/3/6-month follow-ups.
// Then a resident signs up for a course from the public catalogue on a phone, and the worker
// finds the request on the course page (phone masked), matches it to the registry and enrols
// her, or declines with a reason when she is on the course already (a re-run).
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
  PHONE,
  printPdf,
  shot,
  textOf,
  withPage,
} from './lib.mjs';

const WORKER = { username: 'wangge1', password: 'linli2026' };

/** What the steps found, for the steps after them. */
const run = { course: null, sheet: null, trainee: null, trainees: [], signup: null };

/** The applicant: a registry resident, so the worker can match her by name. */
const APPLICANT = '夏胜林';
/** A new number each run, so this run's request is told apart from earlier ones. */
const APPLICANT_PHONE = `139${String(Date.now()).slice(-8)}`;
const MASKED_PHONE = `${APPLICANT_PHONE.slice(0, 3)}****${APPLICANT_PHONE.slice(-4)}`;

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
      run.trainees = (await page.locator('td label.check').allInnerTexts()).map((t) => t.trim());
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
    need(run.trainee, 'a trainee');
    await withPage(browser, 'placement', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/employment');
      assert.match(await page.locator('.stats').innerText(), /人次/);
      await shot(page, '64-employment');
      await andWaitForPage(page, () => page.click('.page-action a:has-text("登记就业")'));
      // A course is the whole community's, the worker's search only her grid's residents: the
      // first trainee of the class she can find (the demo's classes change with the date), or,
      // when none of them lives in her grid, 夏胜林 of 3号楼 (a job seeker of the seed's story).
      let trainee = null;
      for (const name of [...run.trainees.slice(0, 12), '夏胜林']) {
        await page.fill('input[name=q]', name);
        await andWaitForPage(page, () => page.click('button:has-text("查找")'));
        if ((await page.locator('a:has-text("选择")').count()) > 0) {
          trainee = name;
          break;
        }
        assert.match(await page.locator('main').innerText(), /没有找到这位居民/, 'nobody found says so');
      }
      assert.ok(trainee, 'someone the worker can find');
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

  test('a resident signs up for a course from the public catalogue on a phone', async () => {
    await withPage(
      browser,
      'public-signup',
      async (page, problems) => {
        await goto(page, '/public/courses');
        const signUp = page.locator('a', { hasText: '我要报名' });
        assert.ok((await signUp.count()) > 0, 'the catalogue offers a course open for sign-up');
        await shot(page, '67-public-catalogue-phone');
        await andWaitForPage(page, () => signUp.first().click());
        assert.match(pathOf(page), /^\/public\/courses\/\d+\/signup$/);
        run.signup = pathOf(page).split('/')[3];
        // A mistyped number is refused beside the field and what was typed stays.
        await page.fill('input[name=name]', APPLICANT);
        await page.fill('input[name=phone]', '139123');
        await page.fill('input[name=address]', '3号楼2单元');
        await andWaitForPage(page, () => page.click('button:has-text("提交报名申请")'));
        assert.match(await textOf(page, '.field-error'), /手机号/);
        assert.equal(await page.inputValue('input[name=name]'), APPLICANT);
        await page.fill('input[name=phone]', APPLICANT_PHONE);
        await page.fill('textarea[name=note]', '下午有空');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the form fits the phone's width (overflow ${overflow}px)`);
        await shot(page, '68-public-signup-form');
        await andWaitForPage(page, () => page.click('button:has-text("提交报名申请")'));
        assert.match(pathOf(page), /\/signup\/done$/);
        assert.match(await page.locator('main').innerText(), /社区工作人员会与您联系确认/);
        await shot(page, '69-public-signup-done');
        assertNoPageProblems(problems, 'public sign-up');
      },
      { viewport: PHONE, mobile: true },
    );
  });

  test('the worker matches the request to the registry and enrols the resident', async () => {
    const course = need(run.signup, 'a sign-up request');
    await withPage(browser, 'signup-match', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/courses');
      assert.match(await page.locator('main').innerText(), /条报名申请待处理/);
      await goto(page, `/courses/${course}`);
      const panel = page.locator('#signups');
      const row = panel.locator('tr', { hasText: MASKED_PHONE });
      assert.equal(await row.count(), 1, 'the request is listed with its phone masked');
      assert.equal((await panel.innerText()).includes(APPLICANT_PHONE), false, 'never the full number');
      await shot(page, '70-course-signups');
      await andWaitForPage(page, () => row.locator('a:has-text("核对并报名")').click());
      assert.match(pathOf(page), /^\/course-signups\/\d+$/);
      const found = page.locator('tr', { hasText: APPLICANT });
      assert.ok((await found.count()) > 0, 'the registry search by the given name finds her');
      await shot(page, '71-signup-match');
      const enrol = found.locator('button:has-text("为其报名")');
      if ((await enrol.count()) > 0) {
        await andWaitForPage(page, () => enrol.first().click());
        assert.equal(pathOf(page), `/courses/${course}`);
        assert.match(await textOf(page, '.flash'), /已为申请人报名|候补/);
      } else {
        // A re-run: she is on the course already, so the request is declined with that reason.
        await page.fill('input[name=reason]', '已在班上，无需重复报名');
        await andWaitForPage(page, () => page.click('button:has-text("不予报名")'));
        assert.match(await textOf(page, '.flash'), /不予报名/);
      }
      const handled = page.locator('#signups tr', { hasText: MASKED_PHONE });
      assert.match(await handled.innerText(), /已办理|未通过/);
      assertNoPageProblems(problems, 'sign-up match');
    });
  });
});
