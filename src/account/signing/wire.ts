/**
 * What travels on the wire for one message: the province's signer turns the envelope's JSON
 * into headers and a body, and back. Both ends use the same signer (the simulator mirrors it).
 */
export interface WireMessage {
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export type SignerKind = 'none' | 'hmac' | 'sm';

export interface PlatformSigner {
  readonly kind: SignerKind;
  /** The envelope's `signtype` under this scheme. */
  readonly signtype: string;
  seal(payload: string): WireMessage;
  /** Verifies and unwraps a message; throws WireError when it is not authentic or not readable. */
  open(message: WireMessage): string;
}

export class WireError extends Error {
  override name = 'WireError';
  constructor(readonly kind: 'signature' | 'malformed', message: string) {
    super(message);
  }
}

/** Rejects messages whose timestamp is further than this from our clock (replay window). */
export const MAX_SKEW_MS = 5 * 60_000;

export function checkTimestamp(value: string | undefined, now: number): void {
  const ts = Number(value);
  if (!value || !Number.isInteger(ts)) throw new WireError('signature', 'timestamp missing');
  if (Math.abs(ts * 1000 - now) > MAX_SKEW_MS) throw new WireError('signature', 'timestamp outside the replay window');
}
