import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { platformTime, type RequestEnvelope, type ResponseEnvelope } from '../account/envelope.js';
import type { VirtualCard } from '../emulator/virtual-cards.js';

export interface SimulatorOptions {
  cards: Map<string, VirtualCard>;
  logger?: boolean;
}

/**
 * The platform simulator: answers the national interface's transactions in the real envelope
 * and field names, with per-card state from the virtual card files.
 */
export async function buildSimulator(options: SimulatorOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  const byCardSn = new Map<string, VirtualCard>();
  for (const card of options.cards.values()) byCardSn.set(card.chip.ef05.cardId, card);
  const signNos = new Set<string>();

  app.get('/health', async () => ({ ok: true }));

  app.post('/fsi/api/rsfComIfsService/callService', async (request): Promise<ResponseEnvelope> => {
    const env = request.body as Partial<RequestEnvelope>;
    const answer = (infcode: number, output: unknown, errMsg: string | null = null): ResponseEnvelope => ({
      infcode,
      inf_refmsgid: `${env.mdtrtarea_admvs ?? '000000'}${platformTime(new Date()).replace(/\D/g, '')}${randomBytes(4).toString('hex')}`,
      refmsg_time: platformTime(new Date()),
      respond_time: platformTime(new Date()),
      err_msg: errMsg,
      warn_msg: null,
      output,
    });
    switch (env.infno) {
      case '9001': {
        const signNo = randomBytes(8).toString('hex');
        signNos.add(signNo);
        return answer(0, { signinoutb: { sign_time: platformTime(new Date()), sign_no: signNo } });
      }
      case '1101': {
        if (!env.sign_no || !signNos.has(env.sign_no)) return answer(-1, null, '签到信息无效，请重新签到');
        const data = (env.input as { data?: Record<string, string> } | undefined)?.data ?? {};
        const card = data['card_sn'] ? byCardSn.get(data['card_sn']) : undefined;
        if (!card || card.chip.ef05.cardNumber !== data['mdtrt_cert_no']) return answer(-1, null, '未查询到人员信息');
        const holder = card.chip.ef06;
        const b = holder.birthDate;
        return answer(0, {
          baseinfo: {
            psn_no: card.backOffice.psnNo,
            psn_cert_type: '01',
            certno: holder.idNumber,
            psn_name: holder.name,
            gend: holder.gender,
            naty: holder.nation,
            brdy: `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6, 8)}`,
            age: new Date().getUTCFullYear() - Number(b.slice(0, 4)),
          },
          insuinfo: card.backOffice.insuinfo,
          idetinfo: [],
          cardinfo: { card_sn: card.chip.ef05.cardId, card_stas: card.backOffice.cardState },
        });
      }
      default:
        return answer(-1, null, `不支持的交易 ${String(env.infno)}`);
    }
  });
  return app;
}
