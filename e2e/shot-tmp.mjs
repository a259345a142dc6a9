import { launchBrowser } from './lib.mjs';
const base = 'http://127.0.0.1:18095';
const b = await launchBrowser();
for (const [name, vp] of [['desk', { width: 1366, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  const ctx = await b.newContext({ viewport: vp, locale: 'zh-CN' });
  const p = await ctx.newPage();
  await p.goto(base + '/login');
  await p.fill('input[name=username]', 'admin');
  await p.fill('input[name=password]', 'linli2026');
  await p.press('input[name=password]', 'Enter');
  await p.waitForLoadState('networkidle');
  await p.goto(base + '/reports/summary?year=2026');
  const h = await p.evaluate(() => document.body.scrollHeight);
  const step = name === 'desk' ? 1400 : 1700;
  for (let y = 0, i = 0; y < h && i < 14; y += step, i++) {
    await p.screenshot({ path: `/tmp/sum-${name}-${i}.png`, fullPage: true, clip: { x: 0, y, width: vp.width, height: Math.min(step, h - y) } });
  }
  await ctx.close();
}
await b.close();
