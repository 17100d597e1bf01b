import { describe, expect, it } from 'vitest';
import { PERSON_INFO, personInfoInput } from '../../src/account/tx/1101-person-info.js';
import { buildSimulator } from '../../src/simulator/app.js';
import { readScenario, startTestApp } from '../helpers/app.js';
import { credentialOf, scenarioCard, SHIPPED_CARDS, usePlatform } from './platform-fixture.js';

describe('9002 sign-out over loopback HTTP', () => {
  const p = usePlatform();

  const query = (client = p.client) => client.call(PERSON_INFO, personInfoInput(credentialOf(scenarioCard(p, 'normal'))));

  it('gives the sign_no back; the platform no longer honours it, so the next call signs in again', async () => {
    await query();
    await expect(p.client.signOut()).resolves.toBe(true);
    // The platform holds no live sign-in any more: the one sign_no was given back.
    expect(p.sim.control.state.expireSignIns()).toBe(0);
    expect(p.client.status().signedIn).toBe(false);
    await query();
    expect(p.sim.control.requests()).toEqual({ '9001': 2, '1101': 2, '9002': 1 });
  });

  it('close() signs out before it releases the connections', async () => {
    const client = p.newClient();
    await query(client);
    await client.close();
    expect(p.sim.control.requests()['9002']).toBe(1);
  });

  it('sends nothing without a live sign_no', async () => {
    const client = p.newClient();
    await expect(client.signOut()).resolves.toBe(false);
    await query(client);
    p.advance(3600_000);
    await expect(client.signOut()).resolves.toBe(false);
    expect(p.sim.control.requests()['9002']).toBeUndefined();
  });

  it('does not knock on a platform the breaker holds for dead', async () => {
    const client = p.newClient({ retries: 0, breaker: { failureThreshold: 1, cooldownMs: 60_000 } });
    await query(client);
    p.sim.control.addFault({ kind: 'http-error', infno: '1101', status: 502 });
    await expect(query(client)).rejects.toMatchObject({ code: 'PLATFORM_UNAVAILABLE' });
    await expect(client.signOut()).resolves.toBe(false);
    expect(p.sim.control.requests()['9002']).toBeUndefined();
  });

  it('is best effort: a refused, failed or unanswered sign-out resolves false and never throws', async () => {
    for (const fault of [{ kind: 'refuse' as const }, { kind: 'http-error' as const }, { kind: 'malformed' as const }, { kind: 'reset' as const }]) {
      const client = p.newClient();
      await query(client);
      p.sim.control.addFault({ ...fault, infno: '9002', times: 1 });
      await expect(client.signOut()).resolves.toBe(false);
    }
    // A platform that never answers: a client with a minute-long call deadline still lets go
    // after the short sign-out deadline (the test would time out otherwise).
    const patient = p.newClient({ timeoutMs: 60_000 });
    await query(patient);
    p.sim.control.addFault({ kind: 'timeout', infno: '9002', times: 1 });
    await expect(patient.close()).resolves.toBeUndefined();
    expect(p.sim.control.requests()['9002']).toBe(5);
  });
});

describe('the service signs out when it shuts down', () => {
  it('app.close() sends 9002 for the sign_no it holds', async () => {
    const sim = await buildSimulator({ cards: SHIPPED_CARDS });
    try {
      const platformUrl = await sim.listen({ host: '127.0.0.1', port: 0 });
      const t = await startTestApp({ platformUrl });
      await readScenario(t, 'normal');
      expect(sim.control.requests()).toEqual({ '9001': 1, '1101': 1 });
      await t.close();
      expect(sim.control.requests()['9002']).toBe(1);
    } finally {
      await sim.close();
    }
  });
});
