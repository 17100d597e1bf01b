import { afterAll, describe, expect, it } from 'vitest';
import { PERSON_INFO, personInfoInput } from '../../src/account/tx/1101-person-info.js';
import { isSignInRejection } from '../../src/account/tx/9001-sign-in.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { credentialOf, scenarioCard, startPlatform, type PlatformFixture } from './platform-fixture.js';

describe('recognising a rejected sign_no', () => {
  const none = new Set<number>();
  const province = new Set([-2]);

  it('by the province\'s own infcode, whatever the err_msg says', () => {
    expect(isSignInRejection({ infcode: -2, err_msg: '会话已失效' }, province)).toBe(true);
    expect(isSignInRejection({ infcode: '-2', err_msg: null }, province)).toBe(true);
    expect(isSignInRejection({ infcode: -2, err_msg: '会话已失效' }, none)).toBe(false);
  });

  it('falls back to the err_msg text only under the national generic -1', () => {
    expect(isSignInRejection({ infcode: -1, err_msg: '签到信息无效，请重新签到' }, none)).toBe(true);
    expect(isSignInRejection({ infcode: '-1', err_msg: 'invalid sign_no' }, province)).toBe(true);
    expect(isSignInRejection({ infcode: -1, err_msg: '系统繁忙，请稍后再试' }, none)).toBe(false);
    expect(isSignInRejection({ infcode: -1 }, none)).toBe(false);
    // Another code is another refusal, even if its text mentions 签到.
    expect(isSignInRejection({ infcode: -3, err_msg: '签到机构与就诊机构不一致' }, province)).toBe(false);
  });

  it('reads PLATFORM_SIGN_IN_INFCODES as a comma-separated list of integers', () => {
    expect(loadConfig([], {}).platformSignInInfcodes).toEqual([]);
    expect(loadConfig([], { PLATFORM_SIGN_IN_INFCODES: '-2, 1001' }).platformSignInInfcodes).toEqual([-2, 1001]);
    expect(loadConfig([], { PLATFORM_SIGN_IN_INFCODES: '' }).platformSignInInfcodes).toEqual([]);
    expect(() => loadConfig([], { PLATFORM_SIGN_IN_INFCODES: '-2,x' })).toThrow(ConfigError);
  });
});

describe('a platform that refuses an expired sign_no with a code of its own, over loopback HTTP', () => {
  const fixtures: PlatformFixture[] = [];
  afterAll(async () => {
    for (const p of fixtures) await p.close();
  });
  const start = async (infcodes?: number[]) => {
    const p = await startPlatform({ simulator: { signInRejection: { infcode: -2, errMsg: '会话已失效' } }, ...(infcodes ? { client: { signInRejectionInfcodes: infcodes } } : {}) });
    fixtures.push(p);
    return p;
  };
  const query = (p: PlatformFixture) => p.client.call(PERSON_INFO, personInfoInput(credentialOf(scenarioCard(p, 'normal'))));

  it('renews and sends again when the code is configured', async () => {
    const p = await start([-2]);
    await query(p);
    p.sim.control.state.expireSignIns();
    await expect(query(p)).resolves.toMatchObject({ baseinfo: { psn_no: '330300000000000019' } });
    expect(p.sim.control.requests()).toEqual({ '9001': 2, '1101': 3 });
  });

  it('without the code configured it is a plain refusal: PLATFORM_ERROR, no renewal', async () => {
    const p = await start();
    await query(p);
    p.sim.control.state.expireSignIns();
    await expect(query(p)).rejects.toMatchObject({ code: 'PLATFORM_ERROR', reason: { detail: { infno: '1101', cause: 'refused', infcode: -2, errMsg: '会话已失效' } } });
    expect(p.sim.control.requests()).toEqual({ '9001': 1, '1101': 2 });
  });
});
