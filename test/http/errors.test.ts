import { connect } from 'node:net';
import Fastify from 'fastify';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorHandler, frameworkErrors, installErrorHandling } from '../../src/http/errors.js';
import { ErrorSchema } from '../../src/http/schemas.js';
import { ServiceFault } from '../../src/reasons.js';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';

/** Nothing in an error body may reveal how the service is built. */
function expectContractError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/json');
  const body = JSON.parse(res.body) as unknown;
  expect(Value.Check(ErrorSchema, body), res.body).toBe(true);
  expect((body as { error: { code: string } }).error.code).toBe(code);
  expect(res.body).not.toMatch(/node_modules|\.ts:\d|\.js:\d|\bat [A-Za-z.<>]+ \(|FST_|fastify|ajv|Error:/i);
  return (body as { error: { detail?: Record<string, unknown> } }).error;
}

describe('the error model on the real service', () => {
  let t: TestApp;
  let cardSession: string;
  beforeAll(async () => {
    t = await startTestApp();
    ({ cardSession } = await readScenario(t, 'normal'));
  });
  afterAll(async () => t.close());

  const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { ...t.auth('cashier'), 'content-type': 'application/json', ...headers }, payload });

  it('answers an unknown path, or a known path with another method, 404 NOT_FOUND', async () => {
    expectContractError(await t.app.inject({ method: 'GET', url: '/v1/nothing-here?q=1' }), 404, 'NOT_FOUND');
    expectContractError(await t.app.inject({ method: 'GET', url: '/v1/checkout/precheck', headers: t.auth('cashier') }), 404, 'NOT_FOUND');
    const long = expectContractError(await t.app.inject({ method: 'GET', url: `/${'a'.repeat(5000)}` }), 404, 'NOT_FOUND');
    expect(String(long.detail?.['url']).length).toBeLessThanOrEqual(200);
  });

  it('names the field of a schema violation: missing, extra, wrong type, in body, query and params', async () => {
    expect(expectContractError(await post('/v1/account/check', {}), 400, 'INVALID_REQUEST').detail).toMatchObject({ field: 'body/cardSession' });
    expect(expectContractError(await post('/v1/account/check', { cardSession, extra: 1 }), 400, 'INVALID_REQUEST').detail).toMatchObject({ field: 'body/extra' });
    expect(expectContractError(await post('/v1/account/check', { cardSession: 42 }), 400, 'INVALID_REQUEST').detail).toMatchObject({ field: 'body/cardSession' });
    expect(expectContractError(await post('/v1/account/check', []), 400, 'INVALID_REQUEST').detail).toMatchObject({ field: 'body' });
    const query = await t.app.inject({ method: 'GET', url: '/v1/catalogue/search', headers: t.auth('cashier') });
    expect(expectContractError(query, 400, 'INVALID_REQUEST').detail).toMatchObject({ field: 'querystring/q' });
  });

  it('answers broken, empty, poisoned and oversized JSON, and other content types, without internals', async () => {
    expectContractError(await post('/v1/account/check', '{"cardSession":'), 400, 'INVALID_REQUEST');
    expectContractError(await post('/v1/account/check', ''), 400, 'INVALID_REQUEST');
    expectContractError(await post('/v1/account/check', '{"cardSession":"x","__proto__":{"admin":true}}'), 400, 'INVALID_REQUEST');
    expectContractError(await post('/v1/account/check', '{"cardSession":"x","constructor":{"prototype":{"admin":true}}}'), 400, 'INVALID_REQUEST');
    const big = expectContractError(await post('/v1/account/check', { cardSession, pad: 'x'.repeat(300 * 1024) }), 413, 'INVALID_REQUEST');
    expect(big.detail).toMatchObject({ problem: 'request body too large' });
    expectContractError(await post('/v1/account/check', 'cardSession=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'INVALID_REQUEST');
  });

  it('answers a malformed URL or an oversized path parameter 400 before routing', async () => {
    expectContractError(await t.app.inject({ method: 'GET', url: '/v1/audit/decisions/%E0%A4%A', headers: t.auth('auditor') }), 400, 'INVALID_REQUEST');
    expectContractError(await t.app.inject({ method: 'GET', url: `/v1/audit/decisions/${'a'.repeat(300)}`, headers: t.auth('auditor') }), 400, 'INVALID_REQUEST');
  });

  it('answers an unknown card session 404 and leaves the audit trail alone', async () => {
    const before = t.app.services.audit.count();
    expectContractError(await post('/v1/account/check', { cardSession: 'no-such-session' }), 404, 'INVALID_REQUEST');
    expect(t.app.services.audit.count()).toBe(before);
  });
});

describe('the error handler on its own', () => {
  const logged: string[] = [];
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } }, frameworkErrors });
  beforeAll(async () => {
    installErrorHandling(app);
    app.get('/boom', async () => {
      throw new TypeError('secret internal detail at /srv/app/x.js');
    });
    app.get('/throws-string', async () => {
      throw 'a bare string';
    });
    app.get('/teapot', async () => {
      throw Object.assign(new Error('I am a teapot: leaking /etc/passwd'), { statusCode: 418 });
    });
    app.get('/fault', async () => {
      throw new ServiceFault('PLATFORM_UNAVAILABLE', { infno: '1101', message: 'timeout' });
    });
    app.get('/invalid', async () => {
      throw new ServiceFault('INVALID_REQUEST', { field: 'body/x', problem: 'bad' });
    });
    await app.ready();
  });
  afterAll(async () => app.close());

  it('answers an unexpected error 500 INTERNAL_ERROR with the request id only, and logs the real error', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    const error = expectContractError(res, 500, 'INTERNAL_ERROR');
    expect(error.detail).toEqual({ requestId: expect.any(String) });
    expect(res.body).not.toContain('secret');
    expect(logged.join('')).toContain('secret internal detail');
    expectContractError(await app.inject({ method: 'GET', url: '/throws-string' }), 500, 'INTERNAL_ERROR');
  });

  it('keeps the status of an unusual 4xx but not its message', async () => {
    const res = await app.inject({ method: 'GET', url: '/teapot' });
    expectContractError(res, 418, 'INVALID_REQUEST');
    expect(res.body).not.toContain('passwd');
  });

  it('answers device and platform faults 503 with their system reason, and request faults 400', async () => {
    expect(expectContractError(await app.inject({ method: 'GET', url: '/fault' }), 503, 'PLATFORM_UNAVAILABLE').detail).toEqual({ infno: '1101', message: 'timeout' });
    expectContractError(await app.inject({ method: 'GET', url: '/invalid' }), 400, 'INVALID_REQUEST');
  });
});

describe('requests the HTTP parser rejects', () => {
  const app = Fastify({ clientErrorHandler, http: { maxHeaderSize: 1024 } });
  let port: number;
  beforeAll(async () => {
    app.get('/x', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => app.close());

  const raw = (request: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });

  it('answers oversized headers 431 and garbage 400, in the contract\'s shape', async () => {
    const big = await raw(`GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)).error.code).toBe('INVALID_REQUEST');
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)).error.detail.problem).toBe('malformed HTTP request');
  });
});
