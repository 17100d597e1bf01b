import { describe, expect, it } from 'vitest';
import { PlatformFault } from '../../src/account/client.js';
import { loadConfig } from '../../src/config.js';
import { credentialRefusal, type PersonCredential } from '../../src/account/tx/1101-person-info.js';

const refused = (errMsg: unknown, infcode = -1) => new PlatformFault('PLATFORM_ERROR', { infno: '1101', cause: 'refused', infcode, errMsg }, false);
const byId: PersonCredential = { kind: 'id-number', idNumber: '110101199001011234' };
const byToken: PersonCredential = { kind: 'ec-token', token: 'T0K3N' };
const byCard: PersonCredential = { kind: 'card', cardNumber: 'X0000001', cardSn: '330300D15600000500000000000000FF', idNumber: '110101199001011234', name: '张三', regionCode: '330300' };

describe('credentialRefusal', () => {
  it.each([
    ['an unknown ID number', byId, '未查询到人员信息', 'PERSON_NOT_FOUND'],
    ['an unknown ID number, in English', byId, 'person not found', 'PERSON_NOT_FOUND'],
    ['an expired e-voucher', byToken, '电子凭证令牌无效或已过期', 'EC_TOKEN_INVALID'],
    ['a used e-voucher', byToken, '医保电子凭证已失效', 'EC_TOKEN_INVALID'],
    ['an e-voucher that names nobody', byToken, '未查询到人员信息', 'EC_TOKEN_INVALID'],
  ])('reads %s as what the cashier can act on (422)', (_, credential, errMsg, code) => {
    const fault = credentialRefusal(credential, refused(errMsg));
    expect(fault).toMatchObject({ code, status: 422, reason: { detail: { infno: '1101', errMsg } } });
    expect(fault?.reason.remedy?.en).toMatch(/does not mean the customer is uninsured/);
  });

  it.each([
    ['a query by card', byCard, refused('未查询到人员信息')],
    ['a province code of its own', byId, refused('未查询到人员信息', -20001)],
    ['a refusal for another cause', byId, refused('系统繁忙，请稍后再试')],
    ['an e-voucher refusal that does not say the voucher is no good', byToken, refused('电子凭证服务暂不可用')],
    ['an ID refusal mentioning only the voucher', byId, refused('电子凭证令牌无效')],
    ['no err_msg', byId, refused(null)],
    ['a transport fault', byId, new PlatformFault('PLATFORM_UNAVAILABLE', { infno: '1101', cause: 'timeout' }, true, true)],
    ['an error that is no platform fault', byId, new Error('未查询到人员信息')],
  ])('leaves %s as it was', (_, credential, err) => {
    expect(credentialRefusal(credential, err)).toBeUndefined();
  });

  it('lets a province code of its own decide, whatever the text, and never for the other credential or a query by card', () => {
    const codes = { personNotFound: new Set([20001]), ecTokenInvalid: new Set([30002]) };
    expect(credentialRefusal(byId, refused('人员不存在', 20001), codes)).toMatchObject({ code: 'PERSON_NOT_FOUND', reason: { detail: { infcode: 20001 } } });
    expect(credentialRefusal(byToken, refused(null, 30002), codes)).toMatchObject({ code: 'EC_TOKEN_INVALID', status: 422 });
    expect(credentialRefusal(byToken, refused('人员不存在', 20001), codes)).toBeUndefined();
    expect(credentialRefusal(byId, refused('x', 30002), codes)).toBeUndefined();
    expect(credentialRefusal(byCard, refused('人员不存在', 20001), codes)).toBeUndefined();
    // The generic -1 is still read by its text.
    expect(credentialRefusal(byId, refused('未查询到人员信息'), codes)?.code).toBe('PERSON_NOT_FOUND');
  });

  it('takes the province codes from PLATFORM_PERSON_NOT_FOUND_INFCODES and PLATFORM_EC_TOKEN_INVALID_INFCODES', () => {
    expect(loadConfig([], {})).toMatchObject({ platformPersonNotFoundInfcodes: [], platformEcTokenInvalidInfcodes: [] });
    expect(loadConfig([], { PLATFORM_PERSON_NOT_FOUND_INFCODES: '20001, -7', PLATFORM_EC_TOKEN_INVALID_INFCODES: '30002' })).toMatchObject({ platformPersonNotFoundInfcodes: [20001, -7], platformEcTokenInvalidInfcodes: [30002] });
    expect(() => loadConfig([], { PLATFORM_EC_TOKEN_INVALID_INFCODES: 'x' })).toThrow(/PLATFORM_EC_TOKEN_INVALID_INFCODES/);
  });
});
