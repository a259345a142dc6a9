// The love fund (爱心基金) as the people who keep it use it: a grid worker records a gift
// and gets the printable receipt, asks for help for a resident; two approvers (the
// community admin, then the fund keeper) approve, the keeper pays; the public monthly
// disclosure shows the payment with the surname only and the donor as 爱心人士 (the donor
// did not agree to be named); and a building head is refused the fund pages.
// Each step starts from a fresh browser context and saves screenshots (and PDF prints of
// the receipt and the disclosure) into SCREENSHOT_DIR.
//
// Re-runnable against the same demo database: the donor's name is made from the clock, and
// the payment is followed by the id of the request this run made (the newest pending one).
// The steps share what they found, so they run in order; a step whose predecessor failed
// fails with a message saying so.
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
  printPdf,
  shot,
  textOf,
  todayInShanghai,
  eitherDate,
  withPage,
} from './lib.mjs';

const PASSWORD = 'linli2026';
const WORKER = { username: 'wangge1', password: PASSWORD };
const KEEPER = { username: 'jijin', password: PASSWORD };
const BUILDING_HEAD = { username: 'louzhang', password: PASSWORD };

const BENEFICIARY = '夏胜林';
const BENEFICIARY_MASKED = '夏**';
const HELP = { yuan: '300', shown: '300.00', purpose: 'medical', purposeLabel: '医疗救助' };
const GIFT = { yuan: '88.50', shown: '88.50' };

/** What the steps found, for the steps after them. */
const run = {
  donor: `测试爱心人士${Date.now()}`,
  today: todayInShanghai(),
  receiptNo: null,
  receiptPath: null,
  beneficiaryId: null,
  disbursementId: null,
  paid: false,
};

function need(value, what) {
  assert.ok(value, `an earlier step did not get as far as ${what}; see its failure`);
  return value;
}

/** Layout problems worth a look that should not fail the flow, as test diagnostics. */
async function noteSidewaysScroll(t, page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) t.diagnostic(`layout: ${where} scrolls sideways, ${overflow}px wider than the ${page.viewportSize().width}px window`);
  return overflow;
}

/** The visible flash message (ok or error) as text, or '' when there is none. */
async function flashText(page) {
  const el = page.locator('.flash-ok, .flash-error').first();
  return (await el.count()) ? (await el.innerText()).trim() : '';
}

async function assertFlashOk(page, want, when) {
  const ok = page.locator('.flash-ok');
  const got = await flashText(page);
  assert.ok((await ok.count()) > 0 && got.includes(want), `${when}: expected the flash "…${want}…", got "${got}" at ${page.url()}`);
}

/** The rows of the 资助申请 table on /fund. */
function disbursementRows(page) {
  return page.locator('section.panel', { has: page.locator('h2', { hasText: '资助申请' }) }).locator('table tbody tr');
}

/** A cell holding exactly this amount (so 300.00 does not match 1300.00). */
function amountCell(page, shown) {
  return page.locator('td.num', { hasText: new RegExp(`^\\s*¥?${shown.replace('.', '\\.')}\\s*$`) });
}

/** The cash box in yuan, read from the exact-amounts line of /fund (现金 ¥1,234.50). */
async function cashBalance(page) {
  const line = await page.locator('p.hint', { hasText: '精确金额' }).first().innerText();
  const m = /现金\s*¥([\d,]+\.\d{2})/.exec(line);
  assert.ok(m, `the exact-amounts line should give the cash balance: "${line}"`);
  return Number(m[1].replaceAll(',', ''));
}

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

