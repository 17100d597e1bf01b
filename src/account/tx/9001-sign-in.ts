import { networkInterfaces } from 'node:os';
import { Type, type TSchema } from 'typebox';
import { GENERIC_FAILURE } from '../envelope.js';
import type { PlatformTransaction } from '../transaction.js';

/** 9001 签到: the sign_no every later transaction carries. */
export const SIGN_IN = {
  infno: '9001',
  name: '签到',
  idempotent: true,
  output: Type.Object({ signinoutb: Type.Object({ sign_no: Type.String({ minLength: 1 }), sign_time: Type.Optional(Type.String()) }) }),
} satisfies PlatformTransaction<TSchema>;

/** The platform records which workstation signed in (its first external IPv4 address and MAC). */
export function signInInput(opterNo: string): Record<string, unknown> {
  const nic = Object.values(networkInterfaces()).flat().find((n) => n && n.family === 'IPv4' && !n.internal);
  return { signIn: { opter_no: opterNo, mac: nic?.mac ?? '', ip: nic?.address ?? '127.0.0.1' } };
}

const SIGN_IN_TEXT = /签到|sign_?no/i;

/**
 * Whether a refused answer says the sign_no is unknown or expired, so that a fresh 9001 may
 * help. The national interface refuses everything with infcode -1 (docs/platform.md), so the
 * code alone cannot say it; where a province's gateway gives this refusal a code of its own
 * (PLATFORM_SIGN_IN_INFCODES), that code decides. Only a generic -1 falls back to the err_msg
 * text (签到 / sign_no); a refusal with any other code is never read as one.
 */
export function isSignInRejection(answer: { infcode: number | string; err_msg?: string | null | undefined }, infcodes: ReadonlySet<number>): boolean {
  const code = Number(answer.infcode);
  if (infcodes.has(code)) return true;
  return code === GENERIC_FAILURE && typeof answer.err_msg === 'string' && SIGN_IN_TEXT.test(answer.err_msg);
}
