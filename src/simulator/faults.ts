import { Type, type Static } from 'typebox';

/**
 * Faults on demand. Each rule applies to one transaction code (or all), for a number of
 * requests (or until cleared); the first matching rule wins.
 * - slow: answer normally after delayMs
 * - timeout: never answer (the connection is dropped when the simulator closes)
 * - http-error: HTTP `status` (default 503) with an HTML body, as a gateway would
 * - refuse: infcode -1 with `errMsg`
 * - malformed: a truncated JSON body, correctly signed
 * - bad-signature: the right answer signed with the wrong key
 * - reset: the TCP connection is destroyed without an answer
 */
export const FaultSpecSchema = Type.Object({
  kind: Type.Union([Type.Literal('slow'), Type.Literal('timeout'), Type.Literal('http-error'), Type.Literal('refuse'), Type.Literal('malformed'), Type.Literal('bad-signature'), Type.Literal('reset')]),
  infno: Type.Optional(Type.String({ pattern: '^\\d{4}$', description: 'Only this transaction code; absent: every transaction' })),
  times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'How many requests it hits; absent: until cleared' })),
  delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'slow: delay before the answer' })),
  status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: 'http-error: the status (default 503)' })),
  errMsg: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'refuse: the err_msg (default 系统繁忙，请稍后再试)' })),
}, { additionalProperties: false });
export type FaultSpec = Static<typeof FaultSpecSchema>;

export interface FaultRule extends FaultSpec {
  id: number;
  /** Requests it has hit so far. */
  hits: number;
}

export class FaultPlan {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = { ...spec, id: this.nextId++, hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    return n;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The fault for this request, if any; a rule whose `times` are used up is removed. */
  take(infno: string): FaultRule | undefined {
    const rule = this.rules.find((r) => r.infno === undefined || r.infno === infno);
    if (!rule) return undefined;
    rule.hits++;
    if (rule.times !== undefined && rule.hits >= rule.times) this.rules = this.rules.filter((r) => r !== rule);
    return { ...rule };
  }
}
