import { describe, expect, it } from 'vitest';
import { AccountService } from '../../src/account/service.js';
import type { CardIdentity } from '../../src/card/types.js';
import { scenarioCard, usePlatform } from './platform-fixture.js';

describe('the per-card answer cache of one checkout', () => {
  const p = usePlatform();

  const card = (scenario: string): CardIdentity => {
    const c = scenarioCard(p, scenario);
    return { regionCode: '330300', cardId: c.chip.ef05.cardId, cardNumber: c.chip.ef05.cardNumber, idNumber: c.chip.ef06.idNumber, name: c.chip.ef06.name, cardType: '3', specVersion: '3.00', issueDate: '', expiryDate: '', gender: '1', birthDate: '' };
  };
  const asked = () => p.sim.control.requests()['1101'] ?? 0;
  // The cache's own clock, moved by hand: only the cache ages, not the platform client.
  let now = 0;
  const service = (cacheMs: number, maxEntries?: number) => new AccountService(p.client, { cacheMs, clock: () => now, ...(maxEntries ? { maxEntries } : {}) });

  it('reuses a fresh answer within the configured time, and never after it', async () => {
    const accounts = service(120_000);
    await accounts.check(card('normal'));
    await accounts.check(card('normal'));
    expect(asked()).toBe(1);
    now += 119_999;
    await accounts.check(card('normal'));
    expect(asked()).toBe(1);
    now += 1;
    await accounts.check(card('normal'));
    expect(asked()).toBe(2);
  });

  it('keeps answers per card', async () => {
    const accounts = service(60_000);
    expect((await accounts.check(card('normal'))).eligible).toBe(true);
    expect((await accounts.check(card('suspended'))).eligible).toBe(false);
    expect(asked()).toBe(2);
  });

  it('a new card read (fresh) asks the platform again and refreshes the cache', async () => {
    const accounts = service(60_000);
    await accounts.check(card('normal'));
    await accounts.check(card('normal'), { fresh: true });
    await accounts.check(card('normal'));
    expect(asked()).toBe(2);
  });

  it('a fresh query that fails ends the previous checkout\'s answer all the same', async () => {
    const accounts = service(60_000);
    await accounts.check(card('normal'));
    p.sim.control.addFault({ kind: 'refuse', infno: '1101', times: 1 });
    await expect(accounts.check(card('normal'), { fresh: true })).rejects.toMatchObject({ code: 'PLATFORM_ERROR' });
    await accounts.check(card('normal'));
    expect(asked()).toBe(3);
  });

  it('never remembers a fault', async () => {
    const accounts = service(60_000);
    p.sim.control.addFault({ kind: 'refuse', infno: '1101', times: 1 });
    await expect(accounts.check(card('normal'))).rejects.toMatchObject({ code: 'PLATFORM_ERROR' });
    await expect(accounts.check(card('normal'))).resolves.toMatchObject({ eligible: true });
    expect(asked()).toBe(2);
  });

  it('concurrent checks of one card share one platform query', async () => {
    const accounts = service(60_000);
    const all = await Promise.all(Array.from({ length: 6 }, () => accounts.check(card('normal'))));
    expect(new Set(all).size).toBe(1);
    expect(asked()).toBe(1);
  });

  it('with cacheMs 0 every check asks the platform', async () => {
    const accounts = service(0);
    await accounts.check(card('normal'));
    await accounts.check(card('normal'));
    expect(asked()).toBe(2);
  });

  it('holds at most maxEntries answers, dropping the oldest', async () => {
    const accounts = service(60_000, 2);
    for (const s of ['normal', 'suspended', 'terminated']) await accounts.check(card(s));
    await accounts.check(card('terminated'));
    await accounts.check(card('suspended'));
    expect(asked()).toBe(3);
    await accounts.check(card('normal'));
    expect(asked()).toBe(4);
  });
});
