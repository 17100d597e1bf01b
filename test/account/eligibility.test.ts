import { describe, expect, it } from 'vitest';
import { PlatformFault } from '../../src/account/client.js';
import { eligibilityOf } from '../../src/account/eligibility.js';
import type { InsuInfoRow, PersonInfo } from '../../src/account/tx/1101-person-info.js';

const row = (over: Partial<InsuInfoRow>): InsuInfoRow => ({ balc: '100.00', insutype: '310', psn_insu_stas: '1', paus_insu_date: null, insuplc_admdvs: '330300', ...over });
const info = (rows: InsuInfoRow[], cardStas?: string): PersonInfo => ({
  baseinfo: { psn_no: 'P1' }, insuinfo: rows, ...(cardStas ? { cardinfo: { card_sn: 'X', card_stas: cardStas } } : {}),
});
const codes = (i: PersonInfo) => eligibilityOf(i).reasons.map((r) => r.code);

describe('eligibility from a 1101 answer', () => {
  it('status 1 is eligible with its exact balance', () => {
    const s = eligibilityOf(info([row({ balc: '1250.07' })], '1'));
    expect(s).toMatchObject({ eligible: true, reasons: [], cardState: '1', insurance: { status: '1', type: '310', balanceFen: 125007, insuredPlace: '330300' } });
  });

  it('takes numeric balances without float error', () => {
    expect(eligibilityOf(info([row({ balc: 86.4 })])).insurance?.balanceFen).toBe(8640);
  });

  it('status 2 is suspended, naming the paus_insu_date', () => {
    const s = eligibilityOf(info([row({ psn_insu_stas: '2', paus_insu_date: '2026-06-01' })]));
    expect(s.eligible).toBe(false);
    expect(s.reasons).toEqual([expect.objectContaining({ code: 'ACCOUNT_SUSPENDED', detail: { insuranceType: '310', since: '2026-06-01' } })]);
    expect(s.insurance?.suspendedSince).toBe('2026-06-01');
  });

  it('status 4 is terminated, status 0 and no row are not insured', () => {
    expect(codes(info([row({ psn_insu_stas: '4' })]))).toEqual(['ACCOUNT_TERMINATED']);
    expect(codes(info([row({ psn_insu_stas: '0' })]))).toEqual(['NOT_INSURED']);
    expect(eligibilityOf(info([row({ psn_insu_stas: '0' })])).insurance).toBeNull();
    expect(codes(info([]))).toEqual(['NOT_INSURED']);
  });

  it('of several rows the one in status 1 decides, preferring the employee scheme', () => {
    const s = eligibilityOf(info([row({ insutype: '390', psn_insu_stas: '4' }), row({ insutype: '390', balc: '1.00' }), row({ insutype: '310', balc: '2.00' }), row({ psn_insu_stas: '2' })]));
    expect(s).toMatchObject({ eligible: true, reasons: [], insurance: { type: '310', balanceFen: 200 } });
  });

  it('the person type (psn_type) is the deciding row\'s, for the class-B share', () => {
    const several = [row({ insutype: '390', psn_type: '11', psn_insu_stas: '4' }), row({ insutype: '390', psn_type: '11' }), row({ insutype: '310', psn_type: '21' })];
    expect(eligibilityOf(info(several)).insurance).toMatchObject({ type: '310', personType: '21' });
    expect(eligibilityOf(info([row({ psn_type: '11', psn_insu_stas: '2' }), row({ psn_type: '21', psn_insu_stas: '4' })])).insurance).toMatchObject({ status: '2', personType: '11' });
    for (const psn_type of [null, undefined, '', ' ']) expect(eligibilityOf(info([row({ psn_type })])).insurance?.personType).toBeNull();
  });

  it('without status 1, suspension explains before termination, termination before not insured', () => {
    expect(codes(info([row({ psn_insu_stas: '4' }), row({ psn_insu_stas: '2' }), row({ psn_insu_stas: '0' })]))).toEqual(['ACCOUNT_SUSPENDED']);
    expect(codes(info([row({ psn_insu_stas: '0' }), row({ psn_insu_stas: '4' })]))).toEqual(['ACCOUNT_TERMINATED']);
  });

  it.each([
    ['0', 'CARD_NOT_ACTIVATED'], ['2', 'CARD_REPORTED_LOST'], ['8', 'CARD_REPORTED_LOST'], ['7', 'CARD_CANCELLED'], ['9', 'CARD_CANCELLED'],
  ])('card_stas %s -> %s, and insurance may not pay', (stas, code) => {
    const s = eligibilityOf(info([row({})], stas));
    expect(s.eligible).toBe(false);
    expect(s.reasons).toEqual([expect.objectContaining({ code, detail: { cardState: stas } })]);
  });

  it('reports card and account problems together', () => {
    expect(codes(info([row({ psn_insu_stas: '2' })], '2'))).toEqual(['CARD_REPORTED_LOST', 'ACCOUNT_SUSPENDED']);
  });

  it.each([
    ['an unknown psn_insu_stas', info([row({ psn_insu_stas: '3' })])],
    ['an unknown card_stas', info([row({})], '5')],
    ['a balance that is not an amount', info([row({ balc: '-5.00' })])],
    ['a balance with three decimals', info([row({ balc: '1.005' })])],
  ])('fails closed with PLATFORM_ERROR, never NOT_INSURED, on %s', (_what, answer) => {
    expect(() => eligibilityOf(answer)).toThrow(PlatformFault);
    try {
      eligibilityOf(answer);
    } catch (err) {
      expect((err as PlatformFault).code).toBe('PLATFORM_ERROR');
    }
  });

  it('ignores an unknown status when a row in status 1 decides', () => {
    expect(eligibilityOf(info([row({ psn_insu_stas: '3' }), row({})])).eligible).toBe(true);
  });

  it('every account remedy names the social security department, its website and 12333', () => {
    for (const r of [...eligibilityOf(info([])).reasons, ...eligibilityOf(info([row({ psn_insu_stas: '2' })])).reasons, ...eligibilityOf(info([row({ psn_insu_stas: '4' })])).reasons]) {
      expect(r.remedy?.zh).toMatch(/社会保障部门/);
      expect(r.remedy?.zh).toMatch(/网站/);
      expect(r.remedy?.zh).toMatch(/12333/);
      expect(r.remedy?.en).toMatch(/social security department/);
      expect(r.remedy?.en).toMatch(/website/);
      expect(r.remedy?.en).toMatch(/12333/);
    }
  });
});
