export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failed calls that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one probe may go through. */
  cooldownMs: number;
  clock?: () => number;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** While open: when the next probe is allowed (ms since epoch). */
  probeAt: number | null;
}

/**
 * Stops hammering a dead platform: after `failureThreshold` consecutive failures, calls are
 * refused at once for `cooldownMs`; then exactly one call goes through as a probe (half-open).
 * Its success closes the circuit, its failure opens it for another cooldown.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;
  private readonly clock: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** True when a call may go out now; a true in the open state makes this call the probe. */
  admit(): boolean {
    if (this.openedAt === null) return true;
    if (this.probing || this.clock() - this.openedAt < this.options.cooldownMs) return false;
    this.probing = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  failed(): void {
    this.failures++;
    if (this.probing || this.failures >= this.options.failureThreshold) this.openedAt = this.clock();
    this.probing = false;
  }

  snapshot(): BreakerSnapshot {
    const state: BreakerState = this.openedAt === null ? 'closed' : this.probing || this.clock() - this.openedAt >= this.options.cooldownMs ? 'half-open' : 'open';
    return { state, consecutiveFailures: this.failures, probeAt: this.openedAt === null ? null : this.openedAt + this.options.cooldownMs };
  }
}
