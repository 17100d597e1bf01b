import { networkInterfaces } from 'node:os';
import { Type, type TSchema } from 'typebox';
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

/** How platforms say a sign_no is unknown or expired: infcode -1 with a message about 签到. */
export function isSignInRejection(errMsg: string | null | undefined): boolean {
  return typeof errMsg === 'string' && /签到|sign_?no/i.test(errMsg);
}
