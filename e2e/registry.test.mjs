// The residents registry (居民档案) as the staff use it: the roster with masked ID numbers
// and phones, importing a roster file (a bad file refused as a whole with the row named,
// then the corrected file imported), pinyin search, a resident's page, the audited reveal
// of the full ID number; and a grid worker who sees only the residents of their own grid.
// Each test starts from a fresh browser context and saves full-page screenshots of every
// step into SCREENSHOT_DIR.
//
// The import adds three residents with ID numbers made from the clock, so the test can run
// again and again against the same demo database without "already registered" errors.
//
// Run: BASE_URL=http://127.0.0.1:18080 node --test   (from e2e/, against `linli demo`)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  textOf,
  withPage,
} from './lib.mjs';

const WORKER = { username: 'wangge1', password: 'linli2026' };
/** The buildings of 第一网格, wangge1's grid. */
const WORKER_BUILDINGS = { first: 1, last: 16 };

const REGION = '231002';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits. */
function checkChar(first17) {
  assert.match(first17, /^\d{17}$/);
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i], 0);
  return CHECK_CHARS[sum % 11];
}

/** A valid 18-character ID number; the 17th digit is odd for men, even for women. */
function idNumber(birth /* 'YYYYMMDD' */, seq /* 0..499 */, male) {
  const s = String(2 * seq + (male ? 1 : 0)).padStart(3, '0');
  const first17 = `${REGION}${birth}${s}`;
  return first17 + checkChar(first17);
}

/** The same number with a check character that is not the right one. */
function withWrongCheck(id) {
  const right = id[17];
  const wrong = [...CHECK_CHARS].find((c) => c !== right && c !== 'X');
  return id.slice(0, 17) + wrong;
}

/**
 * Three people for this run. The birth day and the sequence digits come from the clock,
 * so a re-run against the same database (or the demo's ~8000 residents) does not hit an
 * ID number already registered.
 */
function peopleForThisRun() {
  const t = Math.floor(Date.now() / 1000);
  const seq = t % 166; // three consecutive sequences below 500
  const day = new Date(Date.UTC(1950, 0, 1) + (Math.floor(t / 166) % 18_000) * 86_400_000);
  const birth = day.toISOString().slice(0, 10).replaceAll('-', ''); // 1950..1999
  const iso = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  const phone = (n) => `139${String((t * 3 + n) % 100_000_000).padStart(8, '0')}`;
  return [
    { name: '赵文静', id: idNumber(birth, seq, false), gender: '女', birth: iso, phone: phone(0),
      building: '2号楼', unit: '1单元', household: '601', relation: '户主', tags: '' },
    { name: '钱立新', id: idNumber(birth, seq + 1, true), gender: '男', birth: iso, phone: phone(1),
      building: '2号楼', unit: '1单元', household: '601', relation: '配偶', tags: '党员' },
    { name: '孙海燕', id: idNumber(birth, seq + 2, false), gender: '女', birth: iso, phone: phone(2),
      building: '5号楼', unit: '2单元', household: '602', relation: '户主', tags: '' },
  ];
}

const HEADERS = ['姓名', '身份证号', '性别', '出生日期', '联系电话', '楼栋', '单元', '户号', '与户主关系', '标签'];

