import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostilePlatform, type HostilePlatform, type PlatformMode } from './hostile-platform.js';
import { readCard, startService, type ServiceProcess } from './service-process.js';

/**
 * The insurance platform slow, down and garbled, seen by the real service over loopback. Every
 * fault must come back as a PLATFORM_* system reason with insurance payment refused (fail
 * closed), never as "not insured" or a card problem, never as a 500 or a hang, and the
 * service must recover by itself when the platform does.
 */

const PLATFORM_CODES = ['PLATFORM_UNAVAILABLE', 'PLATFORM_ERROR'];
// Business outcomes that only a working platform may give.
const BUSINESS_CODES = ['NOT_INSURED', 'ACCOUNT_SUSPENDED', 'ACCOUNT_TERMINATED', 'ACCOUNT_BALANCE_LOW', 'CARD_NOT_ACTIVATED', 'CARD_REPORTED_LOST', 'CARD_CANCELLED'];
const TIMEOUT_MS = 800;
const BASKET = [{ lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' }];

type Codes = { code: string }[];
const codes = (list: Codes | undefined) => (list ?? []).map((r) => r.code);

async function precheck(service: ServiceProcess, cardSession: string) {
  return service.request('POST', '/v1/checkout/precheck', { role: 'cashier', body: { cardSession, cashierId: 'fault-suite', items: BASKET } });
}

/** Everything the service said in a precheck answer, top-level, per line and about the account. */
function allCodes(body: { reasons?: Codes; items?: { reasons?: Codes }[]; account?: { reasons?: Codes } | null }): string[] {
  return [...codes(body.reasons), ...(body.items ?? []).flatMap((i) => codes(i.reasons)), ...codes(body.account?.reasons)];
}

async function expectRecovered(service: ServiceProcess): Promise<void> {
  // A breaker may hold the circuit open for its cooldown: poll, bounded.
  const end = Date.now() + 20_000;
  let last: { status: number; text: string } | undefined;
  while (Date.now() < end) {
    const cardSession = await readCard(service);
    last = await service.request('POST', '/v1/account/check', { role: 'cashier', body: { cardSession } });
    if (last.status === 200 && last.text.includes('"eligible":true')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`service did not recover after the platform did: ${last?.status} ${last?.text}`);
}

describe('platform faults, breaker out of the way so every call reaches the wire', () => {
  let platform: HostilePlatform;
  let service: ServiceProcess;

  beforeAll(async () => {
    platform = await startHostilePlatform();
    service = await startService({
      env: {
        PLATFORM_URL: platform.url, PLATFORM_TIMEOUT_MS: String(TIMEOUT_MS), ACCOUNT_CACHE_SECONDS: '0',
        PLATFORM_RETRIES: '0', PLATFORM_BREAKER_FAILURES: '1000', RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
  });
  afterAll(async () => {
    await service?.cleanup();
    await platform?.close();
  });

  it('works end to end while the platform is healthy, insurance paying', async () => {
    const cardSession = await readCard(service);
    const res = await precheck(service, cardSession);
    expect(res.status).toBe(200);
    expect(res.body.totals.insuranceAmount).not.toBe('0.00');
  });

  const faults: PlatformMode[] = ['slow', 'reset', 'stall-body', 'http-502', 'garbage', 'truncated', 'wrong-shape', 'refusal', 'huge'];
  for (const mode of faults) {
    it(`platform ${mode}: system reason, insurance refused, no business verdict, then recovery`, async () => {
      platform.mode = 'ok';
      const cardSession = await readCard(service);
      platform.mode = mode;
      platform.delayMs = TIMEOUT_MS * 4;
      const before = platform.hits[mode] ?? 0;

      const account = await service.request('POST', '/v1/account/check', { role: 'cashier', body: { cardSession } });
      expect(account.status, account.text).toBe(503);
      expect(PLATFORM_CODES).toContain(account.body.error.code);

      const decision = await precheck(service, cardSession);
      expect([200, 503], decision.text).toContain(decision.status);
      if (decision.status === 200) {
        expect(decision.body.totals.insuranceAmount, decision.text).toBe('0.00');
        expect(allCodes(decision.body).some((c) => PLATFORM_CODES.includes(c)), decision.text).toBe(true);
        expect(allCodes(decision.body).filter((c) => BUSINESS_CODES.includes(c)), decision.text).toEqual([]);
      } else {
        expect(PLATFORM_CODES).toContain(decision.body.error.code);
      }

      // The back-office card state comes from the platform too: a read says so, without inventing a card problem.
      await service.request('POST', '/v1/dev/terminal/card', { role: 'cashier', body: { scenario: 'normal' } });
      const read = await service.request('POST', '/v1/card/read', { role: 'cashier' });
      expect(read.status, read.text).toBe(200);
      expect(codes(read.body.checks).some((c) => PLATFORM_CODES.includes(c)), read.text).toBe(true);
      expect(codes(read.body.checks).filter((c) => BUSINESS_CODES.includes(c)), read.text).toEqual([]);

      expect(platform.hits[mode]! - before, 'the fault reached the wire').toBeGreaterThan(0);
      expect((await service.request('GET', '/health')).status).toBe(200);
      platform.mode = 'ok';
      await expectRecovered(service);
    });
  }

  it('a slow platform that answers within the timeout is simply slow', async () => {
    platform.mode = 'ok';
    const cardSession = await readCard(service);
    platform.mode = 'slow';
    platform.delayMs = TIMEOUT_MS / 4;
    const account = await service.request('POST', '/v1/account/check', { role: 'cashier', body: { cardSession } });
    platform.mode = 'ok';
    expect(account.status, account.text).toBe(200);
    expect(account.body.eligible).toBe(true);
  });

  it('leaves no trace of a 500, an unexpected error or a full ID number in the log', () => {
    const log = service.output();
    expect(log).not.toMatch(/"statusCode":5(?!03)\d\d/);
    expect(log).not.toContain('unexpected error');
    expect(log).not.toMatch(/\b\d{17}[\dX]\b/);
  });
});

describe('platform down (connection refused), with the default breaker', () => {
  let platform: HostilePlatform;
  let service: ServiceProcess;

  beforeAll(async () => {
    platform = await startHostilePlatform();
    await platform.refuse();
    // The service must start and serve while the platform is unreachable.
    service = await startService({ env: { PLATFORM_URL: platform.url, PLATFORM_TIMEOUT_MS: String(TIMEOUT_MS), ACCOUNT_CACHE_SECONDS: '0', PLATFORM_BREAKER_COOLDOWN_MS: '1000' } });
  });
  afterAll(async () => {
    await service?.cleanup();
    await platform?.close();
  });

  it('starts degraded, answers PLATFORM_UNAVAILABLE throughout, and recovers without a restart', async () => {
    const health = await service.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.platform.ok).toBe(false);

    await service.request('POST', '/v1/dev/terminal/card', { role: 'cashier', body: { scenario: 'normal' } });
    const read = await service.request('POST', '/v1/card/read', { role: 'cashier' });
    expect(read.status, read.text).toBe(200);
    expect(codes(read.body.checks)).toContain('PLATFORM_UNAVAILABLE');
    const cardSession = read.body.cardSession as string;
    for (let i = 0; i < 10; i++) {
      const account = await service.request('POST', '/v1/account/check', { role: 'cashier', body: { cardSession } });
      expect(account.status, account.text).toBe(503);
      expect(account.body.error.code).toBe('PLATFORM_UNAVAILABLE');
      const decision = await precheck(service, cardSession);
      if (decision.status === 200) expect(decision.body.totals.insuranceAmount).toBe('0.00');
      else expect(decision.body.error.code, decision.text).toBe('PLATFORM_UNAVAILABLE');
    }

    await platform.accept();
    await expectRecovered(service);
  });
});
