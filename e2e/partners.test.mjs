// Residents' issue reports (民生诉求) travelling to whoever fixes them: a resident reports a
// broken stairwell light from a phone-sized window with a photo and no account; a grid worker
// dispatches it to the partner clinic; the clinic's liaison (gongjian) resolves it with a
// photo of the work; the worker records the callback rating; the resident's progress page
// follows every step and never shows her phone number (the worker who calls back shows it on
// asking, audited). Also the partners dashboard and the printable three lists.
//
// Re-runnable against the same demo database: the report's text carries the clock, and each
// step finds the issue by the reference the first step was given.
//
// Run: BASE_URL=http://127.0.0.1:18092 node --test partners.test.mjs   (from e2e/, against `linli demo`)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PHONE,
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

const PASSWORD = 'linli2026';
const WORKER = { username: 'wangge1', password: PASSWORD };
const LIAISON = { username: 'gongjian', password: PASSWORD };
const CLINIC = '绿苑社区医疗服务站';
const PHONE_NUMBER = '13704519876';

// A 4×4 PNG (red and white squares): a real image the server must decode and re-encode.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAGElEQVR4nGO4oKDw//9/CMkAZwFJBpwyAFBxIGnuzhjvAAAAAElFTkSuQmCC',
  'base64',
);

const run = {
  marker: `e2e${Date.now()}`,
  ref: null,
  id: null,
  activityPhoto: null,
};

function need(value, what) {
  assert.ok(value, `an earlier step did not get as far as ${what}; see its failure`);
  return value;
}

