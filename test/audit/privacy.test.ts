import { afterEach, describe, expect, it } from 'vitest';
import { appendMany, HOLDER, openTrail, precheckInput, type TrailFixture } from './helpers.js';
import { databaseBytes } from './personal.js';

/** The UTF-8 bytes of `value` as they would sit in the file, for a latin1 search. */
const asStored = (value: string) => Buffer.from(value, 'utf8').toString('latin1');

describe('no full personal value reaches the audit database', () => {
  let f: TrailFixture;
  afterEach(async () => f?.close());

  it('stores masks and keyed hashes, never the card number, ID number, card id or name', async () => {
    f = openTrail();
    await appendMany(f.trail, 40);
    const bytes = databaseBytes(f.store.file).toString('latin1');
    expect(bytes).toContain(asStored('X0000****'));
    for (const value of Object.values(HOLDER)) expect(bytes).not.toContain(asStored(value));
  });

  it('scrubs a full value that slipped past masking upstream, before it is stored', async () => {
    f = openTrail();
    const leaky = precheckInput({ body: { note: `holder ${HOLDER.name} ${HOLDER.idNumber} card ${HOLDER.cardNumber}` }, cardMasked: HOLDER.cardNumber });
    const record = await f.trail.append(leaky);
    expect(record.body).toBe('{"note":"holder 孙* 3303**********0192 card X0000****"}');
    expect(record.cardMasked).toBe('X0000****');
    expect(f.trail.scrubCount).toBe(3); // ID number, card number, name
    await f.trail.append(precheckInput()); // the WAL holds both
    const bytes = databaseBytes(f.store.file).toString('latin1');
    for (const value of Object.values(HOLDER)) expect(bytes).not.toContain(asStored(value));
    expect((await f.trail.verify()).ok).toBe(true);
  });
});
