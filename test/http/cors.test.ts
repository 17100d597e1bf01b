import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const POS = 'https://pos.example.com';
const OTHER = 'https://elsewhere.example.com';
const preflight = (origin: string, method = 'POST', headers = 'authorization,content-type') => ({
  origin, 'access-control-request-method': method, 'access-control-request-headers': headers,
});

describe('CORS_ORIGINS', () => {
  it('takes a comma-separated list of origins, empty by default', () => {
    expect(loadConfig([], {}).corsOrigins).toEqual([]);
    expect(loadConfig([], { CORS_ORIGINS: ` ${POS}, http://10.0.0.5:8080 ,` }).corsOrigins).toEqual([POS, 'http://10.0.0.5:8080']);
    expect(loadConfig(['--cors-origins', POS], {}).corsOrigins).toEqual([POS]);
  });

  it.each([
    ['*', 'a wildcard'],
    [`${POS}/`, 'a trailing slash'],
    [`${POS}/till`, 'a path'],
    ['https://POS.example.com', 'upper case'],
    ['https://pos.example.com:443', 'the default port'],
    ['ftp://pos.example.com', 'another scheme'],
    ['pos.example.com', 'no scheme'],
  ])('refuses %s (%s) at start-up, naming the entry', (entry) => {
    expect(() => loadConfig([], { CORS_ORIGINS: `${POS},${entry}` })).toThrow(ConfigError);
    expect(() => loadConfig([], { CORS_ORIGINS: entry })).toThrow(`"${entry}" is not a web origin`);
  });
});

describe('cross-origin calls when no origin is listed (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers no CORS header, so browsers keep refusing other pages', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: POS } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('has no preflight route', async () => {
    const res = await t.app.inject({ method: 'OPTIONS', url: '/v1/checkout/precheck', headers: preflight(POS) });
    expect(res.statusCode).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('cross-origin calls from a listed POS origin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ corsOrigins: [POS] });
  });
  afterAll(() => t.close());

  it('answers a preflight without a token: the origin, the methods, the token and JSON headers, cached 10 minutes', async () => {
    const res = await t.app.inject({ method: 'OPTIONS', url: '/v1/checkout/precheck', headers: preflight(POS) });
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': POS,
      'access-control-allow-methods': 'GET, HEAD, POST, DELETE',
      'access-control-allow-headers': 'authorization, content-type, x-request-id',
      'access-control-max-age': '600',
    });
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(res.headers['vary'])).toMatch(/Origin/);
  });

  it('answers an OPTIONS that is not a preflight with an empty 204, never a body outside the error model', async () => {
    const res = await t.app.inject({ method: 'OPTIONS', url: '/v1/checkout/precheck' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives another origin nothing to go on', async () => {
    const res = await t.app.inject({ method: 'OPTIONS', url: '/v1/checkout/precheck', headers: preflight(OTHER) });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await t.app.inject({ method: 'GET', url: '/v1/catalogue/versions', headers: { origin: OTHER, ...t.auth('cashier') } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the page read an answer and the headers it needs (request id, rate limit)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/catalogue/versions', headers: { origin: POS, ...t.auth('auditor') } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(POS);
    const exposed = String(res.headers['access-control-expose-headers']).split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'retry-after', 'x-ratelimit-remaining', 'content-disposition']));
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('lets the page read why it was refused (401, 403) and refuses it as before', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/v1/card/read', headers: { origin: POS } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['access-control-allow-origin']).toBe(POS);
    expect(none.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
    const wrongRole = await t.app.inject({ method: 'GET', url: '/v1/audit/decisions', headers: { origin: POS, ...t.auth('cashier') } });
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.headers['access-control-allow-origin']).toBe(POS);
  });
});
