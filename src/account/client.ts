import { setTimeout as sleep } from 'node:timers/promises';
import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { Value } from 'typebox/value';
import { ServiceFault, type ReasonCode } from '../reasons.js';
import { CircuitBreaker, type BreakerOptions, type BreakerSnapshot } from './breaker.js';
import { buildEnvelope, MsgIdSource, ResponseEnvelopeSchema, type EnvelopeIdentity, type ResponseEnvelope } from './envelope.js';
import { WireError, type PlatformSigner } from './signing/index.js';
import type { PlatformTransaction } from './transaction.js';
import { TransportError, type PlatformTransport, type WireAnswer } from './transport.js';
import { isSignInRejection, SIGN_IN, signInInput } from './tx/9001-sign-in.js';
import { SIGN_OUT, SIGN_OUT_DEADLINE_MS, signOutInput } from './tx/9002-sign-out.js';

export interface PlatformClientOptions {
  identity: EnvelopeIdentity;
  transport: PlatformTransport;
  signer: PlatformSigner;
  /** Deadline for one call, retries included. */
  timeoutMs: number;
  /** Extra attempts after a transport fault, for idempotent transactions only. */
  retries: number;
  /** A sign_no older than this is renewed before use. */
  signInMaxAgeMs: number;
  /** Infcodes by which this province's platform says a sign_no is unknown or expired (see isSignInRejection). */
  signInRejectionInfcodes?: readonly number[];
  breaker: Omit<BreakerOptions, 'clock'>;
  observer?: PlatformObserver;
  clock?: () => number;
}

/** A narrow hook for metrics: one report per call, `outcome` 'ok' or the fault's reason code. */
export interface PlatformObserver {
  transaction(infno: string, outcome: string, seconds: number): void;
}

/**
 * A platform fault. `unhealthy` marks faults that say the platform (or the path to it) is not
 * working and count towards opening the breaker; `retryable` marks transport faults after
 * which an idempotent query may be sent again.
 */
export class PlatformFault extends ServiceFault {
  constructor(code: Extract<ReasonCode, 'PLATFORM_UNAVAILABLE' | 'PLATFORM_ERROR'>, detail: Record<string, unknown>, readonly unhealthy: boolean, readonly retryable = false, cause?: unknown) {
    super(code, detail, { cause });
  }
}

const BACKOFF_MS = 50;

/**
 * Speaks the national interface: one envelope builder, the province's signer and transport,
 * the 9001 sign-in kept and renewed, deadlines, bounded retries for queries, and a circuit
 * breaker. Every failure is a PlatformFault (PLATFORM_UNAVAILABLE or PLATFORM_ERROR): it can
 * never look like a business answer such as "not insured".
 */
export class PlatformClient {
  private readonly msgIds = new MsgIdSource();
  private readonly breaker: CircuitBreaker;
  private readonly clock: () => number;
  private signIn: { signNo: string; at: number } | null = null;
  private pendingSignIn: Promise<string> | null = null;
  private readonly signInRejectionCodes: ReadonlySet<number>;

  constructor(private readonly options: PlatformClientOptions) {
    this.clock = options.clock ?? Date.now;
    this.signInRejectionCodes = new Set(options.signInRejectionInfcodes);
    this.breaker = new CircuitBreaker({ ...options.breaker, clock: this.clock });
  }

  /** Sends one transaction and returns its validated `output`. */
  call<S extends TSchema>(tx: PlatformTransaction<S>, input: Record<string, unknown>, insuplcAdmdvs = ''): Promise<Static<S>> {
    return this.options.observer ? this.observed(this.options.observer, tx, input, insuplcAdmdvs) : this.callOnce(tx, input, insuplcAdmdvs);
  }

  status(): { breaker: BreakerSnapshot; signedIn: boolean; signedInAt: string | null } {
    return { breaker: this.breaker.snapshot(), signedIn: this.signIn !== null, signedInAt: this.signIn ? new Date(this.signIn.at).toISOString() : null };
  }

  /** Signs out (best effort, see signOut) and releases the connections. */
  async close(): Promise<void> {
    await this.signOut();
    await this.options.transport.close();
  }

