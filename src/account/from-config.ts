import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError, type Config } from '../config.js';
import { PlatformClient, type PlatformObserver } from './client.js';
import { createSigner, type SignerConfig } from './signing/index.js';
import { HttpTransport, type PlatformTls } from './transport.js';

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

/**
 * The TLS settings for an https platform URL, read and checked at start: an unreadable file, a
 * key that does not match its certificate or a wrong passphrase stops the service here rather
 * than failing the first checkout.
 */
export function platformTls(config: Config, baseUrl: string): PlatformTls | undefined {
  const { platformCa: ca, platformClientCert: cert, platformClientKey: key, platformClientKeyPassphrase: passphrase, platformTlsServername: servername } = config;
  if (!ca && !cert && !key && !passphrase && !servername) return undefined;
  if (new URL(baseUrl).protocol !== 'https:') throw new ConfigError('PLATFORM_CA, PLATFORM_CLIENT_CERT, PLATFORM_CLIENT_KEY and PLATFORM_TLS_SERVERNAME apply to an https PLATFORM_URL');
  if (!cert !== !key) throw new ConfigError('mutual TLS needs both PLATFORM_CLIENT_CERT and PLATFORM_CLIENT_KEY');
  if (passphrase && !key) throw new ConfigError('PLATFORM_CLIENT_KEY_PASSPHRASE is set without PLATFORM_CLIENT_KEY');
  const read = (file: string | undefined, name: string) => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`cannot read ${name} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const tls: PlatformTls = {
    ...(ca ? { ca: read(ca, 'PLATFORM_CA') } : {}),
    ...(cert ? { cert: read(cert, 'PLATFORM_CLIENT_CERT'), key: read(key, 'PLATFORM_CLIENT_KEY') } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(servername ? { servername } : {}),
  };
  try {
    createSecureContext(tls);
  } catch (err) {
    // OpenSSL's words (bad decrypt, key values mismatch, no start line); never the passphrase.
    throw new ConfigError(`the platform TLS settings do not load: ${(err as Error).message}`);
  }
  return tls;
}

export function platformClient(config: Config, baseUrl: string, signer: SignerConfig, observer?: PlatformObserver): PlatformClient {
  const tls = platformTls(config, baseUrl);
  return new PlatformClient({
    identity: { fixmedinsCode: config.fixmedinsCode, fixmedinsName: config.fixmedinsName, admvs: config.admvs, opter: 'guard', opterName: 'checkout-guard' },
    transport: new HttpTransport({ baseUrl, pathTemplate: config.platformPath, connections: config.platformConnections, ...(tls ? { tls } : {}) }),
    signer: createSigner(signer),
    timeoutMs: config.platformTimeoutMs,
    retries: config.platformRetries,
    signInMaxAgeMs: config.platformSignInMaxAgeSeconds * 1000,
    signInRejectionInfcodes: config.platformSignInInfcodes,
    breaker: { failureThreshold: config.platformBreakerFailures, cooldownMs: config.platformBreakerCooldownMs },
    ...(observer ? { observer } : {}),
  });
}
