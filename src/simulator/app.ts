import { randomBytes } from 'node:crypto';
import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { INFVER, platformTime, type RequestEnvelope, type ResponseEnvelope } from '../account/envelope.js';
import { createSigner, WireError, type PlatformSigner, type SignerConfig } from '../account/signing/index.js';
import type { VirtualCard } from '../emulator/virtual-cards.js';
import { FaultPlan, FaultSpecSchema, type FaultRule, type FaultSpec } from './faults.js';
import { SimulatorState } from './state.js';
import { TxRefusal } from './transaction.js';
import { SIMULATED_TRANSACTIONS } from './tx/index.js';

export interface SimulatorOptions {
  cards: Map<string, VirtualCard>;
  logger?: boolean;
  /** The province's message security; both ends must agree. Default: none. */
  signer?: SignerConfig;
  /** Where the platform listens; `{infno}` for one URL per transaction. */
  pathTemplate?: string;
  /** How long a 9001 sign_no stays valid. */
  signInTtlMs?: number;
  /**
   * How a message with an unknown or expired sign_no is refused. Default: the national
   * interface's generic infcode -1 with 签到信息无效，请重新签到; a province's gateway may give it a code of its own.
   */
  signInRejection?: { infcode: number; errMsg: string };
  /** Serve HTTPS with these TLS options (with `requestCert` and `ca`: mutual TLS, as a real gateway). */
  https?: HttpsOptions;
  clock?: () => number;
}

/** The simulator's levers for tests and the admin routes. */
export interface SimulatorControl {
  /** Adds a fault rule; throws RangeError for a bad-signature fault when there is no signer. */
  addFault(spec: FaultSpec): FaultRule;
  clearFaults(): number;
  faults(): FaultRule[];
  state: SimulatorState;
  /** Requests received per transaction code, faulted ones included; unauthentic or malformed ones under `rejected`. */
  requests(): Record<string, number>;
  resetRequests(): void;
}

export type SimulatorApp = FastifyInstance & { control: SimulatorControl };

const REJECTED = 'rejected';

export const DEFAULT_PLATFORM_PATH = '/fsi/api/rsfComIfsService/callService';

/** What the platform checks in every request envelope before it looks at the transaction. */
const RequestEnvelopeSchema = Type.Object({
  infno: Type.String({ pattern: '^\\d{4}$' }),
  msgid: Type.String({ pattern: '^[0-9A-Z]{12}\\d{18}$' }),
  mdtrtarea_admvs: Type.String({ pattern: '^\\d{6}$' }),
  insuplc_admdvs: Type.String({ pattern: '^(\\d{6})?$' }),
  recer_sys_code: Type.String({ minLength: 1 }),
  dev_no: Type.String(),
  dev_safe_info: Type.String(),
  cainfo: Type.String(),
  signtype: Type.String(),
  infver: Type.Literal(INFVER),
  opter_type: Type.Union([Type.Literal('1'), Type.Literal('2'), Type.Literal('3')]),
  opter: Type.String({ minLength: 1 }),
  opter_name: Type.String({ minLength: 1 }),
  inf_time: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' }),
  fixmedins_code: Type.String({ pattern: '^[0-9A-Z]{12}$' }),
  fixmedins_name: Type.String({ minLength: 1 }),
  sign_no: Type.String(),
  input: Type.Record(Type.String(), Type.Unknown()),
});
const REQUEST_ENVELOPE = Compile(RequestEnvelopeSchema);

/**
 * The platform simulator: answers the national interface's transactions in the real envelope
 * and field names, with per-card state from the virtual card files, behind the same province
 * signer as the client. One handler per transaction code, registered in tx/index.ts; faults
 * on demand through `control` or the /admin routes.
 */