describe('an issue report travels from a resident to the partner that fixes it', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('a resident reports a broken light from her phone, with a photo, without an account', async () => {
    await withPage(browser, 'resident-report', async (page, problems) => {
      await goto(page, '/public/report');
      assert.match(await textOf(page, 'h1'), /我要反映问题/);
      await page.selectOption('#category', 'lighting');
      await page.fill('#place', '12号楼2单元');
      await page.fill('#description', `楼道灯坏了，晚上上楼看不见（${run.marker}）`);
      await page.fill('#reporter_phone', PHONE_NUMBER);
      await page.setInputFiles('#photos', { name: 'IMG_2031.png', mimeType: 'image/png', buffer: PNG });
      await shot(page, 'partners-01-phone-report');
      await andWaitForPage(page, () => page.click('#report-form button[type=submit]'));
      // Eight characters, readable aloud: no 0/O, 1/I/L.
      assert.match(pathOf(page), /^\/public\/affairs\/[2-9A-HJKMNP-Z]{8}$/, `landed on ${page.url()}`);
      assert.match(await textOf(page, '.flash'), /提交成功/);
      run.ref = await page.locator('#affair-ref').getAttribute('data-ref');
      assert.equal((await textOf(page, '#affair-ref')).replace(' ', ''), run.ref, 'shown in two groups of four');
      assert.match(await textOf(page, '#affair-status'), /待分派/);
      const body = await page.locator('body').innerText();
      assert.ok(!body.includes(PHONE_NUMBER) && !body.includes('9876'), 'the phone is not on the public page');
      // The page fits the phone: nothing wider than the screen.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
      await shot(page, 'partners-02-phone-progress');
      assertNoPageProblems(problems, 'the public report');
    }, { viewport: PHONE, mobile: true });
  });

  test('a grid worker dispatches it to the partner clinic', async () => {
    const ref = need(run.ref, 'a reported issue');
    await withPage(browser, 'worker-dispatch', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/affairs?status=reported');
      await andWaitForPage(page, () => page.click(`a:text-is("${ref}")`));
      run.id = pathOf(page).split('/').pop();
      const facts = await page.locator('dl.facts').innerText();
      assert.ok(facts.includes(run.marker), 'the resident\'s words');
      assert.ok(facts.includes('137****9876') && !facts.includes(PHONE_NUMBER), 'the phone masked for staff too');
      const photo = page.locator('img[alt="居民上传的现场照片"]').first();
      assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth === 4), 'the photo shows');
      await page.selectOption('#to', { label: `共建单位 · ${CLINIC}` });
      await andWaitForPage(page, () => page.click('#assign-form button[type=submit]'));
      assert.match(await textOf(page, '.flash'), /已派单/);
      assert.match(await page.locator('dl.facts').innerText(), new RegExp(CLINIC));
      await shot(page, 'partners-03-worker-dispatched');
      assertNoPageProblems(problems, 'the worker\'s issue page');
    });
  });

  test('the clinic\'s liaison finds it and resolves it', async () => {
    const id = need(run.id, 'a dispatched issue');
    await withPage(browser, 'liaison-resolve', async (page, problems) => {
      await loginAs(page, LIAISON);
      assert.match(await page.locator('#affairs-due').innerText(), /12号楼2单元/, 'on the liaison\'s home page');
      await goto(page, '/affairs');
      await andWaitForPage(page, () => page.click(`a[href="/affairs/${id}"]`));
      await page.fill('#resolution', '已派电工更换楼道灯泡，灯已亮');
      await page.setInputFiles('#resolve-photos', { name: 'after.png', mimeType: 'image/png', buffer: PNG });
      await andWaitForPage(page, () => page.click('#resolve-form button[type=submit]'));
      assert.match(await textOf(page, '.flash'), /已办结/);
      assert.equal(await page.locator('#rate-form').count(), 0, 'the unit does not rate its own work');
      await shot(page, 'partners-04-liaison-resolved');
      // The liaison's partners page is its own unit's.
      await goto(page, '/partners');
      assert.match(await textOf(page, 'h1'), new RegExp(CLINIC));
      assertNoPageProblems(problems, 'the liaison\'s pages');
    });
  });

  test('the worker calls back and records the rating; the resident sees it done', async () => {
    const id = need(run.id, 'a resolved issue');
    await withPage(browser, 'worker-callback', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, `/affairs/${id}`);
      // She calls back: the whole number, shown on her asking (and audited), as a tel: link.
      await andWaitForPage(page, () => page.click('#callback-phone button[type=submit]'));
      const call = page.locator(`#callback-phone a[href="tel:${PHONE_NUMBER}"]`);
      assert.equal(await call.count(), 1, 'the whole number to call, on her asking');
      await page.check('input[name=rating][value=basically_satisfied]');
      await page.fill('#rate-form input[name=note]', '电话回访，居民表示灯已修好');
      await andWaitForPage(page, () => page.click('#rate-form button[type=submit]'));
      assert.match(await textOf(page, '.flash'), /回访评价已保存/);
      const facts = await page.locator('dl.facts').innerText();
      assert.match(facts, /已回访/);
      assert.match(facts, /基本满意/);
      const after = page.locator('img[alt="办结后的现场照片"]');
      assert.equal(await after.count(), 1, 'the photo of the work done is kept with the issue');
      assert.ok(await after.evaluate((img) => img.complete && img.naturalWidth === 4), 'and it shows');
      const history = await page.locator('ul.timeline').innerText();
      for (const step of ['受理', '派单', '办结', '回访']) assert.ok(history.includes(step), `history has ${step}`);
      await shot(page, 'partners-05-worker-rated');
      assertNoPageProblems(problems, 'the callback');
    });
    await withPage(browser, 'resident-sees-done', async (page, problems) => {
      await goto(page, `/public/affairs/${run.ref}`);
      assert.match(await textOf(page, '#affair-status'), /已回访/);
      const body = await page.locator('body').innerText();
      assert.ok(body.includes(CLINIC) && body.includes('已派电工更换楼道灯泡'), 'who fixed it and how');
      assert.ok(!body.includes(PHONE_NUMBER) && !body.includes('李娜') && !body.includes('刘医生'), 'no phone, no names');
      await shot(page, 'partners-06-phone-done');
      assertNoPageProblems(problems, 'the public progress page');
    }, { viewport: PHONE, mobile: true });
  });

  test('the clinic\'s liaison records a lecture with a photo; staff see it in the list', async () => {
    await withPage(browser, 'liaison-activity', async (page, problems) => {
      await loginAs(page, LIAISON);
      await goto(page, '/partners');
      const unitPage = pathOf(page);
      assert.match(unitPage, /^\/partners\/\d+$/, 'the liaison lands on its own unit');
      await page.selectOption('#activity-form select[name=kind]', 'health_lecture');
      await page.fill('#activity-form input[name=place]', '社区党校教室');
      await page.fill('#activity-form input[name=participants]', '42');
      await page.fill('#activity-form input[name=note]', `冬季流感预防讲座（${run.marker}）`);
      await page.fill('#residents_served', '辖区60岁以上老人');
      await page.setInputFiles('#activity-photos', { name: 'IMG_3310.png', mimeType: 'image/png', buffer: PNG });
      await andWaitForPage(page, () => page.click('#activity-form button[type=submit]'));
      assert.match(await textOf(page, '.flash'), /履约活动已登记/);
      const row = page.locator('table.table tr', { hasText: run.marker });
      assert.match(await row.innerText(), /辖区60岁以上老人/);
      const thumb = row.locator('img[alt="履约活动现场照片"]');
      assert.equal(await thumb.count(), 1, 'the thumbnail is in the row');
      assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth === 4), 'and it shows');
      run.activityPhoto = await thumb.getAttribute('src');
      await thumb.scrollIntoViewIfNeeded();
      await shot(page, 'partners-07a-liaison-activity-photo');
      assertNoPageProblems(problems, 'the liaison\'s unit page');
    });
    await withPage(browser, 'worker-activities', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/partners/activities');
      const row = page.locator('table.table tr', { hasText: run.marker });
      assert.equal(await row.locator(`img[src="${need(run.activityPhoto, 'an activity photo')}"]`).count(), 1, 'staff see it in the list');
      await shot(page, 'partners-07b-activities-list');
      assertNoPageProblems(problems, 'the activities list');
    });
  });

  test('the worker sees a year of issues and the categories form', async () => {
    await withPage(browser, 'affairs-categories', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/affairs');
      const stats = await page.locator('section.stats').innerText();
      const total = Number((stats.match(/\/ (\d+) 件/) || [])[1]);
      assert.ok(total >= 20, `a year of issues behind the rates (${stats})`);
      await shot(page, 'partners-07c-affairs-list');
      await page.click('#categories summary');
      const form = page.locator('#categories-form');
      assert.equal(await form.locator('input[type=checkbox]:checked').count(), 7, 'the seven categories in use');
      await form.scrollIntoViewIfNeeded();
      await shot(page, 'partners-07d-categories-form');
      // Saved as it is: the demo keeps its deadlines, the change is confirmed.
      await andWaitForPage(page, () => page.click('#categories-form button[type=submit]'));
      assert.match(await textOf(page, '.flash'), /诉求类别已保存/);
      assertNoPageProblems(problems, 'the issues page');
    });
  });

  test('the partners dashboard shows fulfilment and the three lists print for the committee', async () => {
    await withPage(browser, 'partners-dashboard', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/partners');
      const table = await page.locator('table.table').innerText();
      for (const unit of ['市电业局', '第一中学', '东安区建设局', CLINIC]) assert.ok(table.includes(unit), unit);
      assert.match(table, /健康知识讲座/);
      await shot(page, 'partners-07-dashboard');
      await goto(page, '/partners/lists');
      const projects = await page.locator('section.panel', { hasText: '项目清单' }).innerText();
      assert.match(projects, /整修3号楼至8号楼巷路/);
      assert.match(projects, /东安区建设局/);
      await shot(page, 'partners-08-three-lists');
      await printPdf(page, 'partners-three-lists');
      await goto(page, '/partners/committee');
      assert.match(await page.locator('table.table').innerText(), /副书记/);
      await shot(page, 'partners-09-committee');
      assertNoPageProblems(problems, 'the partners pages');
    });
  });
});
