import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, listAll, SCREEN, seedDemo, startWebServer, tamperWithRecord, type WebServer } from './harness.js';

/** What the page shows, read with plain DOM expressions (the test program has no DOM types). */
const read = {
  rowIds: (page: Page) => page.evaluate<string[]>("[...document.querySelectorAll('#decisions tbody tr[data-id]')].map((tr) => tr.dataset.id)"),
  text: (page: Page, selector: string) => page.locator(selector).first().innerText(),
};

describe('the auditor page in Chromium', () => {
  let server: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startWebServer();
    await seedDemo(server, 140);
    browser = await launchChromium();
    // A browser far from the pharmacy: times and days must still be the trail's own.
    context = await browser.newContext({ viewport: SCREEN, locale: 'zh-CN', timezoneId: 'America/Los_Angeles', acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signIn = async (p: Page, role: 'auditor' | 'cashier' | 'admin' | 'nobody') => {
    await p.goto(`${server.url}/audit/`);
    await p.fill('#login-token', role === 'nobody' ? 'not-a-token' : server.tokens[role]);
    await p.click('#login-submit');
  };
  const tableMatches = async (p: Page, query: string) => {
    const expected = (await listAll(server, query)).slice(0, 50).map((r) => r.id);
    await expect.poll(() => read.rowIds(p)).toEqual(expected);
    return expected;
  };

  it('refuses a cashier token and an unknown token at sign-in, and keeps neither', async () => {
    await signIn(page, 'cashier');
    await expect.poll(() => read.text(page, '#login-error')).toBe('该令牌不是审计员令牌，无权查看审计记录。');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.fill('#login-token', 'not-a-token');
    await page.click('#login-submit');
    await expect.poll(() => read.text(page, '#login-error')).toBe('令牌无效或已被撤销。');
    expect(await page.locator('#decisions').count()).toBe(0);
    // A cashier token slipped into the tab by hand fares no better: the API refuses it and the page forgets it.
    await page.evaluate(`sessionStorage.setItem('guard.audit.token', ${JSON.stringify(server.tokens.cashier)})`);
    await page.reload();
    await expect.poll(() => read.text(page, '#login-error')).toBe('该令牌不是审计员令牌，无权查看审计记录。');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('signs an auditor in for this tab only: sessionStorage, no cookie, nothing on disk', async () => {
    await signIn(page, 'auditor');
    await tableMatches(page, '');
    expect(await page.evaluate("sessionStorage.getItem('guard.audit.token')")).toBe(server.tokens.auditor);
    expect(await page.evaluate('JSON.stringify(localStorage)')).not.toContain(server.tokens.auditor);
    expect(await context.cookies()).toEqual([]);
    // Another tab starts signed out.
    const other = await context.newPage();
    await other.goto(`${server.url}/audit/`);
    await other.waitForSelector('#login-token');
    await other.close();
  });

  it('shows the chain verified by the API, with its record count', async () => {
    const verify = (await server.request('GET', '/v1/audit/verify', { role: 'auditor' })).body;
    expect(verify.ok).toBe(true);
    await expect.poll(() => page.getAttribute('#verify-status', 'data-state')).toBe('ok');
    expect(await read.text(page, '#verify-status')).toContain(`${verify.count.toLocaleString('zh-CN')} 条记录，链头 #${verify.head.seq}`);
  });

  it('pages with the API\'s cursors, newest first', async () => {
    const all = await listAll(server, '');
    expect(all.length).toBeGreaterThan(100);
    await page.click('#page-older');
    await expect.poll(() => read.rowIds(page)).toEqual(all.slice(50, 100).map((r) => r.id));
    expect(await read.text(page, '#page-info')).toContain('第 2 页');
    await page.click('#page-newer');
    await expect.poll(() => read.rowIds(page)).toEqual(all.slice(0, 50).map((r) => r.id));
  });

  it('filters by a reason: the rows are the API\'s for that reason, and the address keeps the filter', async () => {
    await page.selectOption('#filter-reason', 'ITEM_NOT_COVERED');
    const ids = await tableMatches(page, 'reason=ITEM_NOT_COVERED');
    expect(ids.length).toBeGreaterThan(0);
    const chips = await page.evaluate<string[][]>("[...document.querySelectorAll('#decisions tbody tr[data-id]')].map((tr) => [...tr.querySelectorAll('.chip')].map((c) => c.textContent))");
    for (const row of chips) expect(row).toContain('ITEM_NOT_COVERED');
    expect(page.url()).toContain('reason=ITEM_NOT_COVERED');
    await page.reload();
    await tableMatches(page, 'reason=ITEM_NOT_COVERED');
    expect(await page.inputValue('#filter-reason')).toBe('ITEM_NOT_COVERED');
  });

  it('opens a decision: lines, verdicts, amounts, reasons in zh and en, catalogue version, chain position', async () => {
    const [first] = await read.rowIds(page);
    const record = (await server.request('GET', `/v1/audit/decisions/${first}`, { role: 'auditor' })).body;
    await page.click(`#decisions tr[data-id="${first}"]`);
    await page.waitForSelector(`#detail[data-id="${first}"] #detail-lines`);
    const lines = page.locator('#detail-lines tbody tr.line');
    expect(await lines.count()).toBe(record.decision.items.length);
    const verdictWords: Record<string, string> = { covered: '医保支付', 'self-pay': '自费', rejected: '拒付' };
    for (const [i, item] of (record.decision.items as { verdict: string; insuranceAmount: string; selfPayAmount: string }[]).entries()) {
      const cells = await lines.nth(i).locator('td').allInnerTexts();
      expect(cells[2]).toBe(verdictWords[item.verdict]);
      expect(cells.slice(4)).toEqual([item.insuranceAmount, item.selfPayAmount]);
    }
    const detail = await read.text(page, '#detail');
    const reasons = (record.decision.items as { reasons: { code: string; message: { zh: string; en: string } }[] }[]).flatMap((l) => l.reasons);
    expect(reasons.some((r) => r.code === 'ITEM_NOT_COVERED')).toBe(true);
    for (const r of reasons) {
      expect(detail).toContain(r.message.zh);
      expect(detail).toContain(r.message.en);
    }
    expect(await read.text(page, '#detail-catalogue')).toBe(String(record.catalogueVersion));
    expect(await read.text(page, '#detail-chain')).toContain(`#${record.seq} / 共`);
    expect(await page.getAttribute('#detail-chain', 'data-state')).toBe('ok');
    expect(detail).toContain(record.hash);
    expect(detail).toContain(record.prevHash);
    expect(page.url()).toContain(`open=${first}`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#detail').count()).toBe(0);
    expect(page.url()).not.toContain('open=');
    await page.click(`#decisions tr[data-id="${first}"]`);
    await page.waitForSelector(`#detail[data-id="${first}"] #detail-lines`);
  });

  it('switches between Chinese and English, and remembers the choice', async () => {
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await read.text(page, '.top h1')).toBe('医保结算审计');
    await page.click('#lang-switch');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await read.text(page, '.top h1')).toBe('Insurance checkout audit');
    expect(await page.locator('#decisions thead th').allInnerTexts()).toEqual(['Time', 'Seq', 'Kind', 'Outcome', 'Cashier', 'Card', 'Reasons', 'Catalogue']);
    // The open decision stays open; its reasons now read English first.
    expect(await page.locator('#detail .reasons li .msg').first().getAttribute('lang')).toBe('en');
    expect(await read.text(page, '#detail-chain')).toMatch(/#\d+ of /);
    await page.reload();
    await page.waitForSelector('#decisions tbody tr[data-id]');
    expect(await read.text(page, '.top h1')).toBe('Insurance checkout audit');
    await page.click('#lang-switch');
    expect(await read.text(page, '.top h1')).toBe('医保结算审计');
  });

  it('downloads the CSV for the current filter, byte for byte the API\'s export, with the same decisions as the list', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const file = readFileSync((await download.path())!);
    const api = await fetch(`${server.url}/v1/audit/export?format=csv&reason=ITEM_NOT_COVERED`, { headers: { authorization: `Bearer ${server.tokens.auditor}` } });
    expect(api.status).toBe(200);
    expect(file.equals(Buffer.from(await api.arrayBuffer()))).toBe(true);
    expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const rows = parse(file, { columns: true, bom: true }) as { id: string; reasonCodes: string }[];
    const listed = await listAll(server, 'reason=ITEM_NOT_COVERED');
    expect(rows.map((r) => r.id).sort()).toEqual(listed.map((r) => r.id).sort());
    for (const r of rows) expect(r.reasonCodes.split(' ')).toContain('ITEM_NOT_COVERED');
  });

  it('finds one person\'s history from the ID number, without the number reaching the address bar', async () => {
    await page.click('#filter-clear');
    await page.fill('#filter-personHash', '330302198508150192');
    await page.click('#filter-apply');
    const { personHash } = (await server.request('POST', '/v1/audit/person-hash', { role: 'auditor', body: { idNumber: '330302198508150192' } })).body;
    await tableMatches(page, `personHash=${personHash}`);
    expect(await page.inputValue('#filter-personHash')).toBe(personHash);
    expect(page.url()).toContain(personHash);
    expect(page.url()).not.toContain('330302198508150192');
    await page.click('#filter-clear');
    await tableMatches(page, '');
  });

  it('charts rejects per day by reason from the stats API, and a legend entry filters the table', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const stats = (await server.request('GET', `/v1/audit/stats/rejects?from=${today}&to=${today}`, { role: 'auditor' })).body.days as { reason: string; count: number }[];
    expect(stats.length).toBeGreaterThan(0);
    await page.waitForSelector('#chart[data-state="done"] .legend');
    const total = stats.reduce((s, r) => s + r.count, 0);
    expect(Number(await page.getAttribute(`#chart .bar[data-day="${today}"]`, 'data-total'))).toBe(total);
    const top = [...stats].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))[0]!;
    await page.click(`#chart .legend button[data-reason="${top.reason}"]`);
    await tableMatches(page, `reason=${top.reason}`);
    await page.click('#filter-clear');
  });

  it('fits a 1366x768 screen: no sideways scrolling, the table and its pager in view', async () => {
    await tableMatches(page, '');
    const [first] = await read.rowIds(page);
    await page.click(`#decisions tr[data-id="${first}"]`);
    await page.waitForSelector('#detail-chain');
    const size = await page.evaluate<{ w: number; h: number }>('({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })');
    expect(size).toEqual({ w: SCREEN.width, h: SCREEN.height });
    for (const selector of ['#filters', '#chart', '#decisions tbody tr[data-id]', '#download-csv', '#page-older', '#detail']) {
      const box = (await page.locator(selector).first().boundingBox())!;
      expect(box.x + box.width, selector).toBeLessThanOrEqual(SCREEN.width);
      expect(box.y + Math.min(box.height, 30), selector).toBeLessThanOrEqual(SCREEN.height);
    }
  });

  it('says "no card" for a customer who showed the e-voucher, in the list and the decision', async () => {
    const { ecToken } = (await server.request('POST', '/v1/dev/ec-token', { role: 'cashier', body: { scenario: 'normal' } })).body as { ecToken: string };
    const precheck = await server.request('POST', '/v1/checkout/precheck', { role: 'cashier', body: { ecToken, cashierId: 'cashier-ec', items: [{ lineId: '1', code: 'XN02BEA011A001010100201', quantity: 1, unitPrice: '25.00' }] } });
    expect(precheck.status, precheck.text).toBe(200);
    const id = precheck.body.decisionId as string;
    await page.reload();
    const cell = page.locator(`#decisions tbody tr[data-id="${id}"] .c-card.no-card`);
    await cell.waitFor();
    expect(await cell.textContent()).toMatch(/医保电子凭证或身份证号|e-voucher or ID number/);
    await page.click(`#decisions tbody tr[data-id="${id}"]`);
    await page.waitForSelector(`#detail[data-id="${id}"] .no-card`);
  });

  it('flags a trail tampered with behind the service\'s back', async () => {
    const victim = (await listAll(server, 'outcome=block'))[0]!;
    tamperWithRecord(server.dataDir, victim.seq, 'allow');
    await page.click('#verify-again');
    await expect.poll(() => page.getAttribute('#verify-status', 'data-state')).toBe('broken');
    expect(await read.text(page, '#verify-status')).toContain(`#${victim.seq}`);
    expect(await read.text(page, '#chain-banner')).toContain(`审计链在 #${victim.seq} 处断裂`);
    await page.click('#open-broken');
    await page.waitForSelector(`#detail[data-id="${victim.id}"] #detail-chain[data-state="bad"]`);
    // A reload verifies again and still says so.
    await page.reload();
    await expect.poll(() => page.getAttribute('#verify-status', 'data-state')).toBe('broken');
  });
});
