import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSON_INFO, personInfoInput } from '../../src/account/tx/1101-person-info.js';
import { credentialOf, scenarioCard, startPlatform, type PlatformFixture } from './platform-fixture.js';

describe('9001 sign-in: kept, shared and renewed, over loopback HTTP', () => {
  const fixtures: PlatformFixture[] = [];
  const start = async (...args: Parameters<typeof startPlatform>) => {
    const p = await startPlatform(...args);
    fixtures.push(p);
    return p;
  };
  afterAll(async () => {
    for (const p of fixtures) await p.close();
  });
  let p: PlatformFixture;
  beforeEach(async () => {
    p = await start({ client: { signInMaxAgeMs: 60_000 } });
  });
  const query = (f = p, client = f.client) => client.call(PERSON_INFO, personInfoInput(credentialOf(scenarioCard(f, 'normal'))));

  it('signs in once for many concurrent first calls and keeps the sign_no', async () => {
    await Promise.all(Array.from({ length: 8 }, () => query()));
    await query();
    expect(p.sim.control.requests()).toEqual({ '9001': 1, '1101': 9 });
    expect(p.client.status()).toMatchObject({ signedIn: true });
  });

  it('renews when the platform rejects the sign_no, and sends the query again', async () => {
    await query();
    expect(p.sim.control.state.expireSignIns()).toBe(1);
    await expect(query()).resolves.toMatchObject({ baseinfo: { psn_no: '330300000000000019' } });
    expect(p.sim.control.requests()).toEqual({ '9001': 2, '1101': 3 });
  });

  it('renews a sign_no that has aged out before using it', async () => {
    await query();
    p.advance(60_000);
    await query();
    expect(p.sim.control.requests()).toEqual({ '9001': 2, '1101': 2 });
  });

  it('renews through the simulator admin route as well', async () => {
    await query();
    const res = await fetch(`${p.url}/admin/sign-ins/expire`, { method: 'POST' });
    expect(await res.json()).toEqual({ expired: 1 });
    await query();
    expect(p.sim.control.requests()['9001']).toBe(2);
  });

  it('renews only once per call: a platform that rejects every sign_no is PLATFORM_ERROR', async () => {
    const f = await start({ simulator: { signInTtlMs: 0 } });
    await expect(query(f)).rejects.toMatchObject({ code: 'PLATFORM_ERROR', reason: { detail: { infno: '1101', cause: 'refused', errMsg: '签到信息无效，请重新签到' } } });
    expect(f.sim.control.requests()).toEqual({ '9001': 2, '1101': 2 });
  });

  it('a refused sign-in is PLATFORM_ERROR for 9001 and is tried again on the next call', async () => {
    p.sim.control.addFault({ kind: 'refuse', infno: '9001', errMsg: '操作员未授权', times: 1 });
    await expect(query()).rejects.toMatchObject({ code: 'PLATFORM_ERROR', reason: { detail: { infno: '9001', errMsg: '操作员未授权' } } });
    expect(p.client.status().signedIn).toBe(false);
    await expect(query()).resolves.toBeTruthy();
  });
});
