import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVirtualCards } from '../../../src/emulator/virtual-cards.js';
import { redactPersonal, scrubLine } from '../../../src/http/observability/logging.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

describe('personal data never reaches the logs', () => {
  const lines: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    const capture = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    t = await startTestApp({ logLevel: 'trace' }, { logStream: capture });
  });
  afterAll(async () => t.close());

  const cashier = () => t.auth('cashier');
  const post = (url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: cashier(), ...(payload ? { payload } : {}) });

  it('over the whole card, PIN, account and precheck flow of every virtual card, including mistakes', async () => {
    const cards = [...loadVirtualCards(t.app.services.config.devicesDir).values()];
    expect(cards.length).toBeGreaterThan(10);
    for (const card of cards) {
      await post('/v1/dev/terminal/card', { scenario: card.scenario });
      const read = (await post('/v1/card/read')).json() as { cardSession: string | null };
      if (!read.cardSession) continue;
      const cardSession = read.cardSession;
      await post('/v1/card/verify-pin', { cardSession });
      await post('/v1/account/check', { cardSession });
      await post('/v1/checkout/precheck', { cardSession, cashierId: 'c1', items: [
        { lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' },
        { lineId: '2', code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' },
      ] });
      // A POS that puts personal data where it does not belong: in a query string, a path, a bad body.
      await t.app.inject({ method: 'GET', url: `/v1/catalogue/search?q=${card.chip.ef06.idNumber}`, headers: cashier() });
      await t.app.inject({ method: 'GET', url: `/v1/catalogue/items/${card.chip.ef05.cardNumber}`, headers: cashier() });
      await post('/v1/checkout/precheck', { cardSession, cashierId: card.chip.ef06.name, items: [{ lineId: card.chip.ef06.idNumber, quantity: 1.5, unitPrice: 'x' }] });
    }
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(100);
    const leaks: string[] = [];
    for (const card of cards) {
      for (const value of [card.chip.ef05.cardNumber, card.chip.ef06.idNumber, card.chip.ef06.name]) {
        if (log.includes(value)) leaks.push(`${card.scenario}: ${value}`);
      }
    }
    expect(leaks).toEqual([]);
    // The secret half of a token never appears; its id does, so every line says who asked.
    expect(log).not.toContain(t.tokens.cashier);
    const cashierId = t.tokens.cashier.split('_')[2]!;
    const parsed = lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string; req?: { url?: string }; caller?: { tokenId: string } });
    const reads = new Set(parsed.filter((l) => l.req?.url === '/v1/card/read').map((l) => l.reqId));
    const completed = parsed.filter((l) => reads.has(l.reqId) && l.msg === 'request completed');
    expect(completed.length).toBe(reads.size);
    expect(completed.every((l) => l.caller?.tokenId === cashierId)).toBe(true);
  });

  it('writes JSON lines with a request id', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((l) => l['reqId']).length).toBeGreaterThan(50);
    expect(parsed.every((l) => l['service'] === 'checkout-guard' && typeof l['time'] === 'string')).toBe(true);
  });

  it('writes response times to the microsecond, so a completed request does not look like it holds a number to scrub', () => {
    const completed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'request completed');
    expect(completed.length).toBeGreaterThan(20);
    for (const l of completed) expect(String(l['responseTime'])).toMatch(/^\d+(\.\d{1,3})?$/);
  });
});

describe('the two layers of redaction', () => {
  it('masks values under personal keys at any depth, and a name only beside an identifier', () => {
    const out = redactPersonal({
      card: { cardNumber: 'X00000019', idNumber: '330302198508150192', name: '孙八' },
      detail: { input: { data: { certno: '330302198508150192', psn_name: '孙八', mdtrt_cert_no: 'X00000019' } } },
      headers: { authorization: 'Bearer cg_cashier_x_y' },
      catalogue: { name: '阿莫西林胶囊' },
    });
    expect(JSON.stringify(out)).not.toMatch(/X00000019|330302198508150192|孙八|cg_cashier/);
    expect(out).toMatchObject({ card: { cardNumber: 'X0000****', name: '孙*' }, catalogue: { name: '阿莫西林胶囊' } });
  });

  it('leaves keys that only Object.prototype knows alone', () => {
    const line = { toString: 'kept', constructor: 'kept too', valueOf: 'and this' };
    expect(redactPersonal(line)).toBe(line);
  });

  it('scrubs ID and card numbers from any written line', () => {
    expect(scrubLine('{"msg":"failed for 330302198508150192 and 33030219850715030X with X00000019"}'))
      .toBe('{"msg":"failed for 3303**********0192 and 3303**********030X with X0000****"}');
    // Hashes, ids and prices stay as they are.
    const plain = '{"hash":"a3f0c2d4e5f6071829304152637485960a1b2c3d","decisionId":"01J9Z3K7Q2ABCDEFGH","total":"123456789012345678.00"}';
    expect(scrubLine(plain)).toBe(plain);
  });
});
