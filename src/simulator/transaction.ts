import type { RequestEnvelope } from '../account/envelope.js';
import type { SimulatorState } from './state.js';

/**
 * One platform transaction as the simulator answers it. Each lives in its own file under
 * tx/ (named <infno>-<name>.ts) and is registered in tx/index.ts.
 */
export interface SimulatedTransaction {
  infno: string;
  /** The platform's name for it, e.g. 人员信息获取. */
  name: string;
  /** False only for 9001 itself: everything else needs a live sign_no. */
  requiresSignIn: boolean;
  handle(input: Record<string, unknown>, ctx: TxContext): TxResult | Promise<TxResult>;
}

export interface TxContext {
  envelope: RequestEnvelope;
  state: SimulatorState;
  now: Date;
}

/**
 * `output` goes into the response envelope; `file` is sent as the raw body (file download
 * transactions such as 9102 answer with bytes, not an envelope).
 */
export type TxResult = { output: unknown } | { file: Uint8Array; filename: string };

/** A business refusal: the platform answers infcode -1 with this err_msg. */
export class TxRefusal extends Error {
  override name = 'TxRefusal';
}
