import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformFault } from '../../src/account/client.js';
import { AccountService } from '../../src/account/service.js';
import { PERSON_INFO, personInfoInput } from '../../src/account/tx/1101-person-info.js';
import type { FaultSpec } from '../../src/simulator/faults.js';
import { credentialOf, scenarioCard, startPlatform, type PlatformFixture } from './platform-fixture.js';

const SIGNERS = [
  { kind: 'hmac' as const, appId: 'APP-330300', secret: 'hmac-secret', sm4Key: '' },
  { kind: 'sm' as const, appId: 'APP-330300', secret: 'sm3-secret', sm4Key: '00112233445566778899aabbccddeeff' },
];

describe.each(SIGNERS)('platform faults on demand, $kind signer, over loopback HTTP', (signer) => {
  let p: PlatformFixture;
  beforeAll(async () => {
    p = await startPlatform({ signer, client: { timeoutMs: 400 } });
    await p.client.call(PERSON_INFO, personInfoInput(credentialOf(scenarioCard(p, 'normal'))));
  });
  afterEach(() => {
    p.sim.control.clearFaults();
    p.sim.control.resetRequests();
  });
  afterAll(async () => p.close());

  const query = (client = p.client) => client.call(PERSON_INFO, personInfoInput(credentialOf(scenarioCard(p, 'normal'))));
  const fail = async (fault: FaultSpec, client = p.client) => {
    p.sim.control.addFault({ infno: '1101', ...fault });
    const err = await query(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformFault);
    return err as PlatformFault;
  };
  const calls1101 = () => p.sim.control.requests()['1101'] ?? 0;

  it('a slow answer within the deadline is an answer', async () => {
    p.sim.control.addFault({ kind: 'slow', infno: '1101', delayMs: 100 });
    await expect(query()).resolves.toMatchObject({ baseinfo: { psn_no: '330300000000000019' } });
  });

  it('a slow answer past the deadline is PLATFORM_UNAVAILABLE (timeout), not retried', async () => {
    const err = await fail({ kind: 'slow', delayMs: 1500 });
    expect(err.reason).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', detail: { infno: '1101', cause: 'timeout', attempts: 1 } });
    expect(calls1101()).toBe(1);
  });

  it('no answer at all is PLATFORM_UNAVAILABLE (timeout)', async () => {
    const err = await fail({ kind: 'timeout' });
    expect(err.reason).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', detail: { cause: 'timeout' } });
  });

  it('one HTTP 502 is retried and the query answers', async () => {
    p.sim.control.addFault({ kind: 'http-error', infno: '1101', status: 502, times: 1 });
    await expect(query()).resolves.toBeTruthy();
    expect(calls1101()).toBe(2);
  });

  it('HTTP 5xx that persists is PLATFORM_UNAVAILABLE after the bounded retries', async () => {
    const err = await fail({ kind: 'http-error', status: 503 });
    expect(err.reason).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', detail: { cause: 'http-status', status: 503, attempts: 3 } });
    expect(calls1101()).toBe(3);
  });

  it('a transaction that is not idempotent is never sent twice', async () => {
    p.sim.control.addFault({ kind: 'http-error', infno: '1101', status: 502, times: 1 });
    const err = await p.client.call({ ...PERSON_INFO, idempotent: false }, personInfoInput(credentialOf(scenarioCard(p, 'normal')))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PLATFORM_UNAVAILABLE' });
    expect(calls1101()).toBe(1);
  });

  it('a gateway refusing us (HTTP 403) is PLATFORM_ERROR and not retried', async () => {
    const err = await fail({ kind: 'http-error', status: 403 });
    expect(err.reason).toMatchObject({ code: 'PLATFORM_ERROR', detail: { cause: 'http-status', status: 403 } });
    expect(calls1101()).toBe(1);
  });

  it('infcode -1 carries the platform err_msg as PLATFORM_ERROR', async () => {
    const err = await fail({ kind: 'refuse', errMsg: '医保结算系统维护中，请稍后再试' });
    expect(err.reason).toMatchObject({ code: 'PLATFORM_ERROR', detail: { cause: 'refused', infcode: -1, errMsg: '医保结算系统维护中，请稍后再试' } });
    expect(calls1101()).toBe(1);
  });

  it('malformed JSON is PLATFORM_ERROR (malformed)', async () => {
    const err = await fail({ kind: 'malformed' });
    expect(err.reason).toMatchObject({ code: 'PLATFORM_ERROR', detail: { cause: 'malformed' } });
  });

  it('an answer signed with the wrong key is PLATFORM_ERROR (signature) and its content is not used', async () => {
    const err = await fail({ kind: 'bad-signature' });
    expect(err.reason).toMatchObject({ code: 'PLATFORM_ERROR', detail: { cause: 'signature' } });
  });

  it('a dropped connection is retried and the query answers', async () => {
    p.sim.control.addFault({ kind: 'reset', infno: '1101', times: 1 });
    await expect(query()).resolves.toBeTruthy();
    expect(calls1101()).toBe(2);
  });

  it('a client holding the wrong key fails with PLATFORM_ERROR at sign-in, once, without looping', async () => {
    const { createSigner } = await import('../../src/account/signing/index.js');
    const stranger = p.newClient({ signer: createSigner({ ...signer, secret: 'not-the-key' }) });
    const err = await query(stranger).catch((e: unknown) => e);
    // The platform refuses the request; its answer, signed with the real key, does not verify under ours either.
    expect(err).toMatchObject({ code: 'PLATFORM_ERROR', reason: { detail: { infno: '9001', cause: 'signature' } } });
    expect(p.sim.control.requests()).toEqual({ rejected: 1 });
  });

  it.each<FaultSpec>([
    { kind: 'timeout' }, { kind: 'http-error', status: 500 }, { kind: 'refuse' }, { kind: 'malformed' }, { kind: 'bad-signature' }, { kind: 'reset' },
  ])('the account check fails closed on $kind: a PLATFORM_* fault, never an account status', async (fault) => {
    const accounts = new AccountService(p.client, { cacheMs: 60_000 });
    p.sim.control.addFault({ infno: '1101', ...fault });
    const outcome = await accounts.check({ regionCode: '330300', cardId: scenarioCard(p, 'not-insured').chip.ef05.cardId, cardNumber: scenarioCard(p, 'not-insured').chip.ef05.cardNumber, idNumber: '', name: '', cardType: '3', specVersion: '3.00', issueDate: '', expiryDate: '', gender: '1', birthDate: '' }).then(
      (status) => ({ status }), (error: unknown) => ({ error }));
    expect(outcome).not.toHaveProperty('status');
    expect((outcome as { error: PlatformFault }).error.code).toMatch(/^PLATFORM_(UNAVAILABLE|ERROR)$/);
  });
});
