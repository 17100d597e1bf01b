import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';

/**
 * A PIN entry the keypad ends before the card is asked (cancel, the cardholder walking away, a PIN
 * of the wrong length, two different new PINs, a default new PIN) through HTTP and the byte-level
 * emulator: its own reason, audited, never PIN_WRONG, no try spent, and no digit typed stored or logged.
 */
type Reason = { code: string; severity: string; message: { en: string }; remedy: { zh: string; en: string }; detail: Record<string, unknown> };

describe('PIN entries the keypad ends without asking the card', () => {
  let t: TestApp;
  const logLines: string[] = [];
  beforeAll(async () => {
    const logStream = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
    t = await startTestApp({ logLevel: 'trace' }, { logStream });
  });
  afterAll(async () => t.close());

  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: t.auth('cashier'), payload });
  const typed = new Set(['246810']);

  it.each([
    ['verify-pin', ['cancel'], 'PIN_CANCELLED', 'cancelled', -31],
    ['verify-pin', ['timeout'], 'PIN_CANCELLED', 'timeout', -32],
    ['verify-pin', ['0713'], 'PIN_ENTRY_INVALID', 'wrong-length', -33],
    ['verify-pin', ['07135799'], 'PIN_ENTRY_INVALID', 'wrong-length', -33],
    ['change-pin', ['246810', 'cancel'], 'PIN_CANCELLED', 'cancelled', -31],
    ['change-pin', ['246810', '135790', '135799'], 'PIN_ENTRY_INVALID', 'new-pins-differ', -34],
    ['change-pin', ['246810', '123456', '123456'], 'PIN_ENTRY_INVALID', 'new-pin-default', -36],
  ] as const)('%s typed %j: %s (%s)', async (action, entries, code, variant, readerError) => {
    for (const e of entries) if (/^\d+$/.test(e)) typed.add(e);
    const { cardSession } = await readScenario(t, 'normal');
    expect((await post('/v1/dev/terminal/keypad', { entries })).statusCode).toBe(200);
    const res = await post(`/v1/card/${action}`, { cardSession });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('PIN_WRONG');
    const body = res.json() as { ok: boolean; reasons: Reason[] };
    expect(body.ok).toBe(false);
    expect(body.reasons).toHaveLength(1);
    const r = body.reasons[0]!;
    // The card's counter, asked before and after the prompt, is still full: no try was spent.
    expect(r).toMatchObject({ code, severity: 'warning', detail: { variant, readerError, triesLeft: 3 } });
    expect(r.remedy.en).toMatch(/does not count as a wrong attempt/);
    expect(r.remedy.zh).toMatch(/不计入密码错误次数/);

    const listed = await t.app.inject({ method: 'GET', url: `/v1/audit/decisions?kind=pin&reason=${code}&limit=1`, headers: t.auth('auditor') });
    const id = (listed.json() as { items: { id: string }[] }).items[0]!.id;
    const audited = (await t.app.inject({ method: 'GET', url: `/v1/audit/decisions/${id}`, headers: t.auth('auditor') })).json();
    expect(audited).toMatchObject({ kind: 'pin', outcome: 'problem', cardMasked: 'X0000****', decision: { action: action === 'verify-pin' ? 'verify' : 'change', ok: false, reasons: [{ code, detail: { variant, readerError } }] } });
    expect(JSON.stringify(audited)).not.toContain('PIN_WRONG');

    // The customer tries again and the right PIN verifies: nothing was used up.
    await post('/v1/dev/terminal/keypad', { entries: ['246810'] });
    expect((await post('/v1/card/verify-pin', { cardSession })).json()).toEqual({ ok: true, reasons: [] });
  });

  it('the PIN digits typed reach neither a log line nor the data folder', async () => {
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const pin of typed) {
      // As typed (not part of a longer hex string such as a hash), or as the hex of an APDU body.
      const text = new RegExp(`(?<![0-9a-f])${pin}(?![0-9a-f])|(?:03|07|ff)${pin}`, 'i');
      if (text.test(log)) leaks.push(`log: ${pin}`);
      for (const file of listFiles(t.dataDir)) {
        const bytes = readFileSync(file);
        if (text.test(bytes.toString('latin1'))) leaks.push(`${path.basename(file)}: ${pin}`);
        // As the packed BCD the card would receive, after Lc or the FF between old and new PIN.
        for (const lead of [0x03, 0x07, 0xff]) if (bytes.includes(Buffer.concat([Buffer.of(lead), Buffer.from(pin, 'hex')]))) leaks.push(`${path.basename(file)}: BCD ${pin}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}
