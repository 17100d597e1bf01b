import { describe, expect, it } from 'vitest';
import { buildEnvelope, MsgIdSource, platformTime } from '../../src/account/envelope.js';
import { personInfoInput } from '../../src/account/tx/1101-person-info.js';
import { IDENTITY } from './platform-fixture.js';

describe('the national interface envelope', () => {
  const at = new Date('2026-03-05T16:04:05.123Z');

  it('writes inf_time in China Standard Time', () => {
    expect(platformTime(at)).toBe('2026-03-06 00:04:05');
  });

  it('builds msgid from fixmedins_code, the CST second and a 4-digit serial that restarts each second', () => {
    const ids = new MsgIdSource();
    expect(ids.next('P33030000001', at)).toBe('P33030000001202603060004050001');
    expect(ids.next('P33030000001', at)).toBe('P33030000001202603060004050002');
    expect(ids.next('P33030000001', new Date(at.getTime() + 1000))).toBe('P33030000001202603060004060001');
    expect(ids.next('P33030000001', at)).toHaveLength(30);
  });

  it('fills every envelope field with the platform names', () => {
    const env = buildEnvelope(IDENTITY, { infno: '1101', msgid: 'M', signNo: 'S1', insuplcAdmdvs: '330300', signtype: 'SM3', input: { data: {} } }, at);
    expect(env).toEqual({
      infno: '1101', msgid: 'M', mdtrtarea_admvs: '330300', insuplc_admdvs: '330300', recer_sys_code: 'MBS_LOCAL', dev_no: '', dev_safe_info: '', cainfo: '',
      signtype: 'SM3', infver: 'V1.0', opter_type: '1', opter: 'guard', opter_name: 'checkout-guard', inf_time: '2026-03-06 00:04:05',
      fixmedins_code: 'P33030000001', fixmedins_name: '示例大药房', sign_no: 'S1', input: { data: {} },
    });
  });

  it('builds 1101 input for card (03), ID number (02) and e-voucher token (01)', () => {
    expect(personInfoInput({ kind: 'card', cardNumber: 'X00000019', cardSn: '330300D1560000001999110145FFFFFF', idNumber: '330302198508150192', name: '孙八', regionCode: '330300' })).toEqual({
      data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'X00000019', card_sn: '330300D1560000001999110145FFFFFF', begntime: '', psn_cert_type: '01', certno: '330302198508150192', psn_name: '孙八' },
    });
    expect(personInfoInput({ kind: 'id-number', idNumber: '330302198508150192' })).toEqual({
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: '330302198508150192', card_sn: '', begntime: '', psn_cert_type: '01', certno: '330302198508150192', psn_name: '' },
    });
    expect(personInfoInput({ kind: 'ec-token', token: 'T0K3N' })).toEqual({
      data: { mdtrt_cert_type: '01', mdtrt_cert_no: 'T0K3N', card_sn: '', begntime: '', psn_cert_type: '', certno: '', psn_name: '' },
    });
  });
});
