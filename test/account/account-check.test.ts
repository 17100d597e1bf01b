import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformFault } from '../../src/account/client.js';
import { AccountService } from '../../src/account/service.js';
import type { PersonCredential } from '../../src/account/tx/1101-person-info.js';
import { ServiceFault } from '../../src/reasons.js';
import { credentialOf, scenarioCard, startPlatform, type PlatformFixture } from './platform-fixture.js';

describe('account checks against the simulator over loopback HTTP', () => {
  let p: PlatformFixture;
  let accounts: AccountService;
  beforeAll(async () => {
    p = await startPlatform();
    accounts = new AccountService(p.client, { cacheMs: 0 });
  });
  afterAll(async () => p.close());

  const check = (scenario: string) => accounts.check(cardOf(scenario));
  const cardOf = (scenario: string) => {
    const c = credentialOf(scenarioCard(p, scenario));
    if (c.kind !== 'card') throw new Error('card credential expected');
    return { regionCode: c.regionCode, cardId: c.cardSn, cardNumber: c.cardNumber, idNumber: c.idNumber, name: c.name, cardType: '3', specVersion: '3.00', issueDate: '2023-01-01', expiryDate: '2033-01-01', gender: '1', birthDate: '1985-08-15' };
  };

  it.each([
    ['normal', true, [], { status: '1', type: '310', balanceFen: 125000, personType: '11' }],
    ['retired', true, [], { status: '1', type: '310', balanceFen: 125000, personType: '21' }],
    ['low-balance', true, [], { status: '1', balanceFen: 350 }],
    ['several-rows', true, [], { status: '1', type: '310', balanceFen: 51230 }],
    ['suspended', false, ['ACCOUNT_SUSPENDED'], { status: '2', suspendedSince: '2026-06-01', balanceFen: 8640 }],
    ['suspended-and-terminated', false, ['ACCOUNT_SUSPENDED'], { status: '2', suspendedSince: '2026-03-01' }],
    ['terminated', false, ['ACCOUNT_TERMINATED'], { status: '4' }],
    ['not-insured', false, ['NOT_INSURED'], null],
    ['status-zero', false, ['NOT_INSURED'], null],
  ])('psn_insu_stas: %s -> eligible %s %j', async (scenario, eligible, codes, insurance) => {
    const s = await check(scenario);
    expect(s.eligible).toBe(eligible);
    expect(s.reasons.map((r) => r.code)).toEqual(codes);
    if (insurance === null) expect(s.insurance).toBeNull();
    else expect(s.insurance).toMatchObject(insurance);
  });

  it.each([
    ['not-activated', '0', 'CARD_NOT_ACTIVATED'],
    ['reported-lost', '2', 'CARD_REPORTED_LOST'],
    ['pre-reported-lost', '8', 'CARD_REPORTED_LOST'],
    ['voided', '7', 'CARD_CANCELLED'],
    ['cancelled', '9', 'CARD_CANCELLED'],
  ])('card back-office state from the cardinfo extension: %s (card_stas %s) -> %s', async (scenario, stas, code) => {
    const s = await check(scenario);
    expect(s).toMatchObject({ eligible: false, cardState: stas });
    expect(s.reasons.map((r) => r.code)).toEqual([code]);
  });

  it('queries by ID number (mdtrt_cert_type 02): no cardinfo, same account', async () => {
    const card = scenarioCard(p, 'suspended');
    const s = await accounts.checkPerson({ kind: 'id-number', idNumber: card.chip.ef06.idNumber });
    expect(s).toMatchObject({ eligible: false, cardState: null, insurance: { status: '2' } });
  });

  it('queries by e-voucher token (mdtrt_cert_type 01) issued through the simulator admin route', async () => {
    const res = await fetch(`${p.url}/admin/ec-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'normal' }) });
    const { ecToken } = (await res.json()) as { ecToken: string };
    const s = await accounts.checkPerson({ kind: 'ec-token', token: ecToken });
    expect(s).toMatchObject({ eligible: true, insurance: { balanceFen: 125000 } });
  });

  it('a person the platform does not know is never NOT_INSURED: an unknown ID number or a dead e-voucher says what to do, a card stays a platform refusal', async () => {
    const card = credentialOf(scenarioCard(p, 'normal'));
    if (card.kind !== 'card') throw new Error('card credential expected');
    const cases: [PersonCredential, string, number | undefined][] = [
      [{ kind: 'id-number', idNumber: '110101199001011234' }, 'PERSON_NOT_FOUND', 422],
      [{ kind: 'ec-token', token: 'no-such-token' }, 'EC_TOKEN_INVALID', 422],
      [{ ...card, cardNumber: 'X99999999' }, 'PLATFORM_ERROR', undefined],
    ];
    for (const [credential, code, status] of cases) {
      const err = await accounts.checkPerson(credential).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceFault);
      expect(err).toMatchObject({ code, status, reason: { detail: { infno: '1101' } } });
      expect(((err as ServiceFault).cause ?? err) as PlatformFault).toMatchObject({ reason: { detail: { cause: 'refused', infcode: -1 } } });
    }
  });
});
