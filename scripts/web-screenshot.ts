import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { launchChromium, listAll, SCREEN, seedDemo, startWebServer } from '../test/web/harness.js';

/**
 * `npx tsx scripts/web-screenshot.ts`: the README's pictures of the auditor page. Two weeks of
 * demo checkouts go through the real HTTP API; to spread them over past opening hours this
 * process's clock (Date.now) is set back while it seeds. A demo, never a test.
 */
const DAYS = 14;
const out = (name: string) => path.join(PROJECT_ROOT, 'docs', 'screenshots', name);

const server = await startWebServer();
const realNow = Date.now;
try {
  const hour = 3600_000;
  const todayStart = Math.floor((realNow() + 8 * hour) / (24 * hour)) * 24 * hour - 8 * hour;
  for (let daysAgo = DAYS - 1; daysAgo >= 0; daysAgo--) {
    // Opening hours 08:30 to 20:30 in the pharmacy's time; today only up to now.
    const open = todayStart - daysAgo * 24 * hour + 8.5 * hour;
    const close = Math.min(open + 12 * hour, realNow() - 60_000);
    const checkouts = 10 + ((daysAgo * 7) % 13);
    for (let i = 0; i < checkouts; i++) {
      const at = open + ((close - open) * i) / checkouts;
      Date.now = () => at + (realNow() % 1000);
      await seedDemo(server, 1, daysAgo * 1000 + i);
    }
  }
  Date.now = realNow;

  // The detail view at its most telling: a partial precheck of several lines.
  let shown: string | undefined;
  for (const r of await listAll(server, 'kind=precheck&outcome=partial')) {
    const record = (await server.request('GET', `/v1/audit/decisions/${r.id}`, { role: 'auditor' })).body;
    if (record.decision.items.length >= 2 && record.decision.items.some((l: { verdict: string }) => l.verdict === 'covered')) {
      shown = r.id;
      break;
    }
  }

  const browser = await launchChromium();
  try {
    for (const lang of ['en', 'zh'] as const) {
      const context = await browser.newContext({ viewport: SCREEN, locale: lang === 'zh' ? 'zh-CN' : 'en-GB', deviceScaleFactor: 1 });
      await context.addInitScript(`localStorage.setItem('guard.audit.lang', '${lang}')`);
      const page = await context.newPage();
      await page.goto(`${server.url}/audit/${shown ? `#open=${shown}` : ''}`);
      await page.fill('#login-token', server.tokens.auditor);
      await page.click('#login-submit');
      await page.waitForSelector('#decisions tbody tr[data-id]');
      await page.waitForSelector('#verify-status[data-state="ok"]');
      await page.waitForSelector('#chart[data-state="done"]');
      if (shown) await page.waitForSelector('#detail-lines');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: out(`audit-page${lang === 'zh' ? '-zh' : ''}.png`) });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`written ${out('audit-page.png')} and ${out('audit-page-zh.png')}`);
} finally {
  Date.now = realNow;
  await server.close();
}
