import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

describe('rate limiting per token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimitPerMinute: 3 });
  });
  afterAll(async () => t.close());

  const search = (role: 'cashier' | 'auditor') => t.app.inject({ method: 'GET', url: '/v1/catalogue/search?q=%E9%98%BF', headers: t.auth(role) });

  it('answers 429 RATE_LIMITED once a token used up its minute, telling when to retry', async () => {
    for (let i = 0; i < 3; i++) expect((await search('cashier')).statusCode).toBe(200);
    const res = await search('cashier');
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json().error).toMatchObject({ code: 'RATE_LIMITED', message: { zh: expect.any(String), en: expect.any(String) }, detail: { limit: 3, retryAfterSeconds: expect.any(Number) } });
  });

  it('keeps counting other tokens separately', async () => {
    expect((await search('auditor')).statusCode).toBe(200);
  });

  it('does not let a caller without a valid token use up anyone\'s budget', async () => {
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ method: 'GET', url: '/v1/catalogue/search?q=x' })).statusCode).toBe(401);
    expect((await search('auditor')).statusCode).toBe(200);
  });
});
