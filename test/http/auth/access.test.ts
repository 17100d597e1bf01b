import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../src/http/auth/tokens.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { concreteUrl, PUBLIC_ROUTES } from '../route-table.js';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Walks the route table as registered, so a route added tomorrow is checked without editing this file. */
describe('every route checks its role', () => {
  let t: TestApp;
  let revoked: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.ready();
    const { token, info } = t.app.services.tokens.create('till-9', 'cashier');
    t.app.services.tokens.revoke(info.id);
    revoked = token;
  });
  afterAll(async () => t.close());

  const protectedRoutes = () => t.app.routeAccess.filter((r) => r.roles.length > 0);
  const call = (method: string, url: string, headers: Record<string, string> = {}) => t.app.inject({ method: method as Method, url: concreteUrl(url), headers });

  it('says when a token was refused only because it expired, and nothing more for a revoked or unknown one', async () => {
    const expiredAt = '2026-01-31T16:00:00.000Z';
    const { token } = t.app.services.tokens.create('temp-till', 'cashier', expiredAt);
    const expired = await call('POST', '/v1/card/read', { authorization: `Bearer ${token}` });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toMatchObject({ code: 'AUTH_REQUIRED', detail: { expiredAt, variant: 'expired' }, message: { en: 'The access token has expired' } });
    for (const other of [revoked, 'cg_cashier_000000000000_notarealtoken']) {
      const res = await call('POST', '/v1/card/read', { authorization: `Bearer ${other}` });
      expect(res.json().error).toMatchObject({ code: 'AUTH_REQUIRED', message: { en: 'Missing or invalid access token' } });
      expect(res.json().error.detail).toBeUndefined();
    }
  });

  it('has protected routes to check (the table is not empty)', () => {
    expect(protectedRoutes().length).toBeGreaterThan(8);
  });

  it('answers 401 AUTH_REQUIRED without a token, with a malformed header, an unknown or a revoked token', async () => {
    const failures: string[] = [];
    for (const r of protectedRoutes()) {
      for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer cg_cashier_000000000000_notarealtoken', `Bearer ${revoked}`]) {
        const res = await call(r.method, r.url, authorization ? { authorization } : {});
        const code = r.method === 'HEAD' ? 'AUTH_REQUIRED' : res.json().error?.code;
        if (res.statusCode !== 401 || code !== 'AUTH_REQUIRED') failures.push(`${r.method} ${r.url} [${authorization ?? 'none'}]: ${res.statusCode} ${code}`);
        if (res.statusCode === 401 && !res.headers['www-authenticate']) failures.push(`${r.method} ${r.url}: 401 without www-authenticate`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 FORBIDDEN_ROLE to every role the route does not allow', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const r of protectedRoutes()) {
      for (const role of ROLES.filter((x: Role) => !r.roles.includes(x))) {
        checked++;
        const res = await call(r.method, r.url, t.auth(role));
        const code = r.method === 'HEAD' ? 'FORBIDDEN_ROLE' : res.json().error?.code;
        if (res.statusCode !== 403 || code !== 'FORBIDDEN_ROLE') failures.push(`${r.method} ${r.url} as ${role}: ${res.statusCode} ${code}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('lets an allowed role past authentication (whatever the route then says about the request)', async () => {
    const failures: string[] = [];
    for (const r of protectedRoutes()) {
      const res = await call(r.method, r.url, t.auth(r.roles[0]!));
      if (res.statusCode === 401 || res.statusCode === 403) failures.push(`${r.method} ${r.url} as ${r.roles[0]}: ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('opens only the known public routes without a token', async () => {
    const open = t.app.routeAccess.filter((r) => r.roles.length === 0);
    expect(open.filter((r) => !PUBLIC_ROUTES.some((p) => p.test(r.url))).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    for (const url of ['/health', '/ready', '/metrics', '/openapi.json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });
});
