import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startWebServer, type WebServer } from './harness.js';

/** A POS page's origin: an empty page served from another port of loopback (another origin to the browser). */
async function servePage(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>POS</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Checkout steps run by the page itself with fetch: insert the virtual card, read it, precheck one line. */
const CHECKOUT = `async ({ api, token }) => {
  const call = async (method, path, body) => {
    const res = await fetch(api + path, { method, headers: { authorization: 'Bearer ' + token, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
  };
  const inserted = await call('POST', '/v1/dev/terminal/card', { scenario: 'normal' });
  const read = await call('POST', '/v1/card/read');
  const precheck = await call('POST', '/v1/checkout/precheck', { cardSession: read.body.cardSession, cashierId: 'till-1', items: [{ lineId: '1', code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '28.00', prescription: { rxNo: 'RX-1' } }] });
  const refused = await call('GET', '/v1/audit/decisions');
  return { inserted: inserted.status, read: read.status, precheck, refused };
}`;

describe('a browser-based POS on another origin', () => {
  let listed: { origin: string; server: Server };
  let unlisted: { origin: string; server: Server };
  let service: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    listed = await servePage();
    unlisted = await servePage();
    service = await startWebServer({ corsOrigins: [listed.origin] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
    listed?.server.close();
    unlisted?.server.close();
  });

  const pageAt = async (origin: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(origin);
    return page;
  };

  it('checks out from a page whose origin is listed in CORS_ORIGINS, and reads refusals and request ids', async () => {
    const page = await pageAt(listed.origin);
    const result = await page.evaluate(`(${CHECKOUT})(${JSON.stringify({ api: service.url, token: service.tokens.cashier })})`) as {
      inserted: number; read: number; precheck: { status: number; requestId: string | null; body: { decision: string; decisionId: string } };
      refused: { status: number; body: { error: { code: string } } };
    };
    expect(result).toMatchObject({ inserted: 200, read: 200, precheck: { status: 200, body: { decision: 'allow' } }, refused: { status: 403, body: { error: { code: 'FORBIDDEN_ROLE' } } } });
    expect(result.precheck.requestId).toMatch(/\S/);
    // The decision the page saw is the one in the trail.
    const stored = await service.request('GET', `/v1/audit/decisions/${result.precheck.body.decisionId}`, { role: 'auditor' });
    expect(stored.status).toBe(200);
    await page.close();
  });

  it('is refused by the browser from any other origin before the request is sent', async () => {
    await service.request('DELETE', '/v1/dev/terminal/card', { role: 'cashier' });
    const page = await pageAt(unlisted.origin);
    const before = (await service.request('GET', '/v1/audit/decisions?limit=1', { role: 'auditor' })).body.items[0]?.id;
    const error = await page.evaluate(`(${CHECKOUT})(${JSON.stringify({ api: service.url, token: service.tokens.cashier })}).then(() => 'answered', (e) => String(e))`);
    expect(error).toMatch(/TypeError: Failed to fetch/);
    // The preflight failed, so not even the card insertion reached the service.
    expect((await service.request('GET', '/health')).body.terminal.cardPresent).toBe(false);
    expect((await service.request('GET', '/v1/audit/decisions?limit=1', { role: 'auditor' })).body.items[0]?.id).toBe(before);
    await page.close();
  });
});