export async function buildSimulator(options: SimulatorOptions): Promise<SimulatorApp> {
  // The https variant is typed apart; the routes below do not care which server carries them.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true, bodyLimit: 4 * 1024 * 1024, ajv: { customOptions: { removeAdditional: false } }, ...(options.https ? { https: options.https } : {}) }) as unknown as FastifyInstance;
  const signInRejection = options.signInRejection ?? { infcode: -1, errMsg: '签到信息无效，请重新签到' };
  const clock = options.clock ?? Date.now;
  const state = new SimulatorState(options.cards.values(), options.signInTtlMs ?? 24 * 3600_000, clock);
  const faults = new FaultPlan();
  const counts = new Map<string, number>();
  const signerConfig: SignerConfig = options.signer ?? { kind: 'none', appId: '', secret: '', sm4Key: '' };
  const signer = createSigner(signerConfig);
  // The same scheme under a key nobody has: what a 'bad-signature' fault answers with.
  const wrongSigner = createSigner({ ...signerConfig, secret: randomBytes(32).toString('hex') });
  const control: SimulatorControl = {
    addFault: (spec) => {
      if (spec.kind === 'bad-signature' && signerConfig.kind === 'none') throw new RangeError('the simulator runs without a signer (PLATFORM_SIGNER=none): there is no signature to break');
      return faults.add(spec);
    },
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    state,
    requests: () => Object.fromEntries(counts),
    resetRequests: () => counts.clear(),
  };

  // Requests held by 'slow' and 'timeout' faults are let go when the simulator closes.
  const holds = new Set<() => void>();
  const hold = (ms: number) => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      holds.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    holds.add(done);
  });
  app.addHook('preClose', async () => {
    for (const release of [...holds]) release();
  });

  // The signer needs the exact body bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/health', async () => ({ ok: true }));

  const send = (reply: FastifyReply, envelope: ResponseEnvelope, by: PlatformSigner = signer) => {
    const sealed = by.seal(JSON.stringify(envelope));
    return reply.headers(sealed.headers).send(sealed.body);
  };
  const answer = (env: Partial<RequestEnvelope> | null, infcode: number, output: unknown, errMsg: string | null = null): ResponseEnvelope => {
    const now = new Date(clock());
    return {
      infcode,
      inf_refmsgid: `${env?.mdtrtarea_admvs ?? '000000'}${platformTime(now).replace(/\D/g, '')}${randomBytes(5).toString('hex')}`,
      refmsg_time: env?.inf_time ?? platformTime(now),
      respond_time: platformTime(now),
      err_msg: errMsg,
      warn_msg: null,
      output,
    };
  };

  const route = (options.pathTemplate ?? DEFAULT_PLATFORM_PATH).replaceAll('{infno}', ':infno');
  app.post(route, async (request, reply) => {
    let env: RequestEnvelope;
    try {
      const parsed: unknown = JSON.parse(signer.open({ headers: request.headers as Record<string, string>, body: String(request.body ?? '') }));
      if (!REQUEST_ENVELOPE.Check(parsed)) {
        counts.set(REJECTED, (counts.get(REJECTED) ?? 0) + 1);
        const first = REQUEST_ENVELOPE.Errors(parsed)[0];
        return send(reply, answer(null, -1, null, `报文格式错误: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim()));
      }
      env = parsed;
    } catch (err) {
      counts.set(REJECTED, (counts.get(REJECTED) ?? 0) + 1);
      return send(reply, answer(null, -1, null, err instanceof WireError && err.kind === 'signature' ? `签名验证失败: ${err.message}` : '报文格式错误: 不是 JSON'));
    }
    counts.set(env.infno, (counts.get(env.infno) ?? 0) + 1);
    const pathInfno = (request.params as { infno?: string }).infno;
    if (pathInfno !== undefined && pathInfno !== env.infno) return send(reply, answer(env, -1, null, `交易编号与地址不一致: ${pathInfno}`));
    if (!env.msgid.startsWith(env.fixmedins_code)) return send(reply, answer(env, -1, null, '报文ID msgid 须以定点医药机构编号开头'));

    const fault = faults.take(env.infno);
    if (fault) {
      const faulted = await applyFault(fault, reply, request.raw.socket, hold);
      if (faulted === 'answered') return reply;
      if (faulted === 'refuse') return send(reply, answer(env, -1, null, fault.errMsg ?? '系统繁忙，请稍后再试'));
      if (faulted === 'malformed') {
        const sealed = signer.seal('{"infcode":0,"output":{"baseinfo":{"psn_no":');
        return reply.headers(sealed.headers).send(sealed.body);
      }
    }
    const result = await dispatch(env);
    if (!('envelope' in result)) {
      return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${encodeURIComponent(result.filename)}"`).send(Buffer.from(result.file));
    }
    return send(reply, result.envelope, fault?.kind === 'bad-signature' ? wrongSigner : signer);
  });

  async function dispatch(env: RequestEnvelope): Promise<{ envelope: ResponseEnvelope } | { file: Uint8Array; filename: string }> {
    const tx = SIMULATED_TRANSACTIONS.get(env.infno);
    if (!tx) return { envelope: answer(env, -1, null, `不支持的交易 ${env.infno}`) };
    if (tx.requiresSignIn && !state.signInValid(env.sign_no)) return { envelope: answer(env, signInRejection.infcode, null, signInRejection.errMsg) };
    try {
      const result = await tx.handle(env.input, { envelope: env, state, now: new Date(clock()) });
      return 'output' in result ? { envelope: answer(env, 0, result.output) } : result;
    } catch (err) {
      if (err instanceof TxRefusal) return { envelope: answer(env, -1, null, err.message) };
      throw err;
    }
  }

  await app.register(async (admin) => adminRoutes(admin, control), { prefix: '/admin' });
  return Object.assign(app, { control });
}

/** Applies the network-level part of a fault; 'answered' when the reply is already dealt with. */
async function applyFault(fault: FaultRule, reply: FastifyReply, socket: import('node:net').Socket, hold: (ms: number) => Promise<void>): Promise<'answered' | 'refuse' | 'malformed' | 'continue'> {
  switch (fault.kind) {
    case 'slow':
      await hold(fault.delayMs ?? 1000);
      return 'continue';
    case 'timeout':
      await hold(2 ** 31 - 1);
      reply.hijack();
      socket.destroy();
      return 'answered';
    case 'reset':
      reply.hijack();
      socket.destroy();
      return 'answered';
    case 'http-error': {
      const status = fault.status ?? 503;
      await reply.code(status).type('text/html').send(`<html><body><h1>${status}</h1>gateway error (simulated)</body></html>`);
      return 'answered';
    }
    case 'refuse':
    case 'malformed':
      return fault.kind;
    case 'bad-signature':
      return 'continue';
    default:
      throw new RangeError(`unknown fault ${String(fault.kind satisfies never)}`);
  }
}

async function adminRoutes(app: FastifyInstance, control: SimulatorControl): Promise<void> {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(String(body)));
    } catch (err) {
      (err as { statusCode?: number }).statusCode = 400;
      done(err as Error, undefined);
    }
  });
  app.get('/faults', async () => ({ faults: control.faults() }));
  app.post('/faults', { schema: { body: FaultSpecSchema } }, async (request, reply) => {
    try {
      return await reply.code(201).send(control.addFault(request.body as FaultSpec));
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      return reply.code(400).send({ error: err.message });
    }
  });
  app.delete('/faults', async () => ({ cleared: control.clearFaults() }));
  app.post('/sign-ins/expire', async () => ({ expired: control.state.expireSignIns() }));
  app.post('/ec-tokens', { schema: { body: Type.Object({ scenario: Type.String({ minLength: 1 }) }, { additionalProperties: false }) } }, async (request, reply) => {
    const card = control.state.cardForScenario((request.body as { scenario: string }).scenario);
    if (!card) return reply.code(404).send({ error: 'no virtual card with that scenario' });
    return { ecToken: control.state.issueEcToken(card) };
  });
  app.get('/stats', async () => ({ requests: control.requests() }));
  app.delete('/stats', async () => {
    control.resetRequests();
    return { requests: {} };
  });
}
