import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformClient, platformSignerConfig } from '../../src/account/from-config.js';
import type { PlatformClient } from '../../src/account/client.js';
import { AccountService } from '../../src/account/service.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildSimulator, type SimulatorApp } from '../../src/simulator/app.js';
import { readScenario, startTestApp } from '../helpers/app.js';
import { credentialOf, SHIPPED_CARDS } from './platform-fixture.js';

/**
 * Test-only PKI made at run time with the openssl CLI: a platform CA, the gateway's server
 * certificate (127.0.0.1 and platform.test), a pharmacy client certificate it issued (its key
 * also passphrase-encrypted), and a client certificate from a CA the gateway does not trust.
 */
function makePki(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey' | 'clientKeyEncrypted' | 'strangerCert' | 'strangerKey', string> {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('this test makes its certificates with the openssl CLI: install openssl');
      throw err;
    }
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const selfSignedCa = (name: string) => openssl('req', '-x509', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`), '-days', '2', '-subj', `/CN=${name}`);
  const issue = (name: string, ca: string, ext: string) => {
    writeFileSync(f(`${name}.ext`), ext);
    openssl('req', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${ca}.pem`), '-CAkey', f(`${ca}.key`), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', '2', '-extfile', f(`${name}.ext`));
  };
  selfSignedCa('platform-ca');
  selfSignedCa('stranger-ca');
  issue('gateway', 'platform-ca', 'subjectAltName=IP:127.0.0.1,DNS:platform.test\nextendedKeyUsage=serverAuth\n');
  issue('pharmacy', 'platform-ca', 'extendedKeyUsage=clientAuth\n');
  issue('stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  openssl('pkey', '-in', f('pharmacy.key'), '-aes256', '-passout', 'pass:open sesame', '-out', f('pharmacy-encrypted.key'));
  return {
    ca: f('platform-ca.pem'), serverCert: f('gateway.pem'), serverKey: f('gateway.key'), clientCert: f('pharmacy.pem'), clientKey: f('pharmacy.key'),
    clientKeyEncrypted: f('pharmacy-encrypted.key'), strangerCert: f('stranger.pem'), strangerKey: f('stranger.key'),
  };
}

describe('mutual TLS to a gateway that requires a client certificate (simulator over HTTPS on 127.0.0.1)', () => {
  let dir: string;
  let pki: ReturnType<typeof makePki>;
  let sim: SimulatorApp;
  let url: string;
  const clients: PlatformClient[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'guard-mtls-'));
    pki = makePki(dir);
    sim = await buildSimulator({
      cards: SHIPPED_CARDS,
      https: { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.ca), requestCert: true, rejectUnauthorized: true },
    });
    url = await sim.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (over: Record<string, string> = {}) => ({ PLATFORM_URL: url, PLATFORM_CA: pki.ca, PLATFORM_CLIENT_CERT: pki.clientCert, PLATFORM_CLIENT_KEY: pki.clientKey, PLATFORM_RETRIES: '1', ...over });
  const clientFrom = (e: Record<string, string | undefined>) => {
    const config = loadConfig([], e);
    const client = platformClient(config, config.platformUrl!, platformSignerConfig(config, false));
    clients.push(client);
    return client;
  };
  const check = (client: PlatformClient) => new AccountService(client, { cacheMs: 0 }).checkPerson(credentialOf(SHIPPED_CARDS.get('normal')!));

  it('serves HTTPS at an https address', () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('succeeds with the pharmacy certificate and the platform CA', async () => {
    await expect(check(clientFrom(env()))).resolves.toMatchObject({ eligible: true, insurance: { status: '1', balanceFen: 125000 } });
  });

  it('succeeds with a passphrase-encrypted key and the passphrase, and with a server name for an address URL', async () => {
    await expect(check(clientFrom(env({ PLATFORM_CLIENT_KEY: pki.clientKeyEncrypted, PLATFORM_CLIENT_KEY_PASSPHRASE: 'open sesame' })))).resolves.toMatchObject({ eligible: true });
    await expect(check(clientFrom(env({ PLATFORM_TLS_SERVERNAME: 'platform.test' })))).resolves.toMatchObject({ eligible: true });
  });

  // Under TLS 1.3 the gateway refuses a client certificate after the client's side of the
  // handshake is done: the client only sees the connection closed. A server certificate it
  // cannot trust is a handshake failure of its own (cause tls), not worth a second attempt.
  it.each([
    ['no client certificate', () => env({ PLATFORM_CLIENT_CERT: '', PLATFORM_CLIENT_KEY: '' }), 'connection'],
    ['a client certificate from a CA the gateway does not trust', () => env({ PLATFORM_CLIENT_CERT: pki.strangerCert, PLATFORM_CLIENT_KEY: pki.strangerKey }), 'connection'],
    ['no platform CA: the gateway certificate is not trusted', () => env({ PLATFORM_CA: '' }), 'tls'],
    ['a server name the gateway certificate does not carry', () => env({ PLATFORM_TLS_SERVERNAME: 'other.test' }), 'tls'],
  ])('fails closed with %s: PLATFORM_UNAVAILABLE, never NOT_INSURED', async (_what, settings, cause) => {
    const err = await check(clientFrom(settings())).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', reason: { detail: { infno: '9001', cause, attempts: cause === 'tls' ? 1 : 2 } } });
    expect(JSON.stringify(err)).not.toMatch(/NOT_INSURED/);
  });

  it('refuses settings that cannot work at start, with a ConfigError naming them', () => {
    expect(() => clientFrom(env({ PLATFORM_CLIENT_KEY: '' }))).toThrow(/PLATFORM_CLIENT_CERT and PLATFORM_CLIENT_KEY/);
    expect(() => clientFrom(env({ PLATFORM_CLIENT_KEY: pki.strangerKey }))).toThrow(ConfigError);
    expect(() => clientFrom(env({ PLATFORM_CLIENT_KEY: pki.clientKeyEncrypted, PLATFORM_CLIENT_KEY_PASSPHRASE: 'wrong' }))).toThrow(/do not load/);
    expect(() => clientFrom(env({ PLATFORM_CA: path.join(dir, 'missing.pem') }))).toThrow(/cannot read PLATFORM_CA/);
    expect(() => clientFrom(env({ PLATFORM_URL: url.replace('https:', 'http:') }))).toThrow(/https PLATFORM_URL/);
  });

  it('the service answers the account check over mutual TLS, and 503 PLATFORM_UNAVAILABLE without the certificate', async () => {
    for (const [withCert, status, expected] of [[true, 200, { eligible: true }], [false, 503, { error: { code: 'PLATFORM_UNAVAILABLE' } }]] as const) {
      const c = loadConfig([], withCert ? env() : env({ PLATFORM_CLIENT_CERT: '', PLATFORM_CLIENT_KEY: '' }));
      const t = await startTestApp({ platformUrl: c.platformUrl, platformCa: c.platformCa, platformClientCert: c.platformClientCert, platformClientKey: c.platformClientKey, platformRetries: 0 });
      try {
        const { cardSession } = await readScenario(t, 'normal');
        const res = await t.app.inject({ method: 'POST', url: '/v1/account/check', headers: t.auth('cashier'), payload: { cardSession } });
        expect(res.statusCode).toBe(status);
        expect(res.json()).toMatchObject(expected);
      } finally {
        await t.close();
      }
    }
  });
});
