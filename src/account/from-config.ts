import { randomBytes } from 'node:crypto';
import { ConfigError, type Config } from '../config.js';
import { PlatformClient, type PlatformObserver } from './client.js';
import { createSigner, type SignerConfig } from './signing/index.js';
import { HttpTransport } from './transport.js';

/**
 * The province's signer settings from configuration. With the built-in simulator
 * (`ephemeralKeys`), missing keys are made up for this process only: both ends get the same.
 */
export function platformSignerConfig(config: Config, ephemeralKeys: boolean): SignerConfig {
  const need = config.platformSigner !== 'none';
  const c: SignerConfig = {
    kind: config.platformSigner,
    appId: config.platformAppId || config.fixmedinsCode,
    secret: config.platformSecret ?? (need && ephemeralKeys ? randomBytes(32).toString('hex') : ''),
    sm4Key: config.platformSm4Key ?? (need && ephemeralKeys ? randomBytes(16).toString('hex') : ''),
  };
  try {
    createSigner(c);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return c;
}

export function platformClient(config: Config, baseUrl: string, signer: SignerConfig, observer?: PlatformObserver): PlatformClient {
  return new PlatformClient({
    identity: { fixmedinsCode: config.fixmedinsCode, fixmedinsName: config.fixmedinsName, admvs: config.admvs, opter: 'guard', opterName: 'checkout-guard' },
    transport: new HttpTransport({ baseUrl, pathTemplate: config.platformPath, connections: config.platformConnections }),
    signer: createSigner(signer),
    timeoutMs: config.platformTimeoutMs,
    retries: config.platformRetries,
    signInMaxAgeMs: config.platformSignInMaxAgeSeconds * 1000,
    breaker: { failureThreshold: config.platformBreakerFailures, cooldownMs: config.platformBreakerCooldownMs },
    ...(observer ? { observer } : {}),
  });
}
