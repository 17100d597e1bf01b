import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, startWebServer, type WebServer } from './harness.js';

/**
 * The page is only a client: the audit API itself must refuse every caller but an auditor.
 * The shell of the page is public (a browser cannot send a bearer token when it navigates)
 * and so carries no data at all.
 */
describe('who may see the audit trail', () => {
  let server: WebServer;
  let someId: string;

  beforeAll(async () => {
    server = await startWebServer();
    await seedDemo(server, 6);
    someId = (await server.request('GET', '/v1/audit/decisions?limit=1', { role: 'auditor' })).body.items[0].id;
  });
  afterAll(async () => server?.close());

  const endpoints = (): { method: string; url: string; body?: unknown }[] => [
    { method: 'GET', url: '/v1/audit/decisions' },
    { method: 'GET', url: `/v1/audit/decisions/${someId}` },
    { method: 'GET', url: '/v1/audit/export?format=csv' },
    { method: 'GET', url: '/v1/audit/export?format=jsonl' },
    { method: 'GET', url: '/v1/audit/verify' },
    { method: 'GET', url: '/v1/audit/stats/rejects' },
    { method: 'GET', url: '/v1/audit/checkpoint' },
    { method: 'POST', url: '/v1/audit/person-hash', body: { idNumber: '330302198508150192' } },
  ];

  it('covers every audit route the service has', () => {
    const routes = new Set(server.app.routeAccess.filter((r) => r.url.startsWith('/v1/audit') && r.method !== 'HEAD').map((r) => `${r.method} ${r.url.replace(':id', 'ID')}`));
    const listed = new Set(endpoints().map((e) => `${e.method} ${e.url.split('?')[0]!.replace(someId, 'ID')}`));
    expect([...routes].sort()).toEqual([...listed].sort());
  });

  it.each(['cashier', 'admin'] as const)('refuses a %s token on every audit endpoint with 403 FORBIDDEN_ROLE', async (role) => {
    for (const e of endpoints()) {
      const res = await server.request(e.method, e.url, { role, body: e.body });
      expect(res.status, `${e.method} ${e.url}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN_ROLE');
      expect(res.text).not.toContain(someId);
    }
  });

  it('refuses no token and an unknown token with 401', async () => {
    for (const e of endpoints()) {
      expect((await server.request(e.method, e.url, { body: e.body })).status, e.url).toBe(401);
      const forged = await fetch(server.url + e.url, { method: e.method, headers: { authorization: 'Bearer forged', 'content-type': 'application/json' }, ...(e.body ? { body: JSON.stringify(e.body) } : {}) });
      expect(forged.status, e.url).toBe(401);
    }
  });

  it('answers an auditor on every audit endpoint', async () => {
    for (const e of endpoints()) expect((await server.request(e.method, e.url, { role: 'auditor', body: e.body })).status, e.url).toBe(200);
  });

  it('serves the page shell without data, locked down by its headers', async () => {
    const shell = await server.request('GET', '/audit/');
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(shell.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(shell.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(shell.headers.get('x-content-type-options')).toBe('nosniff');
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    expect(shell.text).not.toContain(someId);
    expect(shell.text).not.toContain(server.tokens.auditor);
    const redirect = await fetch(`${server.url}/audit`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/audit/');
  });

  it('serves content-hashed assets for ever, compressed, and answers a repeat with 304', async () => {
    const shell = await server.request('GET', '/audit/');
    const assets = [...shell.text.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.map((a) => a.split('.').pop()).sort()).toEqual(['css', 'js']);
    for (const asset of assets) {
      const res = await fetch(`${server.url}/audit/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding')).toBe('gzip');
      const again = await fetch(`${server.url}/audit/${asset}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    expect((await server.request('GET', '/audit/assets/main-NOPE.js')).status).toBe(404);
    expect((await server.request('GET', '/audit/assets/..%2F..%2Fpackage.json')).status).toBe(400);
  });
});
