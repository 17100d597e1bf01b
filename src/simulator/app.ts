import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { platformTime, type RequestEnvelope, type ResponseEnvelope } from '../account/envelope.js';
import type { VirtualCard } from '../emulator/virtual-cards.js';
import { SimulatorState } from './state.js';
import { TxRefusal } from './transaction.js';
import { SIMULATED_TRANSACTIONS } from './tx/index.js';

export interface SimulatorOptions {
  cards: Map<string, VirtualCard>;
  logger?: boolean;
  /** How long a 9001 sign_no stays valid. */
  signInTtlMs?: number;
  clock?: () => number;
}

export const CALL_SERVICE_PATH = '/fsi/api/rsfComIfsService/callService';

/**
 * The platform simulator: answers the national interface's transactions in the real envelope
 * and field names, with per-card state from the virtual card files. One handler per
 * transaction code, registered in tx/index.ts.
 */
export async function buildSimulator(options: SimulatorOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  const clock = options.clock ?? Date.now;
  const state = new SimulatorState(options.cards.values(), options.signInTtlMs ?? 24 * 3600_000, clock);

  app.get('/health', async () => ({ ok: true }));

  app.post(CALL_SERVICE_PATH, async (request, reply): Promise<ResponseEnvelope | Buffer> => {
    const env = request.body as RequestEnvelope;
    const now = new Date(clock());
    const answer = (infcode: number, output: unknown, errMsg: string | null = null): ResponseEnvelope => ({
      infcode,
      inf_refmsgid: `${env.mdtrtarea_admvs ?? '000000'}${platformTime(now).replace(/\D/g, '')}${randomBytes(4).toString('hex')}`,
      refmsg_time: platformTime(now),
      respond_time: platformTime(now),
      err_msg: errMsg,
      warn_msg: null,
      output,
    });
    const tx = SIMULATED_TRANSACTIONS.get(env.infno);
    if (!tx) return answer(-1, null, `不支持的交易 ${String(env.infno)}`);
    if (tx.requiresSignIn && !state.signInValid(env.sign_no)) return answer(-1, null, '签到信息无效，请重新签到');
    try {
      const result = await tx.handle(env.input ?? {}, { envelope: env, state, now });
      if ('output' in result) return answer(0, result.output);
      void reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${encodeURIComponent(result.filename)}"`);
      return Buffer.from(result.file);
    } catch (err) {
      if (err instanceof TxRefusal) return answer(-1, null, err.message);
      throw err;
    }
  });
  return app;
}
