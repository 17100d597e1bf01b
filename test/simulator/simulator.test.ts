import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, MsgIdSource } from '../../src/account/envelope.js';
import { createSigner, type SignerConfig } from '../../src/account/signing/index.js';
import { buildSimulator, DEFAULT_PLATFORM_PATH, type SimulatorApp } from '../../src/simulator/app.js';
import { SIMULATED_TRANSACTIONS } from '../../src/simulator/tx/index.js';
import { IDENTITY, SHIPPED_CARDS } from '../account/platform-fixture.js';

const NONE: SignerConfig = { kind: 'none', appId: '', secret: '', sm4Key: '' };
const normal = SHIPPED_CARDS.get('normal')!;
const byCard = { data: { mdtrt_cert_type: '03', mdtrt_cert_no: normal.chip.ef05.cardNumber, card_sn: normal.chip.ef05.cardId } };

/** Speaks to the simulator with hand-built envelopes, as a platform client of any make would. */
async function start(options: { signer?: SignerConfig; pathTemplate?: string } = {}) {
  const signer = options.signer ?? NONE;
  const sim = await buildSimulator({ cards: SHIPPED_CARDS, signer, ...(options.pathTemplate ? { pathTemplate: options.pathTemplate } : {}) });
  const url = await sim.listen({ host: '127.0.0.1', port: 0 });
  const seal = createSigner(signer);
  const ids = new MsgIdSource();
  const post = async (infno: string, input: Record<string, unknown>, signNo = '', patch: Record<string, unknown> = {}, path = (options.pathTemplate ?? DEFAULT_PLATFORM_PATH).replace('{infno}', infno)) => {
    const now = new Date();
    const env = { ...buildEnvelope(IDENTITY, { infno, msgid: ids.next(IDENTITY.fixmedinsCode, now), signNo, insuplcAdmdvs: '', signtype: seal.signtype, input }, now), ...patch };
    const msg = seal.seal(JSON.stringify(env));
    const res = await fetch(url + path, { method: 'POST', headers: msg.headers, body: msg.body });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => { headers[k] = v; });
    return JSON.parse(seal.open({ headers, body: await res.text() })) as { infcode: number; err_msg: string | null; output: any };
  };
  const signIn = async () => (await post('9001', { signIn: { opter_no: 'guard', mac: '', ip: '127.0.0.1' } })).output.signinoutb.sign_no as string;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/admin${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as any };
  };
  return { sim, url, post, signIn, admin };
}

