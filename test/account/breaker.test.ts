import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/account/breaker.js';
import type { PlatformClient } from '../../src/account/client.js';
import { PERSON_INFO, personInfoInput } from '../../src/account/tx/1101-person-info.js';
import { credentialOf, scenarioCard, startPlatform, type PlatformFixture } from './platform-fixture.js';

describe('the circuit breaker state machine', () => {
  it('opens after the threshold, refuses during the cooldown, lets one probe through, and closes on its success', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100, clock: () => now });
    expect(b.admit()).toBe(true);
    b.failed();
    expect(b.snapshot().state).toBe('closed');
    b.failed();
    expect(b.snapshot()).toEqual({ state: 'open', consecutiveFailures: 2, probeAt: 100 });
    expect(b.admit()).toBe(false);
    now = 100;
    expect(b.snapshot().state).toBe('half-open');
    expect(b.admit()).toBe(true);
    expect(b.admit()).toBe(false);
    b.succeeded();
    expect(b.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, probeAt: null });
  });

  it('a failed probe opens the circuit for another cooldown', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, clock: () => now });
    b.failed();
    now = 150;
    expect(b.admit()).toBe(true);
    b.failed();
    expect(b.snapshot()).toMatchObject({ state: 'open', probeAt: 250 });
    expect(b.admit()).toBe(false);
  });

  it('a success resets the count of consecutive failures', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 100 });
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.snapshot().state).toBe('closed');
  });
});

describe('the breaker in front of a dead platform, over loopback HTTP', () => {
  let p: PlatformFixture;
  let client: PlatformClient;
  beforeAll(async () => {
    p = await startPlatform();
    client = p.newClient({ retries: 0, timeoutMs: 300, breaker: { failureThreshold: 3, cooldownMs: 5000 } });
    await query();
  });
  afterEach(() => {
    p.sim.control.clearFaults();
  });
  afterAll(async () => p.close());

  const query = () => client.call(PERSON_INFO, personInfoInput(credentialOf(scenarioCard(p, 'normal'))));
  const calls1101 = () => p.sim.control.requests()['1101'] ?? 0;

  it('opens after 3 failed calls, stops hammering, probes after the cooldown and closes', async () => {
    p.sim.control.addFault({ kind: 'http-error', infno: '1101', status: 503 });
    for (let i = 0; i < 3; i++) await expect(query()).rejects.toMatchObject({ code: 'PLATFORM_UNAVAILABLE', reason: { detail: { cause: 'http-status' } } });
    expect(client.status().breaker.state).toBe('open');
    const sent = calls1101();
    for (let i = 0; i < 10; i++) await expect(query()).rejects.toMatchObject({ code: 'PLATFORM_UNAVAILABLE', reason: { detail: { cause: 'breaker-open' } } });
    expect(calls1101()).toBe(sent);

    // Cooldown over, platform still dead: the one probe fails and the circuit opens again.
    p.advance(5000);
    expect(client.status().breaker.state).toBe('half-open');
    await expect(query()).rejects.toMatchObject({ reason: { detail: { cause: 'http-status' } } });
    expect(calls1101()).toBe(sent + 1);
    await expect(query()).rejects.toMatchObject({ reason: { detail: { cause: 'breaker-open' } } });

    // Platform back: the next probe goes through alone, succeeds, and the circuit closes.
    p.sim.control.clearFaults();
    p.sim.control.addFault({ kind: 'slow', infno: '1101', delayMs: 50, times: 1 });
    p.advance(5000);
    const [probe, meanwhile] = await Promise.allSettled([query(), query()]);
    expect(probe.status).toBe('fulfilled');
    expect(meanwhile).toMatchObject({ status: 'rejected', reason: { reason: { detail: { cause: 'breaker-open' } } } });
    expect(client.status().breaker).toEqual({ state: 'closed', consecutiveFailures: 0, probeAt: null });
    await expect(query()).resolves.toBeTruthy();
  });

  it('timeouts, malformed answers and dropped connections count; platform refusals do not', async () => {
    p.sim.control.addFault({ kind: 'refuse', infno: '1101' });
    for (let i = 0; i < 5; i++) await expect(query()).rejects.toMatchObject({ code: 'PLATFORM_ERROR' });
    expect(client.status().breaker.state).toBe('closed');
    p.sim.control.clearFaults();
    p.sim.control.addFault({ kind: 'malformed', infno: '1101', times: 1 });
    p.sim.control.addFault({ kind: 'timeout', infno: '1101', times: 1 });
    p.sim.control.addFault({ kind: 'reset', infno: '1101', times: 1 });
    for (let i = 0; i < 3; i++) await expect(query()).rejects.toBeTruthy();
    expect(client.status().breaker.state).toBe('open');
    p.advance(5000);
    await expect(query()).resolves.toBeTruthy();
  });
});
