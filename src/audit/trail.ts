import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { DataStore } from '../db/database.js';

export interface AuditInput {
  kind: 'precheck' | 'card-read' | 'account-check' | 'pin';
  outcome: string;
  cashierId: string | null;
  tokenId: string | null;
  terminalId: string | null;
  cardMasked: string | null;
  /** Plain ID number, hashed with the local secret here and never stored. */
  personId: string | null;
  catalogueVersion: number | null;
  reasonCodes: string[];
  /** The decision as answered (already masked). */
  body: unknown;
}

export interface AuditRecord {
  seq: number;
  id: string;
  at: string;
  kind: string;
  outcome: string;
  cashierId: string | null;
  tokenId: string | null;
  terminalId: string | null;
  cardMasked: string | null;
  personHash: string | null;
  catalogueVersion: number | null;
  reasonCodes: string;
  body: string;
  prevHash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

/** Append-only, hash-chained decision trail. */
export class AuditTrail {
  private readonly insert: Statement;
  private readonly secret: Buffer;
  private head: { seq: number; hash: string };

  constructor(private readonly store: DataStore, dataDir: string) {
    this.secret = loadSecret(path.join(dataDir, 'secrets', 'audit-hmac.key'));
    this.insert = store.sqlite.prepare(`INSERT INTO audit_decisions (seq, id, at, kind, outcome, cashier_id, token_id, terminal_id, card_masked, person_hash, catalogue_version, reason_codes, body, prev_hash, hash)
      VALUES (@seq, @id, @at, @kind, @outcome, @cashierId, @tokenId, @terminalId, @cardMasked, @personHash, @catalogueVersion, @reasonCodes, @body, @prevHash, @hash)`);
    const last = store.sqlite.prepare('SELECT seq, hash FROM audit_decisions ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    this.head = last ?? { seq: 0, hash: GENESIS };
  }

  /** Keyed hash of a person's ID number: finds one person's history without storing the number. */
  personHash(idNumber: string): string {
    return createHmac('sha256', this.secret).update(idNumber).digest('hex');
  }

  append(input: AuditInput): AuditRecord {
    const record: Omit<AuditRecord, 'hash'> = {
      seq: this.head.seq + 1,
      id: randomUUID(),
      at: new Date().toISOString(),
      kind: input.kind,
      outcome: input.outcome,
      cashierId: input.cashierId,
      tokenId: input.tokenId,
      terminalId: input.terminalId,
      cardMasked: input.cardMasked,
      personHash: input.personId ? this.personHash(input.personId) : null,
      catalogueVersion: input.catalogueVersion,
      reasonCodes: [...new Set(input.reasonCodes)].join(' '),
      body: JSON.stringify(input.body),
      prevHash: this.head.hash,
    };
    const full: AuditRecord = { ...record, hash: chainHash(record) };
    this.insert.run(full);
    this.head = { seq: full.seq, hash: full.hash };
    return full;
  }

  get(id: string): AuditRecord | undefined {
    return this.store.sqlite.prepare(`SELECT ${COLUMNS} FROM audit_decisions WHERE id = ?`).get(id) as AuditRecord | undefined;
  }

  count(): number {
    return (this.store.sqlite.prepare('SELECT count(*) AS n FROM audit_decisions').get() as { n: number }).n;
  }
}

export const COLUMNS = 'seq, id, at, kind, outcome, cashier_id AS cashierId, token_id AS tokenId, terminal_id AS terminalId, card_masked AS cardMasked, person_hash AS personHash, catalogue_version AS catalogueVersion, reason_codes AS reasonCodes, body, prev_hash AS prevHash, hash';

/** SHA-256 over the record's fields in a fixed order. */
export function chainHash(r: Omit<AuditRecord, 'hash'>): string {
  const canonical = JSON.stringify([r.seq, r.id, r.at, r.kind, r.outcome, r.cashierId, r.tokenId, r.terminalId, r.cardMasked, r.personHash, r.catalogueVersion, r.reasonCodes, r.body, r.prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}

function loadSecret(file: string): Buffer {
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
  return secret;
}
