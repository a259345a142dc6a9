// Ending an account as the admin does it (issue 13, item 8): a worker who left gets a new
// temporary password, signs in and is led to choose her own before anything else; then the
// admin deactivates the account and her open browser is signed out. The account is made for
// the test through the API, so the demo's own accounts stay as they are.
//
// Run: BASE_URL=http://127.0.0.1:18080 node --test   (from e2e/, against `linli demo`)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN,
  BASE_URL,
  PHONE,
  andWaitForPage,
  assertNoPageProblems,
  goto,
  launchBrowser,
  loginAs,
  pathOf,
  shot,
  submitLogin,
  withPage,
} from './lib.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function api(method, path, token, body) {
  const res = await fetch(BASE_URL + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** A new worker account on the first grid, with a name unique to this run. */
async function newWorker() {
  const { json: tok } = await api('POST', '/api/v1/auth/token', null, ADMIN);
  const { json: places } = await api('GET', '/api/v1/places', tok.token);
  const grid = places.items.find((p) => p.kind === 'grid');
  const username = `tuixiu${Date.now() % 1_000_000}`;
  const password = '离职前的密码2026';
  const made = await api('POST', '/api/v1/users', tok.token, {
    username,
    password,
    display_name: '李退休',
    role: 'worker',
    scope_place_id: grid.id,
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  return { id: made.json.id, username, password };
}

describe('the admin ends an account', () => {
  test('reset: the worker must choose her own password first; deactivate: she is signed out', async () => {
    const worker = await newWorker();
    const temp = '临时密码当面告知2026';
    const mine = '我自己定的新密码2026';

    await withPage(browser, 'admin-reset', async (page, problems) => {
      await loginAs(page, ADMIN);
      await goto(page, '/users');
      await andWaitForPage(page, () => page.click(`a[href="/users/${worker.id}"]`));
      assert.match(await page.locator('h1').innerText(), /李退休/);
      await shot(page, 'accounts-01-account-page');
      await page.fill('input[name=password]', temp);
      await andWaitForPage(page, () => page.click('form[action$="/reset-password"] button[type=submit]'));
      assert.match(await page.locator('.flash').innerText(), /密码已重置/);
      assert.match(await page.locator('dl.facts').innerText(), /待改密码/);
      assertNoPageProblems(problems, 'account page');
    });

    await withPage(browser, 'worker-must-change', async (page, problems) => {
      await goto(page, '/login');
      await submitLogin(page, { username: worker.username, password: worker.password });
      assert.equal(pathOf(page), '/login', 'the old password no longer signs in');
      await submitLogin(page, { username: worker.username, password: temp });
      assert.equal(pathOf(page), '/account/password', 'led to the password form first');
      assert.match(await page.locator('.flash-warn').innerText(), /管理员已为您重置了密码/);
      await shot(page, 'accounts-02-must-change-phone');
      await page.fill('input[name=current]', temp);
      await page.fill('input[name=new]', mine);
      await page.fill('input[name=confirm]', mine);
      await andWaitForPage(page, () => page.click('form[action="/account/password"] button[type=submit]'));
      assert.equal(pathOf(page), '/', 'free to work once changed');
      assertNoPageProblems(problems, 'password change');

      // The admin deactivates the account while the worker's browser is open.
      const { json: tok } = await api('POST', '/api/v1/auth/token', null, ADMIN);
      const off = await api('POST', `/api/v1/users/${worker.id}/deactivate`, tok.token);
      assert.equal(off.status, 200, JSON.stringify(off.json));
      await goto(page, '/');
      assert.equal(pathOf(page), '/login', 'signed out at once');
    }, { viewport: PHONE, mobile: true });

    await withPage(browser, 'admin-sees-deactivated', async (page) => {
      await loginAs(page, ADMIN);
      await goto(page, `/users/${worker.id}`);
      assert.match(await page.locator('dl.facts').innerText(), /停用/);
      assert.equal(await page.locator('form[action$="/reactivate"]').count(), 1);
      await shot(page, 'accounts-03-deactivated-phone');
    }, { viewport: PHONE, mobile: true });
  });
});