function rosterCsv(people) {
  const rows = people.map((p) => [p.name, p.id, p.gender, p.birth, p.phone, p.building, p.unit, p.household, p.relation, p.tags]);
  return [HEADERS, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/** Texts of one column of the roster table (0-based index), one entry per row. */
function columnTexts(page, index) {
  return page.$$eval(
    'table.table tbody tr',
    (rows, i) => rows.map((tr) => (tr.children[i]?.textContent || '').trim()),
    index,
  );
}

/** 0-based index of the roster column whose header is `label`. */
async function columnIndex(page, label) {
  const headers = await page.$$eval('table.table thead th', (ths) => ths.map((th) => th.textContent.trim()));
  const i = headers.indexOf(label);
  assert.ok(i >= 0, `the roster table should have a "${label}" column; headers are [${headers.join(', ')}]`);
  return i;
}

/** `**************1234`: only the last four (the birth date is shown beside it). */
const MASKED_ID = /^\*+\d{3}[\dX]$/;
/** `138****5678` (a landline keeps its first 3 and last 4 characters too). */
const MASKED_PHONE = /^[\d-]{3}\*+\d{4}$/;

/**
 * Layout problems worth a look that should not fail the flow: reported as test
 * diagnostics (`# ...` lines in the runner's output) so CI logs show them.
 */
async function noteSidewaysScroll(t, page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) t.diagnostic(`layout: ${where} scrolls sideways, ${overflow}px wider than the ${page.viewportSize().width}px window`);
}

let browser;
let tmp;

before(async () => {
  browser = await launchBrowser();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-e2e-registry-'));
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe(`Linli residents registry at ${BASE_URL}`, { timeout: 180_000 }, () => {
  test('admin: roster, import refused then imported, pinyin search, resident page, audited reveal', async (t) => {
    await withPage(browser, 'registry-admin', async (page, problems) => {
      await loginAs(page, ADMIN);

      // ---- the roster ----
      await goto(page, '/residents');
      assert.equal(pathOf(page), '/residents', `GET /residents ended at ${page.url()}`);
      assert.ok((await textOf(page, 'h1')).includes('居民档案'), 'the roster <h1> should say 居民档案');
      assert.ok(await page.locator('input[name=q]').first().isVisible(), 'the roster should have a visible search box input[name=q]');
      const idCol = await columnIndex(page, '身份证号');
      const phoneCol = await columnIndex(page, '联系电话');
      const ids = (await columnTexts(page, idCol)).filter(Boolean);
      const phones = (await columnTexts(page, phoneCol)).filter(Boolean);
      assert.ok(ids.length > 10, `the demo roster should list residents with ID numbers, found ${ids.length}`);
      for (const id of ids) assert.match(id, MASKED_ID, `ID numbers in the roster must be masked like **************1234, got "${id}"`);
      for (const p of phones) assert.match(p, MASKED_PHONE, `phones in the roster must be masked like 138****5678, got "${p}"`);
      const importLink = page.locator('a[href="/residents/import"]').first();
      assert.ok(await importLink.isVisible(), 'the roster should offer a link to /residents/import');
      assert.ok((await importLink.innerText()).includes('导入花名册'), 'the import link should read 导入花名册');
      const ageCol = await columnIndex(page, '年龄');
      const negative = (await columnTexts(page, ageCol)).filter((a) => Number(a) < 0);
      if (negative.length) t.diagnostic(`data: the roster shows negative ages (${negative.join(', ')}): birth dates after today`);
      await noteSidewaysScroll(t, page, '/residents');
      await shot(page, '20-residents');

      // ---- the import page ----
      await andWaitForPage(page, () => importLink.click());
      assert.equal(pathOf(page), '/residents/import', `the import link led to ${page.url()}`);
      const form = page.locator('form[enctype="multipart/form-data"]').first();
      assert.equal(await form.count(), 1, 'the import page should have a multipart form');
      for (const sel of [
        'input[type=file][name=file]',
        'select[name=mode]',
        'input[name=create_places]',
        'button[name=action][value=check]',
        'button[name=action][value=import]',
      ]) {
        assert.equal(await form.locator(sel).count(), 1, `the import form should have ${sel}`);
      }
      assert.ok((await form.locator('button[name=action][value=check]').innerText()).includes('只检查，不导入'));
      assert.equal((await form.locator('button[name=action][value=import]').innerText()).trim(), '导入');
      await noteSidewaysScroll(t, page, '/residents/import');
      await shot(page, '21-import-form');

      // ---- a file with one bad check digit: nothing is imported ----
      const people = peopleForThisRun();
      const badIndex = 1; // the second data row, spreadsheet row 3 (the header is row 1)
      const badRow = badIndex + 2;
      const bad = people.map((p, i) => (i === badIndex ? { ...p, id: withWrongCheck(p.id) } : p));
      const file = path.join(tmp, '居民花名册.csv');
      writeFileSync(file, rosterCsv(bad), 'utf8');
      await page.setInputFiles('input[type=file][name=file]', file);
      await andWaitForPage(page, () => page.click('button[name=action][value=import]'));
      const errors = page.locator('#import-errors');
      assert.equal(await errors.count(), 1, 'a bad roster should show the #import-errors table');
      const errorRows = await errors.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())),
      );
      assert.equal(errorRows.length, 1, `exactly one problem expected, got ${JSON.stringify(errorRows)}`);
      const [rowNo, column, message] = errorRows[0];
      assert.equal(rowNo, String(badRow), `the problem should be on row ${badRow}, the table says ${JSON.stringify(errorRows[0])}`);
      assert.equal(column, '身份证号', `the problem should be in the 身份证号 column, got ${JSON.stringify(errorRows[0])}`);
      assert.ok(message.includes('校验码'), `the message should speak of the 校验码, got "${message}"`);
      assert.ok(
        message.includes(`应为${people[badIndex].id[17]}`),
        `the message should name the right check character ${people[badIndex].id[17]}, got "${message}"`,
      );
      const refused = await textOf(page, '.flash-error');
      assert.ok(refused.includes('整份文件没有导入'), `the flash should say nothing was imported, got "${refused}"`);
      assert.ok(refused.includes('居民花名册.csv'), `the flash should name the file, got "${refused}"`);
      await shot(page, '22-import-refused');

      // ---- the corrected file: all three imported (the form is shown again under the errors) ----
      // In 新增 mode a number already registered is an error, so "新增 3 人" here also proves
      // that the refused file wrote nothing.
      writeFileSync(file, rosterCsv(people), 'utf8');
      await page.setInputFiles('input[type=file][name=file]', file);
      await andWaitForPage(page, () => page.click('button[name=action][value=import]'));
      assert.equal(await page.locator('#import-errors').count(), 0, 'the corrected roster should not show #import-errors');
      const done = await textOf(page, '.flash-ok');
      assert.ok(done.includes('新增 3 人'), `the success flash should say 新增 3 人, got "${done}"`);
      await shot(page, '23-import-done');

      // The imported residents are in the roster, at the addresses of the file.
      await goto(page, `/residents?q=${encodeURIComponent(people[2].id.slice(-4))}`);
      const found = await page.locator('table.table tbody tr', { hasText: people[2].name }).count();
      assert.ok(found >= 1, `${people[2].name} (imported) should be found by the last four digits of the ID number`);
      const row = page.locator('table.table tbody tr', { hasText: people[2].name }).first();
      assert.ok((await row.innerText()).includes('5号楼2单元602'), `${people[2].name} should live at 5号楼2单元602: "${await row.innerText()}"`);

      // ---- pinyin search ----
      await goto(page, '/residents');
      await page.fill('input[name=q]', 'xsl');
      await andWaitForPage(page, () => page.locator('form[role=search] button[type=submit]').click());
      const nameCol = await columnIndex(page, '姓名');
      const names = await columnTexts(page, nameCol);
      assert.ok(names.includes('夏胜林'), `searching xsl should find 夏胜林, found [${names.join(', ')}]`);
      assert.equal(await page.locator('input[name=q]').inputValue(), 'xsl', 'the search box should keep what was typed');
      await shot(page, '24-search-xsl');

      // ---- the resident page ----
      await andWaitForPage(page, () => page.locator('table.table tbody a', { hasText: '夏胜林' }).first().click());
      assert.match(pathOf(page), /^\/residents\/\d+$/, `clicking the name led to ${page.url()}`);
      const residentPath = pathOf(page);
      const residentId = residentPath.split('/').pop();
      assert.equal(await textOf(page, 'h1'), '夏胜林');
      const body = await page.locator('main, body').first().innerText();
      for (const want of ['刘淑芬', '夏宇', '失业/下岗', '困难家庭']) {
        assert.ok(body.includes(want), `the page of 夏胜林 should show ${want}`);
      }
      const members = await page.locator('section.panel', { hasText: '家庭成员' }).first().innerText();
      assert.ok(members.includes('刘淑芬') && members.includes('夏宇'), `家庭成员 should list 刘淑芬 and 夏宇: "${members}"`);
      const maskedId = await textOf(page, '#id-number');
      assert.match(maskedId, MASKED_ID, `#id-number should be masked, got "${maskedId}"`);
      assert.match(await textOf(page, '#phone'), MASKED_PHONE, '#phone should be masked');
      await noteSidewaysScroll(t, page, residentPath);
      await shot(page, '25-resident');

      // ---- reveal, with a reason ----
      const reason = '核对困难家庭补助申请';
      const reveal = page.locator('form', { has: page.locator('input[name=reason]') }).first();
      const revealButton = reveal.locator('button[type=submit]');
      assert.equal((await revealButton.innerText()).trim(), '显示完整信息');
      await reveal.locator('input[name=reason]').fill(reason);
      await andWaitForPage(page, () => revealButton.click());
      const fullId = await textOf(page, '#id-number');
      assert.equal(fullId.length, 18, `the revealed #id-number should have 18 characters, got "${fullId}"`);
      assert.ok(!fullId.includes('*'), `the revealed #id-number should not contain *, got "${fullId}"`);
      assert.match(fullId, /^\d{17}[\dX]$/);
      assert.equal(fullId.slice(14), maskedId.slice(14), 'the full number should end as its masked form does');
      assert.equal(maskedId.slice(0, 14), '*'.repeat(14), 'the mask hides all but the last four (the birth date is shown beside it)');
      assert.equal(fullId.slice(6, 14), '19680412', '夏胜林 was born on 1968-04-12');
      assert.equal(fullId[17], checkChar(fullId.slice(0, 17)), 'the revealed ID number should have a valid check character');
      assert.match(await textOf(page, '#phone'), /^1\d{10}$/, 'the revealed #phone should be the full number');
      assert.equal(await page.locator('input[name=reason]').count(), 0, 'once revealed, the reveal form should be gone');
      await shot(page, '26-resident-revealed');

      // ---- the audit log names the look ----
      await goto(page, '/audit');
      const auditRow = page
        .locator('table tbody tr', { hasText: '查看完整身份证号和电话' })
        .filter({ hasText: `#${residentId}` })
        .first();
      assert.equal(await auditRow.count(), 1, 'the audit log should have a 查看完整身份证号和电话 record for 夏胜林');
      const auditText = await auditRow.innerText();
      assert.ok(auditText.includes('admin'), `the audit record should name admin: "${auditText}"`);
      assert.ok(auditText.includes(reason), `the audit record should keep the reason: "${auditText}"`);
      assert.ok(!auditText.includes(fullId), 'the audit log must not show the full ID number');
      await shot(page, '27-audit-reveal');

      assertNoPageProblems(problems, 'registry as admin');
    });
  });

  test('grid worker sees only the residents of their own grid; the resident page on a phone', async () => {
    let xiaPath;
    await withPage(browser, 'registry-worker', async (page, problems) => {
      await loginAs(page, WORKER);
      await goto(page, '/residents');
      assert.equal(pathOf(page), '/residents', `GET /residents as ${WORKER.username} ended at ${page.url()}`);
      // The roster is ordered by address: its first page holds the lowest buildings and its
      // last page the highest, so both are checked.
      const assertOnlyOwnGrid = async (where) => {
        const addrCol = await columnIndex(page, '住址');
        const addresses = await columnTexts(page, addrCol);
        assert.ok(addresses.length > 0, `the grid worker should see residents (${where})`);
        const outside = addresses.filter((a) => {
          const m = /^(\d+)号楼/.exec(a);
          return !m || Number(m[1]) < WORKER_BUILDINGS.first || Number(m[1]) > WORKER_BUILDINGS.last;
        });
        assert.deepEqual(outside, [], `${WORKER.username} should see only 1-16号楼, but the roster (${where}) lists these addresses`);
      };
      await assertOnlyOwnGrid('first page');
      const buildings = await page.$$eval('select[name=building] option', (os) => os.map((o) => o.textContent.trim()).filter((t) => /号楼/.test(t)));
      assert.ok(buildings.length > 0, 'the building filter should list the grid\'s buildings');
      for (const b of buildings) {
        const n = Number(/^(\d+)号楼/.exec(b)?.[1]);
        assert.ok(n >= WORKER_BUILDINGS.first && n <= WORKER_BUILDINGS.last, `the building filter offers ${b}, outside the grid`);
      }
      await shot(page, '30-residents-worker');

      const pager = /第\s*\d+\s*\/\s*(\d+)\s*页/.exec(await page.locator('body').innerText());
      assert.ok(pager, 'the roster should say which page of how many it shows (第 1/N 页)');
      const lastPage = Number(pager[1]);
      if (lastPage > 1) {
        await goto(page, `/residents?page=${lastPage}`);
        await assertOnlyOwnGrid(`page ${lastPage}`);
        await shot(page, '31-residents-worker-last-page');
      }

      await page.fill('input[name=q]', '夏胜林');
      await andWaitForPage(page, () => page.locator('form[role=search] button[type=submit]').click());
      const link = page.locator('table.table tbody a', { hasText: '夏胜林' }).first();
      assert.equal(await link.count(), 1, '夏胜林 (3号楼) is in the first grid and should be found');
      xiaPath = await link.getAttribute('href');
      assertNoPageProblems(problems, 'registry as grid worker');
    });

    await withPage(
      browser,
      'registry-worker-phone',
      async (page, problems) => {
        await loginAs(page, WORKER);
        await goto(page, xiaPath);
        assert.equal(await textOf(page, 'h1'), '夏胜林');
        assert.match(await textOf(page, '#id-number'), MASKED_ID, 'the worker sees the masked ID number');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        await shot(page, '32-resident-phone');
        assert.ok(overflow <= 1, `the resident page should not scroll sideways on a phone (${overflow}px too wide)`);
        assertNoPageProblems(problems, 'resident page on a phone');
      },
      { viewport: PHONE, mobile: true },
    );
  });
});
