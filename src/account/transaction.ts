import type { Static, TSchema } from 'typebox';

/**
 * One platform transaction as the client speaks it: each lives in tx/<infno>-<name>.ts with
 * its input builder and output schema, so a new transaction is a new file.
 */
export interface PlatformTransaction<S extends TSchema> {
  infno: string;
  /** The platform's name for it, e.g. 人员信息获取. */
  name: string;
  /** Safe to send twice (queries): only these are retried after a transport fault. */
  idempotent: boolean;
  /** The `output` the client accepts; anything else is PLATFORM_ERROR. */
  output: S;
  /**
   * File downloads (9102) answer with the file's bytes instead of an envelope (an envelope
   * only when refused); the bytes are then the `output`.
   */
  answersWithFile?: boolean;
}

export type OutputOf<T> = T extends PlatformTransaction<infer S> ? Static<S> : never;
