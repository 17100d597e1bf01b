import { describe, expect, it } from 'vitest';
import { basketGate } from '../../src/checkout/rules-gate.js';
import { reason } from '../../src/reasons.js';

const codes = (rs: { code: string }[]) => rs.map((r) => r.code);

describe('basketGate', () => {
  it('is empty for a usable card, an eligible account and a loaded catalogue', () => {
    expect(basketGate({ cardChecks: [], account: { reasons: [] }, catalogueLoaded: true })).toEqual([]);
  });

  it('puts system faults first and keeps the card problem beside them', () => {
    const gate = basketGate({ cardChecks: [reason('CARD_EXPIRED')], account: { fault: reason('PLATFORM_UNAVAILABLE') }, catalogueLoaded: false });
    expect(codes(gate)).toEqual(['PLATFORM_UNAVAILABLE', 'CATALOGUE_NOT_LOADED', 'CARD_EXPIRED']);
  });

  it('drops system findings kept from the card read: the precheck asked the platform again', () => {
    expect(basketGate({ cardChecks: [reason('PLATFORM_UNAVAILABLE')], account: { reasons: [] }, catalogueLoaded: true })).toEqual([]);
  });

  it('names a back-office card state once, whether it came from the card read or the account check', () => {
    const gate = basketGate({ cardChecks: [reason('CARD_REPORTED_LOST')], account: { reasons: [reason('CARD_REPORTED_LOST'), reason('ACCOUNT_SUSPENDED')] }, catalogueLoaded: true });
    expect(codes(gate)).toEqual(['CARD_REPORTED_LOST', 'ACCOUNT_SUSPENDED']);
  });

  it('ignores warnings', () => {
    expect(basketGate({ cardChecks: [], account: { reasons: [reason('ACCOUNT_BALANCE_LOW')] }, catalogueLoaded: true })).toEqual([]);
  });
});