  /**
   * 9002: gives the sign_no back, so a later call signs in afresh. Best effort and bounded: one
   * attempt within SIGN_OUT_DEADLINE_MS, none without a live sign_no or while the breaker is
   * open; never throws. True when the platform confirmed.
   */
  async signOut(): Promise<boolean> {
    const signNo = this.validSignNo();
    this.signIn = null;
    if (!signNo || this.breaker.snapshot().state === 'open') return false;
    const deadline = this.clock() + Math.min(this.options.timeoutMs, SIGN_OUT_DEADLINE_MS);
    try {
      const env = await this.exchange(SIGN_OUT, signOutInput(signNo, this.options.identity.opter), signNo, '', deadline);
      if (String(env.infcode) !== '0') return false;
      checkOutput(SIGN_OUT, env.output);
      return true;
    } catch {
      return false;
    }
  }

  private async observed<S extends TSchema>(observer: PlatformObserver, tx: PlatformTransaction<S>, input: Record<string, unknown>, insuplcAdmdvs: string): Promise<Static<S>> {
    const started = performance.now();
    try {
      const output = await this.callOnce(tx, input, insuplcAdmdvs);
      observer.transaction(tx.infno, 'ok', (performance.now() - started) / 1000);
      return output;
    } catch (err) {
      observer.transaction(tx.infno, err instanceof ServiceFault ? err.code : 'error', (performance.now() - started) / 1000);
      throw err;
    }
  }

  /** Breaker, sign-in and one exchange; a rejected sign_no is renewed once and the message sent again. */
  private async callOnce<S extends TSchema>(tx: PlatformTransaction<S>, input: Record<string, unknown>, admdvs: string): Promise<Static<S>> {
    if (!this.breaker.admit()) {
      const { probeAt } = this.breaker.snapshot();
      throw new PlatformFault('PLATFORM_UNAVAILABLE', { infno: tx.infno, cause: 'breaker-open', retryInMs: Math.max(0, (probeAt ?? 0) - this.clock()) }, false);
    }
    const deadline = this.clock() + this.options.timeoutMs;
    let envelope: ResponseEnvelope;
    try {
      const signNo = this.validSignNo() ?? (await this.sharedSignIn(deadline));
      envelope = await this.exchange(tx, input, signNo, admdvs, deadline);
      if (String(envelope.infcode) !== '0' && isSignInRejection(envelope, this.signInRejectionCodes)) {
        if (this.signIn?.signNo === signNo) this.signIn = null;
        envelope = await this.exchange(tx, input, this.validSignNo() ?? (await this.sharedSignIn(deadline)), admdvs, deadline);
      }
    } catch (err) {
      if (err instanceof PlatformFault && !err.unhealthy) this.breaker.succeeded();
      else this.breaker.failed();
      throw err;
    }
    // The platform answered: whatever it said, it is alive.
    this.breaker.succeeded();
    if (String(envelope.infcode) !== '0') {
      throw new PlatformFault('PLATFORM_ERROR', { infno: tx.infno, cause: 'refused', infcode: Number(envelope.infcode), errMsg: envelope.err_msg ?? null }, false);
    }
    return checkOutput(tx, envelope.output);
  }

  private validSignNo(): string | undefined {
    return this.signIn && this.clock() - this.signIn.at < this.options.signInMaxAgeMs ? this.signIn.signNo : undefined;
  }

  /** Concurrent calls share one sign-in. */
  private sharedSignIn(deadline: number): Promise<string> {
    this.pendingSignIn ??= this.doSignIn(deadline).finally(() => {
      this.pendingSignIn = null;
    });
    return this.pendingSignIn;
  }

  private async doSignIn(deadline: number): Promise<string> {
    const at = this.clock();
    const env = await this.exchange(SIGN_IN, signInInput(this.options.identity.opter), '', '', deadline);
    if (String(env.infcode) !== '0') {
      throw new PlatformFault('PLATFORM_ERROR', { infno: SIGN_IN.infno, cause: 'refused', infcode: Number(env.infcode), errMsg: env.err_msg ?? null }, false);
    }
    const signNo = checkOutput(SIGN_IN, env.output).signinoutb.sign_no;
    this.signIn = { signNo, at };
    return signNo;
  }

