import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { canonicalJson } from './canonical.js';
import { keyIdOf, type AuditKeys } from './keys.js';
import { localTimestamp } from './time.js';

export const CHECKPOINT_FORMAT = 'checkout-guard/audit-checkpoint/1';

/**
 * A signed statement "the chain had `hash` at `seq`". Kept outside the machine by an auditor
 * (with the public key), it catches what no local check can: a chain rewritten from some
 * point on, or cut off at the end, by someone with access to the data folder.
 */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  /** Base64 Ed25519 signature over canonicalJson of the other fields. */
  signature: string;
}

/** What an auditor takes away: the checkpoint and the key to check it with. */
export interface CheckpointExport {
  checkpoint: Checkpoint;
  publicKey: string;
}

function statement(c: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(canonicalJson({ format: c.format, seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId }), 'utf8');
}

export function signCheckpoint(keys: AuditKeys, head: { seq: number; hash: string }, now = Date.now()): Checkpoint {
  const { privateKey, keyId } = keys.signer();
  const unsigned = { format: CHECKPOINT_FORMAT, seq: head.seq, hash: head.hash, at: localTimestamp(now), keyId } as const;
  return { ...unsigned, signature: sign(null, statement(unsigned), privateKey).toString('base64') };
}

/** True when the signature is the named key's over these fields. */
export function checkSignature(c: Checkpoint, publicKey: KeyObject | string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (keyIdOf(key) !== c.keyId) return false;
  try {
    return verify(null, statement(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Validates the shape of a checkpoint read from a file. */
export function parseCheckpoint(value: unknown): Checkpoint | undefined {
  const v = (typeof value === 'object' && value !== null && 'checkpoint' in value ? (value as { checkpoint: unknown }).checkpoint : value) as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null) return undefined;
  if (v['format'] !== CHECKPOINT_FORMAT || !Number.isSafeInteger(v['seq']) || typeof v['hash'] !== 'string' || typeof v['at'] !== 'string' || typeof v['keyId'] !== 'string' || typeof v['signature'] !== 'string') return undefined;
  return { format: CHECKPOINT_FORMAT, seq: v['seq'] as number, hash: v['hash'], at: v['at'], keyId: v['keyId'], signature: v['signature'] };
}

/** The checkpoint register in the database (append-only by trigger). */
export class CheckpointStore {
  constructor(private readonly sqlite: Database) {}

  /** Keeps the first checkpoint signed for a seq; returns the one kept. */
  record(c: Checkpoint): Checkpoint {
    this.sqlite.prepare('INSERT OR IGNORE INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)').run(c.seq, c.hash, c.at, c.keyId, c.signature);
    return this.at(c.seq)!;
  }

  at(seq: number): Checkpoint | undefined {
    return this.select('WHERE seq = ?', seq)[0];
  }

  latest(): Checkpoint | undefined {
    return this.select('ORDER BY seq DESC LIMIT 1')[0];
  }

  all(): Checkpoint[] {
    return this.select('ORDER BY seq');
  }

  private select(tail: string, ...params: unknown[]): Checkpoint[] {
    const rows = this.sqlite.prepare(`SELECT seq, hash, at, key_id AS keyId, signature FROM audit_checkpoints ${tail}`).all(...params) as Omit<Checkpoint, 'format'>[];
    return rows.map((r) => ({ format: CHECKPOINT_FORMAT, ...r }));
  }
}
