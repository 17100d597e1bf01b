import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';

/**
 * Every contract scenario through the HTTP API and the byte-level mock terminal: what the
 * cashier sees, and the remedy the cardholder needs.
 */
type Reason = { code: string; severity: string; remedy?: { zh: string; en: string }; detail?: Record<string, unknown> };
type ReadBody = { cardSession: string | null; card: Record<string, string> | null; checks: Reason[]; usable: boolean };

describe('card scenarios through POST /v1/card/read and the PIN endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const read = async (scenario: string) => (await readScenario(t, scenario)).body as unknown as ReadBody;
  const post = (url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: t.auth('cashier'), ...(payload ? { payload } : {}) });
  const pin = async (action: 'verify-pin' | 'change-pin', cardSession: string) => {
    const res = await post(`/v1/card/${action}`, { cardSession });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { ok: boolean; reasons: Reason[] };
  };
  const account = async (cardSession: string) => (await post('/v1/account/check', { cardSession })).json() as { eligible: boolean; reasons: Reason[] };
  const codes = (rs: Reason[]) => rs.map((r) => r.code);

  it('normal: usable, masked, the PIN verifies', async () => {
    const body = await read('normal');
    expect(body).toMatchObject({ usable: true, checks: [], card: { cardNumber: 'X0000****', idNumber: '3303**********0192', name: '孙*', specVersion: '3.00', expiryDate: '2033-01-01' } });
    expect(await pin('verify-pin', body.cardSession!)).toEqual({ ok: true, reasons: [] });
  });

  it('retired: usable like normal, the account says person type 21 (retired), which the class-B share follows', async () => {
    const body = await read('retired');
    expect(body).toMatchObject({ usable: true, checks: [], card: { idNumber: '3303**********0325', name: '钱*' } });
    expect(await pin('verify-pin', body.cardSession!)).toEqual({ ok: true, reasons: [] });
    expect(await account(body.cardSession!)).toMatchObject({ eligible: true, personType: '21', reasons: [] });
  });

  it('not-activated: activate at the card-issuing bank (a back-office state from the platform)', async () => {
    const body = await read('not-activated');
    expect(body.usable).toBe(false);
    expect(codes(body.checks)).toEqual(['CARD_NOT_ACTIVATED']);
    expect(body.checks[0]!.remedy!.en).toMatch(/branch counter of the card-issuing bank/);
    expect(body.checks[0]!.remedy!.zh).toMatch(/制卡银行/);
  });

  it('expired: replace at the social security department (from the chip\'s EF05 tag 06)', async () => {
    const body = await read('expired');
    expect(body.usable).toBe(false);
    expect(body.checks).toMatchObject([{ code: 'CARD_EXPIRED', detail: { expiryDate: '2023-01-01' } }]);
    expect(body.checks[0]!.remedy!.en).toMatch(/Replace the card at the local social security department/);
  });

  it('damaged: no card session, replace or reissue at the social security department', async () => {
    const body = await read('damaged');
    expect(body).toMatchObject({ cardSession: null, card: null, usable: false });
    expect(body.checks).toMatchObject([{ code: 'CARD_UNREADABLE', detail: { readerError: -4 } }]);
    expect(body.checks[0]!.remedy!.en).toMatch(/replace or reissue the card at the local social security department/);
  });

  it('not-genuine: internal authentication through the PSAM fails, nothing of the card is trusted', async () => {
    const body = await read('not-genuine');
    expect(body).toMatchObject({ cardSession: null, card: null, usable: false });
    expect(body.checks).toMatchObject([{ code: 'CARD_NOT_GENUINE', detail: { readerError: -21 } }]);
    expect(body.checks[0]!.remedy!.en).toMatch(/social security department/);
  });

  it('reported-lost and cancelled: back-office states, replace at the social security department', async () => {
    const lost = await read('reported-lost');
    expect(lost.usable).toBe(false);
    expect(codes(lost.checks)).toEqual(['CARD_REPORTED_LOST']);
    expect(lost.checks[0]!.remedy!.en).toMatch(/social security department/);
    const cancelled = await read('cancelled');
    expect(cancelled.usable).toBe(false);
    expect(codes(cancelled.checks)).toEqual(['CARD_CANCELLED']);
    expect(cancelled.checks[0]!.remedy!.en).toMatch(/social security department.*new card/);
  });

  it('initial-pin: the keypad PIN is refused as initial (-35), changed here, then accepted', async () => {
    const body = await read('initial-pin');
    expect(body.usable).toBe(true);
    const first = await pin('verify-pin', body.cardSession!);
    expect(first).toMatchObject({ ok: false, reasons: [{ code: 'PIN_INITIAL', detail: { readerError: -35 } }] });
    expect(first.reasons[0]!.remedy!.en).toMatch(/Change the PIN on this terminal's keypad/);
    expect(first.reasons[0]!.remedy!.zh).toMatch(/本店终端键盘上修改密码/);
    // Until the PIN is changed the card holds the checkout back.
    const blocked = await post('/v1/checkout/precheck', { cardSession: body.cardSession, cashierId: 'c1', items: [{ lineId: '1', localCode: 'L0001', quantity: 1, unitPrice: '12.50' }] });
    expect(blocked.json().decision).toBe('block');
    expect(codes(blocked.json().reasons)).toContain('PIN_INITIAL');
    expect(await pin('change-pin', body.cardSession!)).toEqual({ ok: true, reasons: [] });
    expect(await pin('verify-pin', body.cardSession!)).toEqual({ ok: true, reasons: [] });
  });

  it('pin-locked: known at read time (VERIFY without data), unlock at the social security department or bank', async () => {
    const body = await read('pin-locked');
    expect(body.usable).toBe(false);
    expect(body.checks).toMatchObject([{ code: 'PIN_LOCKED', detail: { readerError: -52, triesLeft: 0 } }]);
    expect(body.checks[0]!.remedy!.en).toMatch(/Unlock the PIN at the local social security department/);
    expect(await pin('verify-pin', body.cardSession!)).toMatchObject({ ok: false, reasons: [{ code: 'PIN_LOCKED' }] });
  });

  it('a wrong PIN tells the tries left', async () => {
    const body = await read('normal');
    const typed = await post('/v1/dev/terminal/keypad', { entries: ['135790'] });
    expect(typed.statusCode, typed.body).toBe(200);
    const wrong = await pin('verify-pin', body.cardSession!);
    expect(wrong).toMatchObject({ ok: false, reasons: [{ code: 'PIN_WRONG', detail: { readerError: -51, triesLeft: 2 } }] });
    expect(await pin('verify-pin', body.cardSession!)).toEqual({ ok: true, reasons: [] });
  });

  for (const [scenario, code, remedy] of [
    ['suspended', 'ACCOUNT_SUSPENDED', /12333/],
    ['terminated', 'ACCOUNT_TERMINATED', /12333/],
    ['not-insured', 'NOT_INSURED', /12333/],
  ] as const) {
    it(`${scenario}: the card reads fine, the account check says ${code}`, async () => {
      const body = await read(scenario);
      expect(body.usable).toBe(true);
      expect(body.checks).toEqual([]);
      const a = await account(body.cardSession!);
      expect(codes(a.reasons)).toContain(code);
      expect(a.reasons.find((r) => r.code === code)!.remedy!.en).toMatch(remedy);
    });
  }

  it('low-balance: the card reads fine; the basket shows the balance is short and the customer pays the rest', async () => {
    const body = await read('low-balance');
    expect(body).toMatchObject({ usable: true, checks: [] });
    expect((await post('/v1/account/check', { cardSession: body.cardSession })).json()).toMatchObject({ eligible: true, balance: '3.50' });
    const res = await post('/v1/checkout/precheck', { cardSession: body.cardSession, cashierId: 'c1', items: [{ lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' }] });
    const all = [...res.json().reasons, ...res.json().items.flatMap((i: { reasons: Reason[] }) => i.reasons)] as Reason[];
    expect(all.find((r) => r.code === 'ACCOUNT_BALANCE_LOW')?.remedy?.en).toMatch(/Collect the difference/);
  });
});

describe('the terminal unplugged and plugged back in, through HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ terminalTimeoutMs: 400 });
  });
  afterAll(async () => t.close());
  const post = (url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: t.auth('cashier'), ...(payload ? { payload } : {}) });

  it('TERMINAL_UNAVAILABLE (503) during the read, /health degraded, then the next read works without restart', async () => {
    await post('/v1/dev/terminal/card', { scenario: 'normal' });
    expect((await post('/v1/dev/terminal/fault', { kind: 'unplug', after: 6 })).json()).toEqual({ faults: [{ kind: 'unplug', after: 6, count: 1 }] });
    const res = await post('/v1/card/read');
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'TERMINAL_UNAVAILABLE', detail: { readerError: -11 } });
    expect(res.json().error.remedy.en).toMatch(/not the customer's problem/);
    const health = (await t.app.inject({ method: 'GET', url: '/health' })).json();
    expect(health.terminal).toMatchObject({ ok: false, kind: 'mock' });
    expect((await post('/v1/dev/terminal/fault', { kind: 'replug' })).statusCode).toBe(200);
    const again = await post('/v1/card/read');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ usable: true, card: { cardNumber: 'X0000****' } });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json().terminal).toMatchObject({ ok: true });
  });

  it('a slow terminal is TERMINAL_TIMEOUT (503); DELETE /v1/dev/terminal/fault clears it', async () => {
    await post('/v1/dev/terminal/fault', { kind: 'slow', delayMs: 1500, after: 2 });
    const res = await post('/v1/card/read');
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('TERMINAL_TIMEOUT');
    const cleared = await t.app.inject({ method: 'DELETE', url: '/v1/dev/terminal/fault', headers: t.auth('cashier') });
    expect(cleared.json()).toEqual({ faults: [] });
    await new Promise((r) => setTimeout(r, 1600));
    expect((await post('/v1/card/read')).statusCode).toBe(200);
  });

  it('refuses malformed dev requests with 400 naming the field', async () => {
    const bad = await post('/v1/dev/terminal/fault', { kind: 'explode' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'INVALID_REQUEST', detail: { field: 'body/kind' } });
    const keys = await post('/v1/dev/terminal/keypad', { entries: ['12'] });
    expect(keys.statusCode).toBe(400);
  });
});
