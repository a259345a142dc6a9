// The street office (街道) as its administrator uses it: `jiedao` signs in and lands on the
// street's communities side by side with the street's total, sorts them by a figure, opens one
// community's figures; on a phone too. A community's administrator is refused the street page.
// Screenshots go to SCREENSHOT_DIR.
//
// Run: BASE_URL=http://127.0.0.1:18093 node --test street.test.mjs   (from e2e/, against `linli demo`)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN,
  PHONE,
  andWaitForPage,
  assertNoPageProblems,
  goto,
  launchBrowser,
  loginAs,
  pathOf,
  shot,
  submitLogin,
  textOf,
  withPage,
} from './lib.mjs';

const STREET = { username: 'jiedao', password: 'linli2026' };
const COMMUNITIES = ['Xx社区', '东湖社区', '新华社区'];

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function signInAsStreet(page) {
  await goto(page, '/login');
  await submitLogin(page, STREET);
  assert.equal(pathOf(page), '/street', `the street account should land on /street, not ${page.url()}`);
}

/** The first module's table: its community rows (names) and its total row. */
function firstTable(page) {
  return page.locator('section.street-module').first();
}

test('the street administrator sees its three communities and the street total, sorts and opens one', async () => {
  await withPage(browser, 'street-desktop', async (page, problems) => {
    await signInAsStreet(page);
    assert.match(await textOf(page, '#street-period'), /共 3 个社区/);
    const names = await firstTable(page).locator('tbody th[scope=row]').allInnerTexts();
    assert.deepEqual([...names].map((s) => s.trim()).sort(), [...COMMUNITIES].sort());
    assert.match(await firstTable(page).locator('tfoot th').innerText(), /合计/);
    await shot(page, 'street-desktop');

    // Sorting by a figure is a link (no JavaScript): twice reverses it.
    const heading = firstTable(page).locator('thead th.num a').first();
    await andWaitForPage(page, () => heading.click());
    assert.match(page.url(), /sort=/);
    const sorted = firstTable(page).locator('thead th.num').first();
    const first = await sorted.getAttribute('aria-sort');
    assert.ok(['ascending', 'descending'].includes(first), `aria-sort is ${first}`);
    await andWaitForPage(page, () => firstTable(page).locator('thead th.num a').first().click());
    const second = await firstTable(page).locator('thead th.num').first().getAttribute('aria-sort');
    assert.notEqual(second, first, 'a second click reverses the order');

    await andWaitForPage(page, () =>
      firstTable(page).locator('tbody th[scope=row] a', { hasText: '东湖社区' }).click(),
    );
    assert.match(pathOf(page), /^\/street\/communities\/\d+$/);
    assert.match(await page.locator('main').innerText(), /东湖社区/);
    await shot(page, 'street-community');
    assertNoPageProblems(problems, 'street pages');
  });
});

test('the street page reads on a phone', async () => {
  await withPage(
    browser,
    'street-phone',
    async (page, problems) => {
      await signInAsStreet(page);
      const names = await firstTable(page).locator('tbody th[scope=row]').allInnerTexts();
      assert.equal(names.length, COMMUNITIES.length);
      await shot(page, 'street-phone');
      assertNoPageProblems(problems, 'street page on a phone');
    },
    { viewport: PHONE, mobile: true },
  );
});

test("a community's administrator is refused the street page", async () => {
  await withPage(browser, 'street-refused', async (page) => {
    await loginAs(page, ADMIN);
    const res = await goto(page, '/street');
    assert.equal(res.status(), 403);
  });
});
