import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('keeps the id a POS sends and returns it, also on answers cut short by authentication and on 404s', async () => {
    for (const [url, headers, status] of [
      ['/health', {}, 200],
      ['/v1/catalogue/search?q=x', {}, 401],
      ['/v1/audit/verify', t.auth('cashier'), 403],
      ['/nowhere', {}, 404],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url, headers: { ...headers, 'x-request-id': 'till-03:tx-0001.2' } });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['x-request-id'], url).toBe('till-03:tx-0001.2');
    }
  });

  it('makes its own id when none or an unsafe one is sent', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/health' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    for (const bad of ['a b', 'x'.repeat(65), '{"$gt":""}', 'line\\nbreak']) {
      const res = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id'], bad).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
