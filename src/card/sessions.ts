import { randomUUID } from 'node:crypto';
import type { Reason } from '../reasons.js';
import type { CardIdentity } from './types.js';

export interface CardSession {
  id: string;
  card: CardIdentity;
  /** Chip and back-office findings at read time. */
  checks: Reason[];
  pinVerified: boolean;
  createdAt: number;
  expiresAt: number;
}

/**
 * One checkout's card, kept in memory only (full personal data never touches disk) and
 * forgotten after the configured time or when another card is read.
 */
export class CardSessions {
  private readonly sessions = new Map<string, CardSession>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  open(card: CardIdentity, checks: Reason[]): CardSession {
    this.sweep();
    const t = this.now();
    const session: CardSession = { id: randomUUID(), card, checks, pinVerified: false, createdAt: t, expiresAt: t + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): CardSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(id);
  }
}
