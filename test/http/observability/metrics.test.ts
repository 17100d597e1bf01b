import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScenario, startTestApp, type TestApp } from '../../helpers/app.js';

/** One sample value from the Prometheus text: `name{labels} value`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

describe('Prometheus metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const metrics = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    return res.body;
  };
  const precheck = async (scenario: string, items: object[]) => {
    const { cardSession } = await readScenario(t, scenario);
    return (await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload: { cardSession, cashierId: 'c1', items } })).json() as { decision: string };
  };

  it('counts prechecks by decision, and by decision and each reason they gave', async () => {
    expect((await precheck('normal', [{ lineId: '1', barcode: '6901234567892', quantity: 1, unitPrice: '12.50' }])).decision).toBe('allow');
    expect((await precheck('normal', [{ lineId: '1', code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' }, { lineId: '2', code: 'XZ99ZZZ999Z999999999998', quantity: 1, unitPrice: '1.00' }])).decision).toBe('partial');
    expect((await precheck('suspended', [{ lineId: '1', localCode: 'L0001', quantity: 1, unitPrice: '12.50' }])).decision).toBe('block');
    const text = await metrics();
    expect(sample(text, 'checkout_guard_prechecks_total', { decision: 'allow' })).toBe(1);
    expect(sample(text, 'checkout_guard_prechecks_total', { decision: 'partial' })).toBe(1);
    expect(sample(text, 'checkout_guard_prechecks_total', { decision: 'block' })).toBe(1);
    // Two unknown lines in one precheck count that reason once.
    expect(sample(text, 'checkout_guard_precheck_reasons_total', { decision: 'partial', reason: 'ITEM_NOT_IN_CATALOGUE' })).toBe(1);
    expect(sample(text, 'checkout_guard_precheck_reasons_total', { decision: 'block', reason: 'ACCOUNT_SUSPENDED' })).toBe(1);
  });

  it('times terminal operations, platform transactions and HTTP requests by route pattern', async () => {
    const text = await metrics();
    expect(sample(text, 'checkout_guard_platform_seconds_count', { transaction: '1101', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'checkout_guard_terminal_seconds_count', { operation: 'read', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'checkout_guard_http_request_seconds_count', { route: '/v1/checkout/precheck', method: 'POST', status: '200' })).toBe(3);
    expect(text).toContain('checkout_guard_process_cpu_seconds_total');
  });

  it('labels an unknown path as unmatched, never by its raw URL', async () => {
    await t.app.inject({ method: 'GET', url: '/no/such/path/X00000019' });
    const text = await metrics();
    expect(sample(text, 'checkout_guard_http_request_seconds_count', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('X00000019');
  });
});