describe(`Linli love fund at ${BASE_URL}`, { timeout: 240_000 }, () => {
  test('grid worker records a gift and gets the receipt (screen and A4 print)', async (t) => {
    await withPage(browser, 'fund-donation', async (page, problems) => {
      await loginAs(page, WORKER);

      // ---- the overview ----
      const res = await goto(page, '/fund');
      assert.equal(res.status(), 200, `GET /fund as ${WORKER.username} answered ${res.status()}`);
      assert.equal(pathOf(page), '/fund');
      assert.ok((await textOf(page, 'h1')).includes('爱心基金'), 'the <h1> of /fund should say 爱心基金');
      const stats = await page.locator('section.stats .stat-label').allInnerTexts();
      for (const want of ['可用余额', '现金', '银行']) {
        assert.ok(stats.some((s) => s.includes(want)), `the balance cards should include ${want}; they are [${stats.join(', ')}]`);
      }
      const body = await page.locator('main').innerText();
      assert.ok(body.includes('居民会议决定'), 'the overview should name the residents\' meeting decision the fund rests on');
      // The worker may record gifts and ask for help (the routes allow it); the overview
      // should offer both. A missing button fails this step, but only after the rest of the
      // flow has run (through the address), so the later steps still have a gift and a receipt.
      const donate = page.locator('a[href="/fund/donations/new"]');
      const missing = [];
      if ((await donate.count()) !== 1) missing.push('登记捐赠 → /fund/donations/new');
      else assert.equal((await donate.innerText()).trim(), '登记捐赠');
      if ((await page.locator('a[href="/fund/disbursements/new"]').count()) !== 1) missing.push('申请资助 → /fund/disbursements/new');
      // A grid worker may ask for help but not approve it, not even someone else's request.
      assert.equal(await page.locator('form[action$="/approve"]').count(), 0, 'a grid worker must not see 审批同意 buttons');
      await noteSidewaysScroll(t, page, '/fund');
      await shot(page, '40-fund');

      // ---- the donation form ----
      if (missing.length === 0) {
        await andWaitForPage(page, () => donate.click());
      } else {
        t.diagnostic(`bug: /fund does not offer ${WORKER.username} (grid worker) ${missing.join(' nor ')}; going there by address`);
        await goto(page, '/fund/donations/new');
      }
      assert.equal(pathOf(page), '/fund/donations/new', `登记捐赠 led to ${page.url()}`);
      const form = page.locator('form[action="/fund/donations"]');
      assert.equal(await form.count(), 1, 'the donation page should have the form posting to /fund/donations');
      await form.locator('select[name=donor_kind]').selectOption('person');
      await form.locator('input[name=donor_name]').fill(run.donor);
      await form.locator('input[name=amount_yuan]').fill(GIFT.yuan);
      await form.locator('select[name=method]').selectOption('cash');
      await form.locator('input[name=received_on]').fill(run.today);
      const publish = form.locator('input[name=publish_name]');
      assert.equal(await publish.isChecked(), false, 'publishing the donor\'s name must be opt-in (unchecked by default)');
      await noteSidewaysScroll(t, page, '/fund/donations/new');
      await shot(page, '41-donation-form');
      await andWaitForPage(page, () => form.locator('button.btn-primary[type=submit]').click());

      // ---- the receipt ----
      assert.match(pathOf(page), /^\/fund\/donations\/\d+\/receipt$/, `saving the gift should lead to its receipt, got ${page.url()} (flash "${await flashText(page)}")`);
      run.receiptPath = pathOf(page);
      await assertFlashOk(page, '捐赠已登记', 'after recording the gift');
      const receipt = page.locator('.receipt');
      assert.equal(await receipt.count(), 1, 'the receipt page should have a .receipt');
      const no = (await receipt.locator('.receipt-no strong').innerText()).trim();
      assert.match(no, /^\d{4}-\d{4,}$/, `the receipt number should look like 2026-0042, got "${no}"`);
      assert.equal(no.slice(0, 4), run.today.slice(0, 4), `the receipt number ${no} should start with this year`);
      run.receiptNo = no;
      const text = await receipt.innerText();
      assert.ok(text.includes(run.donor), `the receipt should name the donor ${run.donor}: "${text}"`);
      assert.ok(text.includes(GIFT.shown), `the receipt should show the amount ${GIFT.shown}: "${text}"`);
      assert.ok(text.includes('现金'), `the receipt should say the gift came in cash: "${text}"`);
      assert.ok(eitherDate(run.today).test(text), `the receipt should carry the date received ${run.today}: "${text}"`);
      assert.ok(text.includes('爱心基金'), 'the receipt should say it is the love fund\'s');
      await noteSidewaysScroll(t, page, run.receiptPath);
      await shot(page, '41-receipt');
      await printPdf(page, '41-receipt');

      // The gift is in the overview's recent gifts, linked to its receipt.
      await goto(page, '/fund');
      const recent = page.locator(`a[href="${run.receiptPath}"]`);
      assert.equal(await recent.count(), 1, `the overview's 最近捐赠 should link to ${run.receiptPath}`);
      assert.equal((await recent.innerText()).trim(), run.receiptNo);

      assertNoPageProblems(problems, 'recording a gift');
      assert.deepEqual(missing, [], `/fund should offer the grid worker ${WORKER.username} these buttons (the gift itself was recorded by address)`);
    });
  });

  test('grid worker asks the fund to help 夏胜林', async (t) => {
    await withPage(browser, 'fund-request', async (page, problems) => {
      await loginAs(page, WORKER);

      await goto(page, '/fund/disbursements/new');
      assert.equal(pathOf(page), '/fund/disbursements/new');
      const form = page.locator('form[action="/fund/disbursements"]');
      assert.equal(await form.count(), 1, 'the request page should have the form posting to /fund/disbursements');
      // The beneficiary is picked by her pinyin initials, never typed as a record number.
      await form.locator('input[name=beneficiary_resident_id_q]').fill('xsl');
      const option = form.locator('.picker-suggest [role=option]', { hasText: BENEFICIARY }).first();
      await option.waitFor();
      await option.click();
      const chosen = form.locator('input[name=beneficiary_resident_id]:checked');
      assert.equal(await chosen.count(), 1, `choosing ${BENEFICIARY} should check her`);
      run.beneficiaryId = await chosen.getAttribute('value');
      await form.locator('input[name=amount_yuan]').fill(HELP.yuan);
      await form.locator('select[name=purpose]').selectOption(HELP.purpose);
      await form.locator('textarea[name=note]').fill(`住院自付部分较多，家庭困难，申请医疗救助（自动测试 ${run.donor}）。附住院费用清单复印件。`);
      await noteSidewaysScroll(t, page, '/fund/disbursements/new');
      await shot(page, '42-request-form');
      await andWaitForPage(page, () => form.locator('button.btn-primary[type=submit]').click());

      assert.equal(pathOf(page), '/fund', `submitting the request should lead back to /fund, got ${page.url()} (flash "${await flashText(page)}")`);
      await assertFlashOk(page, '资助申请已提交', 'after requesting help');
      // Newest first: this run's request heads the list.
      const first = disbursementRows(page).first();
      const row = await first.innerText();
      assert.ok(row.includes(BENEFICIARY) && row.includes(HELP.shown) && row.includes('待审批'),
        `the newest request should be ${BENEFICIARY}, ${HELP.shown}, 待审批: "${row}"`);
      assert.ok(row.includes('已有 0 人审批'), `a new request should say 已有 0 人审批: "${row}"`);
      assert.equal(await first.locator('form').count(), 0, 'the requester must not be offered to approve their own request');
      await shot(page, '42-request-submitted');

      assertNoPageProblems(problems, 'requesting help');
    });
  });

  test('two approvers: admin approves, the fund keeper approves and pays', async (t) => {
    need(run.beneficiaryId, 'the request');

    await withPage(browser, 'fund-approve-admin', async (page, problems) => {
      await loginAs(page, ADMIN);
      await goto(page, '/fund');
      // The newest pending request for 夏胜林 of 300.00 that admin may approve: this run's.
      const row = disbursementRows(page)
        .filter({ has: page.locator(`a[href="/residents/${run.beneficiaryId}"]`) })
        .filter({ has: amountCell(page, HELP.shown) })
        .filter({ hasText: '待审批' })
        .filter({ has: page.locator('form[action$="/approve"]') })
        .first();
      assert.equal(await row.count(), 1, `admin should see a pending ${HELP.shown} request for ${BENEFICIARY} with a 审批同意 button`);
      const action = await row.locator('form[action$="/approve"]').getAttribute('action');
      const m = /^\/fund\/disbursements\/(\d+)\/approve$/.exec(action);
      assert.ok(m, `the approve form posts to "${action}"`);
      run.disbursementId = m[1];
      const button = row.locator('form[action$="/approve"] button[type=submit]');
      assert.equal((await button.innerText()).trim(), '审批同意');
      await andWaitForPage(page, () => button.click());
      assert.equal(pathOf(page), '/fund');
      await assertFlashOk(page, '还需另一位审批人', 'after the first approval');
      // Still pending, one approval; admin cannot approve it a second time.
      const approveForm = page.locator(`form[action="/fund/disbursements/${run.disbursementId}/approve"]`);
      assert.equal(await approveForm.count(), 0, 'admin must not be offered to approve the same request twice');
      await shot(page, '43-first-approval');
      assertNoPageProblems(problems, 'first approval');
    });

    await withPage(browser, 'fund-approve-pay-keeper', async (page, problems) => {
      await loginAs(page, KEEPER);
      await goto(page, '/fund');
      const approveForm = page.locator(`form[action="/fund/disbursements/${run.disbursementId}/approve"]`);
      assert.equal(await approveForm.count(), 1, `the fund keeper should be offered to approve request #${run.disbursementId}`);
      const row = disbursementRows(page).filter({ has: approveForm });
      const before = await row.innerText();
      assert.ok(before.includes('已有 1 人审批'), `after admin's approval the row should say 已有 1 人审批: "${before}"`);
      await andWaitForPage(page, () => approveForm.locator('button[type=submit]').click());
      await assertFlashOk(page, '两人审批已齐', 'after the second approval');

      const payForm = page.locator(`form[action="/fund/disbursements/${run.disbursementId}/pay"]`);
      assert.equal(await payForm.count(), 1, `request #${run.disbursementId} should now offer 支付`);
      const payRow = await disbursementRows(page).filter({ has: payForm }).innerText();
      assert.ok(payRow.includes('已批准待支付'), `an approved request should read 已批准待支付: "${payRow}"`);
      const pay = payForm.locator('button[type=submit]');
      assert.equal((await pay.innerText()).trim(), '支付');
      await shot(page, '43-approved');

      // Cash first, as the keeper hands the money over. When the cash box holds less than
      // the help (the demo keeps its money in the bank), the payment must be refused with
      // nothing booked, and the keeper pays from the bank instead.
      const cash = await cashBalance(page);
      await payForm.locator('select[name=from]').selectOption('cash');
      if (cash < Number(HELP.yuan)) {
        t.diagnostic(`data: the cash box holds ¥${cash.toFixed(2)}, less than ¥${HELP.shown}: paying from cash must be refused, then paid from the bank`);
        await andWaitForPage(page, () => pay.click());
        const refused = await flashText(page);
        assert.ok((await page.locator('.flash-error').count()) > 0 && refused.includes('余额不足'),
          `paying ¥${HELP.shown} from a cash box of ¥${cash.toFixed(2)} should be refused (余额不足), got "${refused}"`);
        assert.equal(await payForm.count(), 1, 'a refused payment should leave the request approved, still offering 支付');
        assert.equal(await cashBalance(page), cash, 'a refused payment must not change the cash balance');
        await shot(page, '43-pay-refused-cash');
        await payForm.locator('select[name=from]').selectOption('bank');
      }
      await andWaitForPage(page, () => pay.click());
      await assertFlashOk(page, '已支付并记账', 'after paying');
      assert.equal(await payForm.count(), 0, 'a paid request should no longer offer 支付');
      run.paid = true;
      await shot(page, '43-paid');

      // The ledger (newest first) has the payment as a double entry dated today: the
      // purpose's expense account debited, the bank or cash credited, ¥300.00 each.
      await goto(page, '/fund/entries');
      const entry = page.locator('table tbody tr')
        .filter({ hasText: `支出：${HELP.purposeLabel}` })
        .filter({ hasText: eitherDate(run.today) })
        .filter({ hasText: new RegExp(`借\\s*${HELP.shown.replace('.', '\\.')}(?![\\d])`) })
        .first();
      assert.equal(await entry.count(), 1, `the ledger should have today's entry 支出：${HELP.purposeLabel} of ¥${HELP.shown}`);
      await shot(page, '44-ledger');
      assertNoPageProblems(problems, 'second approval and payment');
    });
  });

  test('public disclosure: surname only, unnamed donor as 爱心人士; phone and print', async (t) => {
    need(run.paid, 'the payment');
    const month = run.today.slice(0, 7);
    const route = `/disclosure/fund?month=${month}`;

    const check = async (page) => {
      const res = await goto(page, route);
      assert.equal(res.status(), 200, `GET ${route} without signing in answered ${res.status()}`);
      assert.equal(pathOf(page), '/disclosure/fund', `the disclosure should be public, but ${route} led to ${page.url()}`);
      const html = await page.content();
      assert.ok(!html.includes(BENEFICIARY), `the public disclosure must not contain the full name ${BENEFICIARY}`);
      assert.ok(!html.includes(run.donor), `the public disclosure must not name the donor ${run.donor}, who did not agree to it`);
      const article = page.locator('article.disclosure');
      assert.equal(await article.count(), 1, 'the disclosure should be an article.disclosure');
      const heading = await article.locator('h2').innerText();
      const [year, mm] = month.split('-');
      const monthZh = `${year}年${Number(mm)}月`;
      assert.ok(heading.includes(monthZh), `the heading should name the month ${monthZh}: "${heading}"`);

      const section = (title) => article.locator('h3', { hasText: title }).locator('xpath=following-sibling::*[1]');
      const paid = section('资助明细').locator('tbody tr')
        .filter({ hasText: BENEFICIARY_MASKED })
        .filter({ has: amountCell(page, HELP.shown) })
        .filter({ hasText: HELP.purposeLabel });
      assert.ok((await paid.count()) >= 1, `资助明细 should list ${BENEFICIARY_MASKED} ¥${HELP.shown} ${HELP.purposeLabel}`);
      assert.ok(eitherDate(run.today).test(await paid.first().innerText()), 'the payment should be dated today');
      const gift = section('捐赠明细').locator('tbody tr')
        .filter({ hasText: '爱心人士' })
        .filter({ has: amountCell(page, GIFT.shown) })
        .filter({ hasText: eitherDate(run.today) });
      assert.ok((await gift.count()) >= 1, `捐赠明细 should list 爱心人士 ¥${GIFT.shown} on ${run.today}`);
      const summary = await article.locator('.summary-table').innerText();
      for (const want of ['上月结余', '本月收入', '本月支出', '本月结余']) {
        assert.ok(summary.includes(want), `the summary should have ${want}: "${summary}"`);
      }
    };

    await withPage(browser, 'fund-disclosure', async (page, problems) => {
      await check(page);
      await noteSidewaysScroll(t, page, route);
      await shot(page, '45-disclosure');
      await printPdf(page, '45-disclosure');
      assertNoPageProblems(problems, 'disclosure');
    });

    await withPage(
      browser,
      'fund-disclosure-phone',
      async (page, problems) => {
        await check(page);
        await noteSidewaysScroll(t, page, `${route} on a phone`);
        await shot(page, '45-disclosure-phone');
        assertNoPageProblems(problems, 'disclosure on a phone');
      },
      { viewport: PHONE, mobile: true },
    );
  });

  test('a building head is refused the fund', async () => {
    await withPage(browser, 'fund-building-head', async (page) => {
      await loginAs(page, BUILDING_HEAD);
      for (const route of ['/fund', '/fund/donations/new', '/fund/disbursements/new', '/fund/entries']) {
        const res = await goto(page, route);
        assert.equal(res.status(), 403, `GET ${route} as ${BUILDING_HEAD.username} (楼长) should answer 403, got ${res.status()}`);
      }
      await goto(page, '/fund');
      const body = await page.locator('body').innerText();
      assert.ok(!body.includes('可用余额'), 'the 403 page must not show the fund balance');
      await shot(page, '46-fund-403-building-head');
      if (run.receiptPath) {
        const res = await goto(page, run.receiptPath);
        assert.equal(res.status(), 403, `GET ${run.receiptPath} as ${BUILDING_HEAD.username} should answer 403, got ${res.status()}`);
      }
    });
  });
});