describe('the platform simulator', () => {
  let s: Awaited<ReturnType<typeof start>>;
  let sim: SimulatorApp;
  beforeAll(async () => {
    s = await start();
    sim = s.sim;
  });
  afterAll(async () => sim.close());

  it('registers one handler per transaction code', () => {
    expect([...SIMULATED_TRANSACTIONS.keys()]).toEqual(expect.arrayContaining(['9001', '1101']));
    for (const [infno, tx] of SIMULATED_TRANSACTIONS) expect(tx.infno).toBe(infno);
  });

  it('answers 9001 and 1101 in the real envelope and field names, with the cardinfo extension for card queries', async () => {
    const signNo = await s.signIn();
    expect(signNo).toMatch(/^[0-9A-F]{16}$/);
    const res = await s.post('1101', byCard, signNo);
    expect(res).toMatchObject({ infcode: 0, err_msg: null, inf_refmsgid: expect.stringMatching(/^330300\d{14}[0-9a-f]{10}$/), respond_time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    expect(res.output.baseinfo).toMatchObject({ psn_no: '330300000000000019', psn_cert_type: '01', certno: normal.chip.ef06.idNumber, psn_name: '孙八', gend: '1', brdy: '1985-08-15' });
    expect(res.output.insuinfo).toEqual(normal.backOffice.insuinfo);
    expect(res.output.cardinfo).toEqual({ card_sn: normal.chip.ef05.cardId, card_stas: '1' });
    const byId = await s.post('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: normal.chip.ef06.idNumber } }, signNo);
    expect(byId.output.cardinfo).toBeUndefined();
  });

  it.each([
    ['no sign-in', byCard, '', '签到信息无效，请重新签到'],
    ['an unknown certificate type', { data: { mdtrt_cert_type: '09', mdtrt_cert_no: 'x' } }, null, /mdtrt_cert_type/],
    ['a card query without card_sn', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'X00000019' } }, null, /card_sn/],
    ['no data', {}, null, /data/],
  ])('refuses 1101 with %s', async (_what, input, signNo, message) => {
    const res = await s.post('1101', input, signNo ?? (await s.signIn()));
    expect(res).toMatchObject({ infcode: -1, output: null });
    expect(res.err_msg).toMatch(message);
  });

  it('validates the envelope before the transaction', async () => {
    expect((await s.post('9001', {}, '', { msgid: 'short' })).err_msg).toMatch(/报文格式错误: \/msgid/);
    expect((await s.post('9001', {}, '', { infver: 'V2.0' })).err_msg).toMatch(/\/infver/);
    expect((await s.post('9001', {}, '', { msgid: 'P99999999999202603060004050001' })).err_msg).toMatch(/msgid/);
    expect((await s.post('4101', {}, await s.signIn())).err_msg).toBe('不支持的交易 4101');
  });

  it('admin: adds, lists and clears faults; a rule with times is used up', async () => {
    expect((await s.admin('POST', '/faults', { kind: 'melt' })).status).toBe(400);
    expect((await s.admin('POST', '/faults', { kind: 'refuse', extra: 1 })).status).toBe(400);
    const added = await s.admin('POST', '/faults', { kind: 'refuse', infno: '9001', errMsg: '维护中', times: 1 });
    expect(added).toMatchObject({ status: 201, body: { id: expect.any(Number), kind: 'refuse', times: 1, hits: 0 } });
    expect((await s.admin('GET', '/faults')).body.faults).toHaveLength(1);
    expect((await s.post('9001', {})).err_msg).toBe('维护中');
    expect((await s.admin('GET', '/faults')).body.faults).toHaveLength(0);
    await s.admin('POST', '/faults', { kind: 'http-error', status: 502 });
    expect((await s.admin('DELETE', '/faults')).body).toEqual({ cleared: 1 });
  });

  it('admin: a bad-signature fault needs a signer', async () => {
    expect(await s.admin('POST', '/faults', { kind: 'bad-signature' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/PLATFORM_SIGNER=none/) } });
  });

  it('admin: issues e-voucher tokens for a scenario, expires sign-ins, counts requests', async () => {
    expect((await s.admin('POST', '/ec-tokens', { scenario: 'nope' })).status).toBe(404);
    const { body } = await s.admin('POST', '/ec-tokens', { scenario: 'suspended' });
    const signNo = await s.signIn();
    const res = await s.post('1101', { data: { mdtrt_cert_type: '01', mdtrt_cert_no: body.ecToken } }, signNo);
    expect(res.output.insuinfo[0].psn_insu_stas).toBe('2');
    expect((await s.admin('POST', '/sign-ins/expire')).body.expired).toBeGreaterThan(0);
    expect((await s.post('1101', byCard, signNo)).err_msg).toMatch(/签到/);
    expect((await s.admin('GET', '/stats')).body.requests).toMatchObject({ '9001': expect.any(Number), '1101': expect.any(Number) });
    expect((await s.admin('DELETE', '/stats')).body).toEqual({ requests: {} });
  });

  it('answers 9002 sign-out: that sign_no is no longer honoured, another one still is', async () => {
    const [gone, kept] = [await s.signIn(), await s.signIn()];
    const signOut = (signNo: string, envelopeSignNo = signNo) => s.post('9002', { signOut: { sign_no: signNo, opter_no: 'guard' } }, envelopeSignNo);
    expect(await signOut(kept, gone)).toMatchObject({ infcode: -1, err_msg: expect.stringMatching(/sign_no/) });
    expect(await signOut(gone)).toMatchObject({ infcode: 0, err_msg: null, output: { signoutoutb: { sign_time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) } } });
    expect(await s.post('1101', byCard, gone)).toMatchObject({ infcode: -1, err_msg: '签到信息无效，请重新签到' });
    expect(await signOut(gone)).toMatchObject({ infcode: -1, err_msg: '签到信息无效，请重新签到' });
    expect((await s.post('1101', byCard, kept)).infcode).toBe(0);
  });
});

describe('the simulator behind a province signer and per-transaction URLs', () => {
  it('answers sealed requests under SM4 + HMAC-SM3 at /api/{infno}, and refuses unsigned ones', async () => {
    const signer: SignerConfig = { kind: 'sm', appId: 'P33030000001', secret: 's', sm4Key: '00112233445566778899aabbccddeeff' };
    const s = await start({ signer, pathTemplate: '/api/{infno}' });
    try {
      const signNo = await s.signIn();
      expect((await s.post('1101', byCard, signNo)).output.baseinfo.psn_no).toBe('330300000000000019');
      expect((await s.post('1101', byCard, signNo, {}, '/api/9001')).err_msg).toMatch(/交易编号与地址不一致/);
      const plain = await fetch(`${s.url}/api/9001`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const headers: Record<string, string> = {};
      plain.headers.forEach((v, k) => { headers[k] = v; });
      const answer = JSON.parse(createSigner(signer).open({ headers, body: await plain.text() }));
      expect(answer).toMatchObject({ infcode: -1, err_msg: expect.stringMatching(/报文格式错误|签名验证失败/) });
      expect(s.sim.control.requests()).toMatchObject({ rejected: 1 });
    } finally {
      await s.sim.close();
    }
  });
});
