import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCard, startService, type ServiceProcess } from './service-process.js';

/**
 * The counter terminal failing under the real service, through the mock terminal's byte-level
 * fault injection (POST /v1/dev/terminal/fault): unplugged and re-plugged mid-read, going
 * quiet, card pulled mid-read, garbled, truncated and slow answers, PSAM removed. Every fault
 * is a TERMINAL_* / PSAM_MISSING / card-unreadable answer within the configured timeout, never
 * a usable card, a 500 or a hang; the next read after the fault clears works without a restart.
 */

const TERMINAL_TIMEOUT_MS = 600;
const DEVICE_CODES = ['TERMINAL_UNAVAILABLE', 'TERMINAL_TIMEOUT', 'PSAM_MISSING'];

type Answer = { status: number; body: any; text: string };
const checkCodes = (res: Answer): string[] => (res.body?.checks ?? []).map((c: { code: string }) => c.code);

describe('terminal faults under the running service', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startService({ env: { TERMINAL_TIMEOUT_MS: String(TERMINAL_TIMEOUT_MS), RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(async () => service?.cleanup());
  // One failed case must not leave its fault behind for the next.
  afterEach(async () => {
    await service.request('DELETE', '/v1/dev/terminal/fault', { role: 'cashier' });
  });

  const fault = async (body: Record<string, unknown>) => {
    const res = await service.request('POST', '/v1/dev/terminal/fault', { role: 'cashier', body });
    expect(res.status, `inject ${JSON.stringify(body)}: ${res.text}`).toBe(200);
  };
  const clear = async () => expect((await service.request('DELETE', '/v1/dev/terminal/fault', { role: 'cashier' })).status).toBe(200);
  const insert = async (scenario = 'normal') => expect((await service.request('POST', '/v1/dev/terminal/card', { role: 'cashier', body: { scenario } })).status).toBe(200);
  const read = () => service.request('POST', '/v1/card/read', { role: 'cashier' });

  /** A failed read: a device reason as 503, or a 200 whose card is not usable for a device or card-read reason. */
  function expectFailedRead(res: Answer, allowed: string[]): void {
    if (res.status === 503) {
      expect(allowed, res.text).toContain(res.body.error.code);
      return;
    }
    expect(res.status, res.text).toBe(200);
    expect(res.body.usable, res.text).toBe(false);
    expect(checkCodes(res).some((c) => allowed.includes(c)), res.text).toBe(true);
  }

  let cleanCard: unknown;
  /** Reads work again without a restart: at once, or once answers a slow device still owes have drained (bounded). */
  async function expectHealthyRead(): Promise<void> {
    const end = Date.now() + 10_000;
    let res: Answer;
    do {
      await insert();
      res = await read();
      if (res.status === 200 && res.body.usable) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < end);
    expect(res.status, res.text).toBe(200);
    expect(res.body.usable, res.text).toBe(true);
    expect(res.body.card).toEqual(cleanCard);
  }

  it('a normal read works before any fault', async () => {
    await insert();
    const res = await read();
    expect(res.status, res.text).toBe(200);
    expect(res.body.usable, res.text).toBe(true);
    cleanCard = res.body.card;
  });

  for (const after of [0, 2, 5]) {
    it(`unplugged after ${after} exchanges mid-read: TERMINAL_UNAVAILABLE, then re-plugged: reads again, same process`, async () => {
      await insert();
      await fault({ kind: 'unplug', after });
      expectFailedRead(await read(), ['TERMINAL_UNAVAILABLE', 'TERMINAL_TIMEOUT']);
      // Still unplugged: still a clear answer, not a hang on a dead handle.
      expectFailedRead(await read(), ['TERMINAL_UNAVAILABLE', 'TERMINAL_TIMEOUT']);
      const health = await service.request('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body.terminal.ok).toBe(false);
      await fault({ kind: 'replug' });
      await expectHealthyRead();
      expect(service.alive()).toBe(true);
    });
  }

  it('a terminal that goes quiet answers TERMINAL_TIMEOUT or TERMINAL_UNAVAILABLE within the timeout', async () => {
    await insert();
    await fault({ kind: 'unplug', after: 1, silent: true });
    const res = await service.request('POST', '/v1/card/read', { role: 'cashier', timeoutMs: TERMINAL_TIMEOUT_MS * 10 });
    expectFailedRead(res, ['TERMINAL_TIMEOUT', 'TERMINAL_UNAVAILABLE']);
    await fault({ kind: 'replug' });
    await expectHealthyRead();
  });

  it('a card pulled mid-read gives no usable card, and the next card reads', async () => {
    await insert();
    await fault({ kind: 'pull-card', after: 2 });
    const res = await read();
    if (res.status === 200) expect(res.body.usable, res.text).toBe(false);
    else expect(DEVICE_CODES, res.text).toContain(res.body.error.code);
    await clear();
    await expectHealthyRead();
  });

  for (const kind of ['garble', 'truncate'] as const) {
    it(`${kind}d answers from the terminal are a coded failure, and the link recovers`, async () => {
      await insert();
      await fault({ kind, count: 3 });
      const res = await read();
      // The link may recover by retrying; what it must never do is hand over wrong card data.
      if (res.status === 200 && res.body.usable) expect(res.body.card, res.text).toEqual(cleanCard);
      else if (res.status !== 200) expect(DEVICE_CODES, res.text).toContain(res.body.error.code);
      await clear();
      await expectHealthyRead();
    });
  }

  it('answers slower than the timeout are TERMINAL_TIMEOUT, not a hang', async () => {
    await insert();
    await fault({ kind: 'slow', delayMs: TERMINAL_TIMEOUT_MS * 5, count: 2 });
    const res = await service.request('POST', '/v1/card/read', { role: 'cashier', timeoutMs: TERMINAL_TIMEOUT_MS * 10 });
    expectFailedRead(res, ['TERMINAL_TIMEOUT', 'TERMINAL_UNAVAILABLE']);
    await clear();
    await expectHealthyRead();
  });

  it('no PSAM: PSAM_MISSING, and a read works once it is back', async () => {
    await insert();
    await fault({ kind: 'remove-psam' });
    expectFailedRead(await read(), ['PSAM_MISSING']);
    await fault({ kind: 'insert-psam' });
    await expectHealthyRead();
  });

  it('unplugged while ten reads are in flight: every one answers, none hangs', async () => {
    await insert();
    await fault({ kind: 'unplug', after: 3 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => service.request('POST', '/v1/card/read', { role: 'cashier', timeoutMs: TERMINAL_TIMEOUT_MS * 20 })));
    for (const res of answers) expect([200, 503], res.text).toContain(res.status);
    await fault({ kind: 'replug' });
    await expectHealthyRead();
  });

  it('a PIN prompt on an unplugged terminal is a device fault, not a wrong PIN', async () => {
    const cardSession = await readCard(service);
    await fault({ kind: 'unplug' });
    const res = await service.request('POST', '/v1/card/verify-pin', { role: 'cashier', body: { cardSession } });
    await fault({ kind: 'replug' });
    expect(res.status, res.text).toBe(503);
    expect(DEVICE_CODES).toContain(res.body.error.code);
  });

  it('ran in one process throughout, and logged no 500', () => {
    expect(service.alive()).toBe(true);
    expect(service.output()).not.toMatch(/"statusCode":500/);
    expect(service.output()).not.toContain('unexpected error');
  });
});
