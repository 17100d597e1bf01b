import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDataStore, type DataStore } from '../../src/db/database.js';
import type { HashAlgorithm } from '../../src/audit/canonical.js';
import type { AuditInput } from '../../src/audit/record.js';
import { AuditTrail } from '../../src/audit/trail.js';
import { reason } from '../../src/reasons.js';

/** A virtual card holder: the full values the trail must never store. */
export const HOLDER = { cardNumber: 'X00000019', idNumber: '330302198508150192', name: '孙八', cardId: '330300D1560000001999110145FFFFFF' };

export interface TrailFixture {
  dir: string;
  store: DataStore;
  trail: AuditTrail;
  /** Closes the trail and store (idempotent) and removes the folder. */
  close(): Promise<void>;
  /** Closes the trail and store, keeping the folder (the WAL is checkpointed into the main file). */
  stop(): Promise<void>;
  /** Closes and reopens the store and trail on the same folder, as a restart would. */
  reopen(options?: { algorithm?: HashAlgorithm }): TrailFixture;
}

export function openTrail(options: { algorithm?: HashAlgorithm; retentionDays?: number; dir?: string } = {}): TrailFixture {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'guard-audit-'));
  const store = openDataStore(dir);
  const trail = new AuditTrail(store, { dataDir: dir, algorithm: options.algorithm ?? 'sm3', retentionDays: options.retentionDays ?? 0 });
  let closed = false;
  const shut = async () => {
    if (closed) return;
    closed = true;
    await trail.close();
    store.close();
  };
  return {
    dir, store, trail,
    stop: shut,
    close: async () => {
      await shut();
      rmSync(dir, { recursive: true, force: true });
    },
    reopen: (o = {}) => {
      closed = true;
      store.close();
      return openTrail({ ...options, ...o, dir });
    },
  };
}

let n = 0;
/** A precheck decision shaped like the counter's, with a reject reason on one line. */
export function precheckInput(over: Partial<AuditInput> = {}): AuditInput {
  n++;
  const notListed = reason('ITEM_NOT_IN_CATALOGUE', { code: 'XZ99ZZZ999Z999999999999' });
  return {
    kind: 'precheck', outcome: 'partial', cashierId: 'cashier-07', tokenId: 'tok-1', terminalId: 'mock',
    cardMasked: 'X0000****', holder: HOLDER, catalogueVersion: 3,
    reasonCodes: ['ITEM_NOT_IN_CATALOGUE'],
    body: {
      decision: 'partial',
      items: [
        { lineId: `a${n}`, code: 'XN02BEA011A001010100201', name: '对乙酰氨基酚片', verdict: 'covered', totalAmount: '25.00', insuranceAmount: '25.00', selfPayAmount: '0.00', reasons: [] },
        { lineId: 'b', code: 'XZ99ZZZ999Z999999999999', name: null, verdict: 'self-pay', totalAmount: '9.90', insuranceAmount: '0.00', selfPayAmount: '9.90', reasons: [notListed] },
      ],
      totals: { totalAmount: '34.90', insuranceAmount: '25.00', selfPayAmount: '9.90' },
      reasons: [],
      card: { cardNumber: 'X0000****', idNumber: '3303**********0192', name: '孙*' },
      catalogueVersion: 3,
    },
    ...over,
  };
}

/** Appends `count` decisions concurrently (as many requests at once would). */
export async function appendMany(trail: AuditTrail, count: number, make: (i: number) => AuditInput = () => precheckInput()) {
  return Promise.all(Array.from({ length: count }, (_, i) => trail.append(make(i))));
}