  /** Sends until an answer arrives, retrying transport faults of idempotent transactions within the deadline. */
  private async exchange(tx: PlatformTransaction<TSchema>, input: Record<string, unknown>, signNo: string, admdvs: string, deadline: number): Promise<ResponseEnvelope> {
    for (let attempt = 1; ; attempt++) {
      try {
        const remaining = deadline - this.clock();
        if (remaining <= 0) throw new PlatformFault('PLATFORM_UNAVAILABLE', { infno: tx.infno, cause: 'timeout' }, true);
        return this.read(tx, await this.send(tx, input, signNo, admdvs, remaining));
      } catch (caught) {
        const err = caught instanceof TransportError ? transportFault(tx.infno, caught) : caught;
        const backoff = BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        const again = err instanceof PlatformFault && err.retryable && tx.idempotent && attempt <= this.options.retries && this.clock() + backoff < deadline;
        if (!again) {
          if (err instanceof PlatformFault) err.reason.detail = { ...err.reason.detail, attempts: attempt };
          throw err;
        }
        await sleep(backoff);
      }
    }
  }

  private send(tx: PlatformTransaction<TSchema>, input: Record<string, unknown>, signNo: string, admdvs: string, remaining: number): Promise<WireAnswer> {
    const { identity, signer, transport } = this.options;
    const now = new Date(this.clock());
    const envelope = buildEnvelope(identity, { infno: tx.infno, msgid: this.msgIds.next(identity.fixmedinsCode, now), signNo, insuplcAdmdvs: admdvs, signtype: signer.signtype, input }, now);
    return transport.post(tx.infno, signer.seal(JSON.stringify(envelope)), remaining);
  }

  private read(tx: PlatformTransaction<TSchema>, answer: WireAnswer): ResponseEnvelope {
    if (answer.status >= 500) throw new PlatformFault('PLATFORM_UNAVAILABLE', { infno: tx.infno, cause: 'http-status', status: answer.status }, true, true);
    // A gateway refusing us (401, 403, 404...) will refuse every call: as unhealthy as a dead platform.
    if (answer.status !== 200) throw new PlatformFault('PLATFORM_ERROR', { infno: tx.infno, cause: 'http-status', status: answer.status }, true);
    if (tx.answersWithFile && answer.bytes && !/json/i.test(answer.headers['content-type'] ?? '')) return { infcode: 0, output: answer.bytes };
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.options.signer.open(answer));
    } catch (err) {
      const cause = err instanceof WireError ? err.kind : 'malformed';
      throw new PlatformFault('PLATFORM_ERROR', { infno: tx.infno, cause, message: err instanceof WireError ? err.message : 'answer is not JSON' }, true, false, err);
    }
    if (!RESPONSE_ENVELOPE.Check(parsed)) throw new PlatformFault('PLATFORM_ERROR', { infno: tx.infno, cause: 'malformed', message: 'answer is not a response envelope' }, true);
    return parsed;
  }
}

function transportFault(infno: string, err: TransportError): PlatformFault {
  // An answer too large to be one is garbage, not an outage: not worth sending again.
  if (err.kind === 'too-large') return new PlatformFault('PLATFORM_ERROR', { infno, cause: 'malformed', message: err.message }, true, false, err);
  return new PlatformFault('PLATFORM_UNAVAILABLE', { infno, cause: err.kind }, true, err.kind === 'connection', err);
}

// Compiled once per schema: the interpreted check costs more than the loopback round trip.
const RESPONSE_ENVELOPE = Compile(ResponseEnvelopeSchema);
const validators = new WeakMap<TSchema, Validator>();

function checkOutput<S extends TSchema>(tx: PlatformTransaction<S>, output: unknown): Static<S> {
  let validator = validators.get(tx.output);
  if (!validator) {
    validator = Compile(tx.output);
    validators.set(tx.output, validator);
  }
  if (validator.Check(output)) return output as Static<S>;
  const first = [...Value.Errors(tx.output, output)][0];
  throw new PlatformFault('PLATFORM_ERROR', { infno: tx.infno, cause: 'unexpected-answer', message: `${first?.instancePath || '/'}: ${first?.message ?? 'does not match'}` }, false);
}
