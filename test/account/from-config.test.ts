import { describe, expect, it } from 'vitest';
import { platformSignerConfig } from '../../src/account/from-config.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('province configuration', () => {
  it('reads the platform keys from the environment and checks them', () => {
    const c = loadConfig([], { PLATFORM_SIGNER: 'sm', PLATFORM_SM4_KEY: '00112233445566778899AABBCCDDEEFF', PLATFORM_PATH: 'api/{infno}', PLATFORM_RETRIES: '0' });
    expect(c).toMatchObject({ platformSigner: 'sm', platformSm4Key: '00112233445566778899aabbccddeeff', platformPath: '/api/{infno}', platformRetries: 0 });
    expect(() => loadConfig([], { PLATFORM_SIGNER: 'rsa' })).toThrow(ConfigError);
    expect(() => loadConfig([], { PLATFORM_SM4_KEY: 'abc' })).toThrow(/32 hex digits/);
    expect(() => loadConfig([], { PLATFORM_RETRIES: '9' })).toThrow(/PLATFORM_RETRIES/);
  });

  it('makes up keys only for the built-in simulator', () => {
    const config = loadConfig([], { PLATFORM_SIGNER: 'sm' });
    const ephemeral = platformSignerConfig(config, true);
    expect(ephemeral).toMatchObject({ kind: 'sm', appId: config.fixmedinsCode, secret: expect.stringMatching(/^[0-9a-f]{64}$/), sm4Key: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(platformSignerConfig(config, true).secret).not.toBe(ephemeral.secret);
    expect(() => platformSignerConfig(config, false)).toThrow(ConfigError);
  });

  it('uses the configured keys and appId as given', () => {
    const config = loadConfig([], { PLATFORM_SIGNER: 'hmac', PLATFORM_SECRET: 's3', PLATFORM_APP_ID: 'PAAS-1' });
    expect(platformSignerConfig(config, false)).toEqual({ kind: 'hmac', appId: 'PAAS-1', secret: 's3', sm4Key: '' });
  });
});
