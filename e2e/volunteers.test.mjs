// Volunteers (issue 16): on her phone the grid worker registers two volunteers (consent
// first), creates today's activity, signs them up, checks one in and out and types the other's
// hours; then prints the first one's certificate, which anyone verifies on a phone with its
// code (and a forged code shows nothing).
//
//   BASE_URL=http://127.0.0.1:18182 node --test volunteers.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  PHONE, andWaitForPage, assertNoPageProblems, goto, launchBrowser, loginAs, pathOf, printPdf, shot,
  todayInShanghai, withPage,
} from './lib.mjs';

const WORKER = { username: 'wangge1', password: 'linli2026' };
const stamp = `${Date.now() % 1_000_000}`;
const FIRST = `林晓雪${stamp}`;
const SECOND = `周子墨${stamp}`;
const ACTIVITY = `楼道清扫${stamp}`;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function sideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function register(page, name, { consent = true } = {}) {
  await goto(page, '/volunteers/new');
  const form = page.locator('#new-volunteer');
  await form.locator('input[name=name]').fill(name);
  await form.locator('input[name=organisation]').fill('第一中学初二(3)班');
  if (consent) await form.locator('input[name=consent]').check();
  await andWaitForPage(page, () => form.locator('button.btn-primary[type=submit]').click());
}

let code = '';

describe('volunteers: recorded on a phone, certified, verified by anyone', { timeout: 240_000 }, () => {
  test('the worker records an activity on her phone and prints a certificate', async () => {
    await withPage(browser, 'volunteers-phone', async (page, problems) => {
      await loginAs(page, WORKER);
      // Without the volunteer's consent nothing is recorded, and the page says why.
      await register(page, FIRST, { consent: false });
      assert.equal(pathOf(page), '/volunteers');
      const refusal = await page.locator('.form-error').innerText();
      assert.match(refusal, /须经本人同意/, refusal);
      assert.equal(await page.locator('input[name=name]').inputValue(), FIRST, 'what was typed is kept');
      await register(page, FIRST);
      assert.match(pathOf(page), /^\/volunteers\/\d+$/, page.url());
      const firstPath = pathOf(page);
      await register(page, SECOND);
      assert.match(pathOf(page), /^\/volunteers\/\d+$/);

      // Today's activity.
      await goto(page, '/volunteers/activities');
      const form = page.locator('#new-activity form');
      await form.locator('input[name=name]').fill(ACTIVITY);
      await form.locator('input[name=on]').fill(todayInShanghai());
      await form.locator('input[name=place]').fill('3号楼2单元');
      await form.locator('input[name=person_in_charge]').fill('李娜');
      await andWaitForPage(page, () => form.locator('button.btn-primary[type=submit]').click());
      assert.match(pathOf(page), /^\/volunteers\/activities\/\d+$/, page.url());
      const activityPath = pathOf(page);

      for (const name of [FIRST, SECOND]) {
        const signUp = page.locator('#sign-up');
        const option = signUp.locator('option', { hasText: name });
        await signUp.locator('select[name=volunteer_id]').selectOption(await option.getAttribute('value'));
        await andWaitForPage(page, () => signUp.locator('button[type=submit]').click());
      }
      const first = page.locator('li.service', { hasText: FIRST });
      const second = page.locator('li.service', { hasText: SECOND });
      // Check-in and check-out with the times typed: 2.5 hours credited.
      await first.locator('form[action$="/check-in"] input[name=at]').fill('08:00');
      await andWaitForPage(page, () => first.locator('.check-in-btn').click());
      assert.equal((await first.locator('.check-in').innerText()).trim(), '08:00');
      await first.locator('form[action$="/check-out"] input[name=at]').fill('10:30');
      await andWaitForPage(page, () => first.locator('.check-out-btn').click());
      assert.equal((await first.locator('.service-hours').innerText()).trim(), '2.5');
      // The second one's hours typed directly.
      await second.locator('details.service-hours-form summary').click();
      await second.locator('details.service-hours-form input[name=hours]').fill('1.5');
      await andWaitForPage(page, () => second.locator('details.service-hours-form button[type=submit]').click());
      assert.equal((await second.locator('.service-hours').innerText()).trim(), '1.5');
      assert.match(await page.locator('#activity-hours').innerText(), /^4 小时/);
      assert.ok((await sideways(page)) <= 0, 'the activity page fits the phone');
      await shot(page, 'volunteers-activity-phone');
      assert.equal(pathOf(page), activityPath);

      // The certificate: issued free from the record, printed on A4.
      await goto(page, firstPath);
      assert.match(await page.locator('#hours-total').innerText(), /2\.5/);
      const issue = page.locator('#certificates form');
      await andWaitForPage(page, () => issue.locator('button.btn-primary[type=submit]').click());
      assert.match(pathOf(page), /^\/volunteers\/certificates\/\d+$/, page.url());
      const text = await page.locator('#certificate').innerText();
      assert.ok(text.includes(FIRST) && text.includes('2.5小时') && text.includes(ACTIVITY), text);
      assert.ok(text.includes('Xx社区居民委员会'), 'the recording organisation is named');
      code = (await page.locator('#certificate-code').innerText()).trim();
      assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/, code);
      const pdf = await printPdf(page, 'volunteers-certificate');
      assert.ok(existsSync(pdf));
      assertNoPageProblems(problems, 'volunteers on a phone');
    }, { viewport: PHONE, mobile: true });
  });

  test('anyone verifies the certificate on a phone; a forged code shows nothing', async () => {
    assert.ok(code, 'the certificate was issued');
    await withPage(browser, 'verify-phone', async (page, problems) => {
      await goto(page, '/public/verify');
      await page.locator('input[name=code]').fill(code.toLowerCase());
      await andWaitForPage(page, () => page.locator('form[action="/public/verify"] button[type=submit]').click());
      const ok = await page.locator('#verify-ok').innerText();
      assert.match(ok, /验证通过/);
      const text = await page.locator('#certificate').innerText();
      assert.ok(text.includes(FIRST) && text.includes('2.5小时'), text);
      assert.ok(!text.includes('第一中学'), 'nothing beyond what the certificate states');
      assert.ok((await sideways(page)) <= 0, 'the verification page fits the phone');
      await shot(page, 'volunteers-verify-phone');
      const forged = (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
      const res = await goto(page, `/public/verify/${forged}`);
      assert.equal(res.status(), 404);
      assert.match(await page.locator('#verify-none').innerText(), /查无此证明/);
      assert.equal(await page.locator('#certificate').count(), 0);
      assertNoPageProblems(problems.filter((p) => !p.includes('/public/verify/')), 'verification');
    }, { viewport: PHONE, mobile: true });
  });
});
