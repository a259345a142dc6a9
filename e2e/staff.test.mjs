// The staff side as a person uses it: log in, read the home page in Chinese and in
// English, switch on the large-type elder mode, log out; and a wrong password refused.
// Each test starts from a fresh browser context (no cookies) and saves full-page
// screenshots of every step into SCREENSHOT_DIR.
//
// Run: BASE_URL=http://127.0.0.1:18080 node --test   (from e2e/, against `linli demo`)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN,
  BASE_URL,
  COMMUNITY,
  HAN,
  PHONE,
  andWaitForPage,
  assertNoPageProblems,
  bodyClasses,
  goto,
  htmlLang,
  launchBrowser,
  loginAs,
  loginError,
  pathOf,
  shot,
  submitLogin,
  textOf,
  withPage,
} from './lib.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Checks the Chinese staff home page the server shows after login. */
async function assertChineseHome(page, when) {
  assert.equal(pathOf(page), '/', `${when}: expected the home page /, got ${page.url()}`);
  assert.equal(await htmlLang(page), 'zh-CN', `${when}: <html lang> should be zh-CN`);
  const h1 = await textOf(page, 'h1');
  assert.ok(h1.includes('工作台'), `${when}: <h1> should contain 工作台, got "${h1}"`);
  const community = await textOf(page, '#community-name');
  assert.ok(
    community.includes(COMMUNITY),
    `${when}: #community-name should contain ${COMMUNITY}, got "${community}"`,
  );
  const sw = await textOf(page, 'a#lang-switch');
  assert.ok(sw.includes('English'), `${when}: a#lang-switch should offer "English", got "${sw}"`);
}

/**
 * How big the text is: computed font sizes and the rendered height of the heading (the
 * latter also catches a mode that scales with CSS zoom or transforms).
 */
function typeSizes(page) {
  return page.evaluate(() => {
    const px = (el) => (el ? parseFloat(getComputedStyle(el).fontSize) : 0);
    const h1 = document.querySelector('h1');
    return {
      bodyFontPx: px(document.body),
      h1FontPx: px(h1),
      communityFontPx: px(document.querySelector('#community-name')),
      h1HeightPx: h1 ? h1.getBoundingClientRect().height : 0,
    };
  });
}

describe(`Linli staff pages at ${BASE_URL}`, { timeout: 120_000 }, () => {
  test('admin logs in, sees the Chinese home, switches to English and back, logs out', async () => {
    await withPage(browser, 'login-language-logout', async (page, problems) => {
      await goto(page, '/login');
      assert.equal(pathOf(page), '/login', `GET /login ended at ${page.url()}`);
      const body = await page.locator('body').innerText();
      assert.ok(body.includes('邻里'), 'the login page should show the product name 邻里');
      for (const sel of ['input[name=username]', 'input[name=password]', 'form.login-form button[type=submit]']) {
        assert.ok(await page.locator(sel).first().isVisible(), `the login page should have a visible ${sel}`);
      }
      await shot(page, '01-login');

      await submitLogin(page, ADMIN);
      const err = await loginError(page);
      assert.equal(
        pathOf(page),
        '/',
        `admin / ${ADMIN.password} should land on / but landed on ${page.url()}` +
          (err ? ` with the error "${err}"` : ''),
      );
      await assertChineseHome(page, 'after login');
      await shot(page, '02-home-zh');

      await andWaitForPage(page, () => page.click('a#lang-switch'));
      assert.equal(await htmlLang(page), 'en', 'after clicking a#lang-switch, <html lang> should be en');
      const h1en = await textOf(page, 'h1');
      assert.ok(h1en.includes('Dashboard'), `English <h1> should contain Dashboard, got "${h1en}"`);
      assert.equal(pathOf(page), '/', `switching language should stay on /, went to ${page.url()}`);
      await shot(page, '03-home-en');

      await andWaitForPage(page, () => page.click('a#lang-switch'));
      await assertChineseHome(page, 'after switching back to Chinese');

      await andWaitForPage(page, () => page.click('button#logout'));
      assert.equal(pathOf(page), '/login', `after logout expected /login, got ${page.url()}`);
      await shot(page, '04-logged-out');

      await goto(page, '/');
      assert.equal(pathOf(page), '/login', `after logout, GET / should redirect to /login, got ${page.url()}`);

      assertNoPageProblems(problems, 'login, language switch, logout');
    });
  });

  test('a wrong password is refused with a Chinese message', async () => {
    await withPage(browser, 'wrong-password', async (page, problems) => {
      await goto(page, '/login');
      await submitLogin(page, { username: ADMIN.username, password: 'not-the-password' });
      assert.ok(page.url().includes('/login'), `a wrong password should stay on /login, got ${page.url()}`);
      const err = await loginError(page);
      assert.ok(err, 'a wrong password should show a .form-error or .flash-error element');
      assert.match(err, HAN, `the login error should be in Chinese, got "${err}"`);
      assert.ok(
        await page.locator('input[name=username]').first().isVisible(),
        'the login form should still be shown after a wrong password',
      );
      await shot(page, '05-login-wrong-password');

      await goto(page, '/');
      assert.equal(pathOf(page), '/login', `a refused login must not open a session: GET / went to ${page.url()}`);

      assertNoPageProblems(problems, 'wrong password');
    });
  });

  test('elder mode switches large type on and off', async () => {
    await withPage(browser, 'elder-mode', async (page, problems) => {
      await loginAs(page, ADMIN);
      assert.ok(!(await bodyClasses(page)).includes('elder'), '<body> should not start in elder mode');
      const normal = await typeSizes(page);

      await andWaitForPage(page, () => page.click('#elder-switch'));
      const on = await bodyClasses(page);
      assert.ok(on.includes('elder'), `after #elder-switch <body> should have class elder, has [${on.join(' ')}]`);
      const elder = await typeSizes(page);
      assert.ok(
        Object.keys(normal).some((k) => elder[k] > normal[k]),
        `elder mode should make the type larger: ${JSON.stringify(elder)} vs ${JSON.stringify(normal)} normally`,
      );
      await shot(page, '06-home-elder');

      await andWaitForPage(page, () => page.click('#elder-switch'));
      const off = await bodyClasses(page);
      assert.ok(!off.includes('elder'), `clicking #elder-switch again should drop class elder, has [${off.join(' ')}]`);
      await shot(page, '07-home-elder-off');

      assertNoPageProblems(problems, 'elder mode');
    });
  });

  test('the login page fits a phone screen', async () => {
    await withPage(
      browser,
      'login-phone',
      async (page, problems) => {
        await goto(page, '/login');
        for (const sel of ['input[name=username]', 'input[name=password]', 'form.login-form button[type=submit]']) {
          const box = await page.locator(sel).first().boundingBox();
          assert.ok(box, `${sel} should be visible on a phone`);
          assert.ok(
            box.x >= 0 && box.x + box.width <= PHONE.width + 1,
            `${sel} should fit the ${PHONE.width}px-wide screen, spans x=${box.x}..${box.x + box.width}`,
          );
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `the login page should not scroll sideways on a phone (${overflow}px too wide)`);
        await shot(page, '08-login-phone');
        assertNoPageProblems(problems, 'login on a phone');
      },
      { viewport: PHONE, mobile: true },
    );
  });
});
