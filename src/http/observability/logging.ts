import type { FastifyBaseLogger } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import { maskCardNumber, maskIdNumber, maskName } from '../../mask.js';

/**
 * The service's structured logger (pino, JSON lines). Personal data is kept out in two layers:
 * values under personal keys are masked wherever they sit in a log object, and every written
 * line is scrubbed of anything shaped like a resident ID number or a card number, so that a
 * careless `log.info({ detail })` elsewhere cannot leak one.
 */
export function createLogger(level: string, destination?: DestinationStream): FastifyBaseLogger {
  return pino({
    level,
    base: { service: 'checkout-guard' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (obj) => redactPersonal(withRoundTime(obj)) as Record<string, unknown> },
    hooks: { streamWrite: scrubLine },
  }, destination ?? pino.destination({ dest: 1, sync: false }));
}

/**
 * Fastify's responseTime (ms) to the microsecond: as it comes, a float of 16 or so digits,
 * which makes every "request completed" line look as if it might hold an ID or card number and
 * sends it through the line scrub's two patterns (most of what redaction cost per request).
 */
function withRoundTime(obj: Record<string, unknown>): Record<string, unknown> {
  const t = obj['responseTime'];
  return typeof t === 'number' ? { ...obj, responseTime: Math.round(t * 1000) / 1000 } : obj;
}

/** Keys whose values are personal wherever they appear (card answers, platform fields, headers). */
const MASKERS: ReadonlyMap<string, (v: string) => string> = new Map(Object.entries({
  cardNumber: maskCardNumber,
  mdtrt_cert_no: maskCardNumber,
  idNumber: maskIdNumber,
  certno: maskIdNumber,
  personId: maskIdNumber,
  psn_name: maskName,
  cardholder: maskName,
  pin: () => '******',
  newPin: () => '******',
  authorization: () => '[redacted]',
  cookie: () => '[redacted]',
}));
/** `name` is personal only beside a card or person identifier. */
const besidePersonId = (o: object) => 'idNumber' in o || 'cardNumber' in o || 'certno' in o || 'psn_no' in o;

/** The object with personal values masked; the very same object when it holds none (the usual case: no copy). */
export function redactPersonal(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => redactPersonal(v, depth + 1));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  // Requests, replies and errors go to their own serializers; the line scrub covers what those write.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const person = besidePersonId(value);
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    // A Map: a key such as "toString" must not find Object.prototype's.
    const mask = MASKERS.get(key) ?? (person && key === 'name' ? maskName : undefined);
    const safe = mask && typeof v === 'string' ? mask(v) : redactPersonal(v, depth + 1);
    if (safe !== v) (out ??= { ...value })[key] = safe;
  }
  return out ?? value;
}

// An 18-character resident ID number with a plausible birth date; a card number as issued (a letter and eight digits).
const ID_NUMBER = /(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const CARD_NUMBER = /(?<![0-9A-Za-z_-])[A-Z]\d{8}(?![0-9A-Za-z_-])/g;

/** Both shapes hold eight digits in a row; most lines have none and skip the two patterns. */
const EIGHT_DIGITS = /\d{8}/;

export function scrubLine(line: string): string {
  if (!EIGHT_DIGITS.test(line)) return line;
  return line.replace(ID_NUMBER, maskIdNumber).replace(CARD_NUMBER, maskCardNumber);
}
