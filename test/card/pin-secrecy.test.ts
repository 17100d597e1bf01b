import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadVirtualCards } from '../../src/emulator/virtual-cards.js';
import { startService, type ServiceProcess } from '../faults/service-process.js';

/**
 * PIN digits are typed on the terminal keypad and go from there to the card. Whatever the
 * service does around them (reads, PIN verify and change, mistakes, faults, audit), no line the
 * running service logs (at trace level) and no file in its DATA_DIR may hold them: not as
 * digits, not as the BCD the card receives.
 */
describe('PIN digits never reach a log line or a stored record', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startService({ env: { LOG_LEVEL: 'trace', RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(async () => service?.cleanup());

  const post = (url: string, body?: object) => service.request('POST', url, { role: 'cashier', ...(body ? { body } : {}) });

  it('after every card through read, PIN verify, PIN change, wrong PINs and faults', async () => {
    const cards = [...loadVirtualCards(path.join(PROJECT_ROOT, 'devices')).values()];
    const pins = new Set<string>(['135790', '975310']);
    for (const card of cards) {
      pins.add(card.chip.pin);
      pins.add(card.chip.keypadEntry);
      if (card.chip.newPinEntry) pins.add(card.chip.newPinEntry);
      await post('/v1/dev/terminal/card', { scenario: card.scenario });
      const cardSession = (await post('/v1/card/read')).body?.cardSession as string | null;
      if (!cardSession) continue;
      await post('/v1/card/verify-pin', { cardSession });
      await post('/v1/card/change-pin', { cardSession });
      await post('/v1/card/verify-pin', { cardSession });
      await post('/v1/account/check', { cardSession });
      await post('/v1/checkout/precheck', { cardSession, cashierId: 'c1', items: [{ lineId: '1', barcode: '6901234567892', quantity: 1, unitPrice: '12.50' }] });
    }
    // Mistakes and faults around a PIN prompt.
    await post('/v1/dev/terminal/card', { scenario: 'normal' });
    const cardSession = (await post('/v1/card/read')).body.cardSession as string;
    await post('/v1/dev/terminal/keypad', { entries: ['cancel'] });
    await post('/v1/card/verify-pin', { cardSession });
    await post('/v1/dev/terminal/fault', { kind: 'garble', count: 1 });
    await post('/v1/card/verify-pin', { cardSession });
    await post('/v1/dev/terminal/fault', { kind: 'unplug', after: 4 });
    expect((await post('/v1/card/verify-pin', { cardSession })).status).toBe(503);
    await post('/v1/dev/terminal/fault', { kind: 'replug' });
    // A graceful stop flushes the log and checkpoints the database.
    await service.kill('SIGTERM');

    const log = service.output();
    expect(log.split('\n').length).toBeGreaterThan(50);
    const files = listFiles(service.dataDir);
    expect(files.some((f) => /\.(sqlite|db)$/.test(f))).toBe(true);
    const leaks: string[] = [];
    for (const pin of pins) {
      // As typed (a whole six-digit token), or as the hex of the APDU body (Lc 03/07 or the FF separator before it).
      const text = new RegExp(`(?<![0-9])${pin}(?![0-9])|(?:03|07|ff)${pin}`, 'i');
      // As the packed BCD bytes the card receives, after Lc or FF.
      const bcd = Buffer.from(pin, 'hex');
      if (text.test(log)) leaks.push(`log: ${pin}`);
      for (const file of files) {
        const bytes = readFileSync(file);
        if (text.test(bytes.toString('latin1'))) leaks.push(`${path.relative(service.dataDir, file)}: ${pin}`);
        for (const lead of [0x03, 0x07, 0xff]) if (bytes.includes(Buffer.concat([Buffer.of(lead), bcd]))) leaks.push(`${path.relative(service.dataDir, file)}: BCD ${pin}`);
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
