import { Type, type TSchema } from 'typebox';
import type { PlatformTransaction } from '../transaction.js';

/**
 * 9002 签退: gives a sign_no back, so the platform stops honouring it (the service signs out
 * when it shuts down). Sent once, not retried: a repeat would be refused for the sign_no the
 * first one already gave back, and shutdown has no time for a second attempt.
 */
export const SIGN_OUT = {
  infno: '9002',
  name: '签退',
  idempotent: false,
  output: Type.Object({ signoutoutb: Type.Object({ sign_time: Type.Optional(Type.String()) }) }),
} satisfies PlatformTransaction<TSchema>;

/** The longest shutdown waits for the platform to confirm a sign-out (less when PLATFORM_TIMEOUT_MS is shorter). */
export const SIGN_OUT_DEADLINE_MS = 1000;

export function signOutInput(signNo: string, opterNo: string): Record<string, unknown> {
  return { signOut: { sign_no: signNo, opter_no: opterNo } };
}
