import { createHash } from 'node:crypto';

/** Chain hash algorithms. SM3 (GB/T 32905) is the default for a Chinese insurance-fund auditor; SHA-256 is selectable. */
export const HASH_ALGORITHMS = ['sm3', 'sha256'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** prev_hash of the very first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version tag inside every encoded record, so a later encoding can never be confused with this one. */
export const ENCODING = 'checkout-guard/audit-record/2';

/** The fields of a record that its chain hash covers, exactly as stored. */
export interface ChainedFields {
  seq: number;
  id: string;
  at: string;
  kind: string;
  outcome: string;
  cashierId: string | null;
  tokenId: string | null;
  terminalId: string | null;
  cardMasked: string | null;
  cardHash: string | null;
  personHash: string | null;
  catalogueVersion: number | null;
  /** Space-separated codes, as stored. */
  reasonCodes: string;
  alg: HashAlgorithm;
  prevHash: string;
  /** Canonical JSON of the decision, as stored. */
  body: string;
}

/** The fields before the decision, in encoding order (verify selects its columns in this order). */
export const HEAD_FIELDS = ['seq', 'id', 'at', 'kind', 'outcome', 'cashierId', 'tokenId', 'terminalId', 'cardMasked', 'cardHash', 'personHash', 'catalogueVersion', 'reasonCodes', 'alg', 'prevHash'] as const;

/**
 * The canonical encoding: the UTF-8 bytes of the JSON array
 * [ENCODING, ...HEAD_FIELDS values, decision], where the decision is embedded as its stored
 * canonical JSON (a JSON value, not a string). JSON.stringify of strings, integers and nulls
 * is deterministic, so anyone can recompute it from an export (docs/audit.md). Keeping the
 * decision unescaped and last lets verify hash the stored bytes as they are.
 */
export function encodeRecord(r: ChainedFields): string {
  return encodeHead(HEAD_FIELDS.map((k) => r[k])) + r.body + ']';
}

/** `[ENCODING, ...values,` : the encoding up to the decision. */
export function encodeHead(values: readonly unknown[]): string {
  return JSON.stringify([ENCODING, ...values]).slice(0, -1) + ',';
}

export function chainHash(r: ChainedFields): string {
  return linkHash(r.alg, encodeHead(HEAD_FIELDS.map((k) => r[k])), r.body);
}

/** Hash of an encoded head and the decision's stored bytes (or text). */
export function linkHash(alg: HashAlgorithm, head: string, body: string | Buffer): string {
  return createHash(alg).update(head, 'utf8').update(body).update(']').digest('hex');
}

/**
 * JSON with object keys sorted at every level and no whitespace: the decision body's stored
 * form, so an export's parsed `decision` re-encodes to the very bytes that were hashed. It is
 * the text JSON.stringify gives with every object's keys sorted (toJSON honoured, undefined and
 * functions left out, non-finite numbers as null).
 *
 * Every decision passes through here on the request path: the value is first brought into key
 * order (objects already in order are kept, the others copied in order), then handed to
 * JSON.stringify in one native call, which is several times faster than a replacer.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(inKeyOrder(value, '')) ?? 'null';
}

/**
 * Sorted copies of deeply frozen objects (the reason texts, which every decision holds by
 * reference): they cannot change, so each is sorted once.
 */
const frozenInOrder = new WeakMap<object, object>();

function deeplyFrozen(o: object): boolean {
  return Object.isFrozen(o) && Object.values(o).every((c) => c === null || typeof c !== 'object' || deeplyFrozen(c as object));
}

/** `value` with every object's own enumerable keys in sorted order; the very same value when it already is. */
function inKeyOrder(value: unknown, key: string | number): unknown {
  let v = value;
  if (v === null || typeof v !== 'object') return v;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(k: string): unknown }).toJSON(String(key));
    if (v === null || typeof v !== 'object') return v;
  }
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x === null || typeof x !== 'object') continue;
      const item = inKeyOrder(x, i);
      if (item !== x) (copy ??= v.slice())[i] = item;
    }
    return copy ?? v;
  }
  const o = v as Record<string, unknown>;
  // Only a frozen object can be in the cache; asking the WeakMap about every fresh object would cost more than it saves.
  const frozen = Object.isFrozen(o);
  if (frozen) {
    const known = frozenInOrder.get(o);
    if (known) return known;
  }
  const keys = Object.keys(o);
  // The usual case, an object already in order whose children are too, allocates nothing more.
  let i = 0;
  let changed: { value: unknown } | undefined;
  for (; i < keys.length; i++) {
    if (i > 0 && keys[i - 1]! > keys[i]!) break;
    const x = o[keys[i]!];
    if (x === null || typeof x !== 'object') continue;
    const item = inKeyOrder(x, keys[i]!);
    if (item !== x) {
      changed = { value: item };
      break;
    }
  }
  const out = i < keys.length ? sortedCopy(o, keys, i, changed) : o;
  if (frozen && deeplyFrozen(o)) frozenInOrder.set(o, out);
  return out;
}

/**
 * `o` with its keys sorted and its children in order, given that the children before `from`
 * came out unchanged and, when `atFrom` is given, what the child at `from` came out as.
 */
function sortedCopy(o: Record<string, unknown>, keys: string[], from: number, atFrom: { value: unknown } | undefined): object {
  const values: unknown[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const x = o[keys[i]!];
    values[i] = i < from || x === null || typeof x !== 'object' ? x : i === from && atFrom ? atFrom.value : inKeyOrder(x, keys[i]!);
  }
  const order = keys.map((_k, i) => i).sort((x, y) => (keys[x]! < keys[y]! ? -1 : 1));
  const copy: Record<string, unknown> = {};
  for (const i of order) {
    if (keys[i] === '__proto__') Object.defineProperty(copy, '__proto__', { value: values[i], enumerable: true, writable: true, configurable: true });
    else copy[keys[i]!] = values[i];
  }
  return copy;
}

export function isHashAlgorithm(v: string): v is HashAlgorithm {
  return (HASH_ALGORITHMS as readonly string[]).includes(v);
}
