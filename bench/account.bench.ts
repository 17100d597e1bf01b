import path from 'node:path';
import { Pool } from 'undici';
import { buildEnvelope, MsgIdSource } from '../src/account/envelope.js';
import { AccountService } from '../src/account/service.js';
import { createSigner, type SignerConfig, type WireMessage } from '../src/account/signing/index.js';
import { cardCredential, personInfoInput } from '../src/account/tx/1101-person-info.js';
import { platformClient } from '../src/account/from-config.js';
import { readBytes } from '../src/account/transport.js';
import type { CardIdentity } from '../src/card/types.js';
import { defaultConfig, PROJECT_ROOT } from '../src/config.js';
import { loadVirtualCards } from '../src/emulator/virtual-cards.js';
import { buildSimulator, DEFAULT_PLATFORM_PATH } from '../src/simulator/app.js';
import type { Benchmark, Figure } from './harness.js';

/**
 * Account checks per second against the platform simulator on loopback, beside bare HTTP
 * round trips to the same simulator in the same run: the same 1101 requests posted over an
 * undici keep-alive pool with the same concurrency, the wire body serialised for every request
 * (the envelope, or under sm the sealed wrapper, sealed once up front) and the answer read as
 * the client's transport reads it and parsed as JSON, nothing else. The difference is the client: envelope and msgid, sealing and
 * opening, envelope and output validation, deadline, breaker, sign-in, eligibility mapping. No
 * answer cache: every check goes to the platform.
 *
 * Under a signer a third path, bare round trips that also seal every request and open every
 * answer, shows how much of the difference is the province scheme itself, measured where it
 * runs: between round trips it costs two to three times what it costs in a tight loop.
 *
 * The simulator runs in this process, so every path pays for it. The figure counts per CPU
 * second of this process (user + system, loopback networking included), which neighbours on
 * a shared two-core box cannot inflate the way they swing wall-clock rates; the wall-clock
 * rates are in the note.
 */
const CONCURRENCY = 8;
const GOAL = 0.9;

const cards = loadVirtualCards(path.join(PROJECT_ROOT, 'devices'));
/** One card per request in flight: concurrent checks of one card would share a single platform query. */
const CARDS: CardIdentity[] = [...cards.values()].slice(0, CONCURRENCY).map(({ chip }) => ({
  regionCode: chip.ef05.cardId.slice(0, 6), cardId: chip.ef05.cardId, cardNumber: chip.ef05.cardNumber, cardType: chip.ef05.cardType, specVersion: chip.ef05.specVersion,
  issueDate: '', expiryDate: '', idNumber: chip.ef06.idNumber, name: chip.ef06.name, gender: chip.ef06.gender, birthDate: '',
}));

interface Tally { ops: number; wallMs: number; cpuMs: number }

/** CONCURRENCY workers calling `op` for `ms`; process CPU time (user + system) alongside wall time. */
async function slice(op: (worker: number) => Promise<unknown>, ms: number, into: Tally): Promise<void> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  let ops = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, worker) => {
    while (performance.now() < end) {
      await op(worker);
      ops++;
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  into.ops += ops;
  into.wallMs += performance.now() - start;
  into.cpuMs += (cpu.user + cpu.system) / 1000;
}

const perSecond = (t: Tally, by: 'wallMs' | 'cpuMs') => (t.ops * 1000) / t[by];

async function measure(signer: SignerConfig, slices: number, sliceMs: number): Promise<{ checks: Tally; bare: Tally; sealed: Tally | null; ratio: number }> {
  const sim = await buildSimulator({ cards, signer });
  const url = await sim.listen({ host: '127.0.0.1', port: 0 });
  const config = { ...defaultConfig(), platformConnections: CONCURRENCY, platformSigner: signer.kind };
  const client = platformClient(config, url, signer);
  const accounts = new AccountService(client, { cacheMs: 0 });
  const pool = new Pool(new URL(url).origin, { connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  const seal = createSigner(signer);
  try {
    const post = async (message: { headers: Record<string, string>; body: string }) => {
      const res = await pool.request({ method: 'POST', path: DEFAULT_PLATFORM_PATH, headers: message.headers, body: message.body });
      return { headers: res.headers as Record<string, string>, body: (await readBytes(res.body)).toString('utf8') } satisfies WireMessage;
    };
    const envelopeOf = (infno: string, input: Record<string, unknown>, signNo: string, insuplcAdmdvs = '') => {
      const now = new Date();
      return buildEnvelope({ fixmedinsCode: config.fixmedinsCode, fixmedinsName: config.fixmedinsName, admvs: config.admvs, opter: 'guard', opterName: 'bench' },
        { infno, msgid: new MsgIdSource().next(config.fixmedinsCode, now), signNo, insuplcAdmdvs, signtype: seal.signtype, input }, now);
    };
    const answer = async (message: { headers: Record<string, string>; body: string }) => JSON.parse(seal.open(await post(message))) as { infcode: number; output: any };
    const signNo = (await answer(seal.seal(JSON.stringify(envelopeOf('9001', { signIn: { opter_no: 'guard', mac: '', ip: '127.0.0.1' } }, ''))))).output.signinoutb.sign_no as string;
    const envelopes = CARDS.map((card) => envelopeOf('1101', personInfoInput(cardCredential(card)), signNo, card.regionCode));
    const sealed = envelopes.map((e) => seal.seal(JSON.stringify(e)));
    // What any HTTP client of a JSON API does at the least: serialise the body it sends, post
    // it, parse the answer. The wire body is re-serialised from its value for every request
    // (the same bytes, so the signature made up front still holds).
    const wire = sealed.map(({ headers, body }) => ({ headers, value: JSON.parse(body) as unknown }));
    if (wire.some(({ value }, i) => JSON.stringify(value) !== sealed[i]!.body)) throw new Error('wire body does not serialise back to the same bytes');
    const bareOnce = async (worker: number) => {
      const { headers, value } = wire[worker]!;
      return JSON.parse((await post({ headers, body: JSON.stringify(value) })).body) as unknown;
    };
    // The province scheme and nothing else: seal the envelope, post, open and parse the answer.
    const sealedOnce = (worker: number) => answer(seal.seal(JSON.stringify(envelopes[worker])));
    const checkOnce = (worker: number) => accounts.check(CARDS[worker]!);
    // Both paths must really work before they are timed.
    for (const request of sealed) if ((await answer(request)).infcode !== 0) throw new Error('bare round trip refused');
    for (const card of CARDS) await accounts.check(card);
    const paths = signer.kind === 'none' ? [bareOnce, checkOnce] : [bareOnce, checkOnce, sealedOnce];
    const warm: Tally = { ops: 0, wallMs: 0, cpuMs: 0 };
    for (const path of paths) await slice(path, sliceMs * 2, warm);
    // Many short slices, alternating, compared pair by pair: both paths of a pair see the same
    // neighbours on a shared box, and the median pair ignores the bursts.
    const totals = paths.map((): Tally => ({ ops: 0, wallMs: 0, cpuMs: 0 }));
    const pairRatios: number[] = [];
    for (let i = 0; i < slices; i++) {
      const round = paths.map((): Tally => ({ ops: 0, wallMs: 0, cpuMs: 0 }));
      const order = paths.map((_, p) => p);
      if (i % 2 === 1) order.reverse();
      for (const p of order) await slice(paths[p]!, sliceMs, round[p]!);
      pairRatios.push(perSecond(round[1]!, 'cpuMs') / perSecond(round[0]!, 'cpuMs'));
      round.forEach((from, p) => {
        const into = totals[p]!;
        into.ops += from.ops;
        into.wallMs += from.wallMs;
        into.cpuMs += from.cpuMs;
      });
    }
    pairRatios.sort((x, y) => x - y);
    return { bare: totals[0]!, checks: totals[1]!, sealed: totals[2] ?? null, ratio: pairRatios[Math.floor(pairRatios.length / 2)]! };
  } finally {
    await pool.destroy();
    await client.close();
    await sim.close();
  }
}

const SIGNERS: { label: string; signer: SignerConfig }[] = [
  { label: 'plain envelope (PLATFORM_SIGNER=none)', signer: { kind: 'none', appId: '', secret: '', sm4Key: '' } },
  { label: 'HMAC-SHA256 headers (hmac)', signer: { kind: 'hmac', appId: 'P33030000001', secret: 'bench-secret', sm4Key: '' } },
  { label: 'SM4 + HMAC-SM3 (sm)', signer: { kind: 'sm', appId: 'P33030000001', secret: 'bench-secret', sm4Key: '00112233445566778899aabbccddeeff' } },
];

const bench: Benchmark = {
  name: 'account',
  async run({ quick }) {
    const figures: Figure[] = [];
    for (const { label, signer } of SIGNERS) {
      const { checks, bare, sealed, ratio: cpuRatio } = await measure(signer, quick ? 4 : 60, quick ? 60 : 100);
      const micros = (t: Tally) => (t.cpuMs * 1000) / t.ops;
      const bareUs = micros(bare);
      const checkUs = micros(checks);
      const schemeUs = sealed ? micros(sealed) - bareUs : 0;
      const crypto = sealed ? `; of the ${(checkUs - bareUs).toFixed(0)} µs CPU added per check, ${schemeUs.toFixed(0)} µs is the province scheme's own sealing and opening (bare round trips that also seal and open: ${micros(sealed).toFixed(0)} µs), leaving ${((checkUs - bareUs - schemeUs) / bareUs * 100).toFixed(1)}% for the rest of the client` : '';
      figures.push({
        figure: `account checks (1101 by card) per CPU second, ${label}, ${CONCURRENCY} cards in flight`,
        value: Math.round(perSecond(checks, 'cpuMs')),
        unit: 'checks/CPU-s',
        baseline: 'bare HTTP round trips (JSON out, JSON parsed back) of the same 1101 requests to the same simulator, per CPU second',
        baselineValue: Math.round(perSecond(bare, 'cpuMs')),
        ratio: Number(cpuRatio.toFixed(3)),
        goal: `ratio >= ${GOAL} (client overhead under 10%)`,
        met: cpuRatio >= GOAL,
        note: `client overhead ${((1 / cpuRatio - 1) * 100).toFixed(1)}% CPU per check (median of alternating pairs; totals ${checkUs.toFixed(0)} vs ${bareUs.toFixed(0)} µs)${crypto}; wall clock ${Math.round(perSecond(checks, 'wallMs'))} checks/s vs ${Math.round(perSecond(bare, 'wallMs'))} bare/s (ratio ${(perSecond(checks, 'wallMs') / perSecond(bare, 'wallMs')).toFixed(2)}, noisy on a shared box)`,
      });
    }
    return figures;
  },
};

export default bench;
