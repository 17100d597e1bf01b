import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { bindWarning, serverOptions } from '../../src/http/server-options.js';
import { startTestApp } from '../helpers/app.js';

describe('binding and TLS', () => {
  it('warns when listening beyond loopback without TLS, and only then', () => {
    expect(bindWarning({ host: '127.0.0.1', tlsCert: undefined })).toBeNull();
    expect(bindWarning({ host: '::1', tlsCert: undefined })).toBeNull();
    expect(bindWarning({ host: 'localhost', tlsCert: undefined })).toBeNull();
    expect(bindWarning({ host: '0.0.0.0', tlsCert: undefined })).toMatch(/0\.0\.0\.0 without TLS.*TLS_CERT/);
    expect(bindWarning({ host: '192.168.1.20', tlsCert: undefined })).toMatch(/clear text/);
    expect(bindWarning({ host: '0.0.0.0', tlsCert: '/etc/guard/cert.pem' })).toBeNull();
    expect(loadConfig([], {}).host).toBe('127.0.0.1');
  });

  it('refuses half a TLS configuration', () => {
    expect(() => serverOptions(loadConfig([], { TLS_CERT: '/nope/cert.pem' }))).toThrow(ConfigError);
    expect(() => serverOptions(loadConfig([], { TLS_CERT: '/nope/cert.pem', TLS_KEY: '/nope/key.pem' }))).toThrow(/cannot read/);
  });
});

// The process-level checks (SIGTERM exit, the token CLI) run in .ci/run: a child process costs seconds.
describe('HTTPS', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves HTTPS when given a certificate and key', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'guard-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const t = await startTestApp({ tlsCert: cert, tlsKey: key });
    try {
      const base = new URL(await t.app.listen({ host: '127.0.0.1', port: 0 }));
      expect(base.protocol).toBe('https:');
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: base.port, path: '/ready', ca: readFileSync(cert) }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ ready: true, reasons: [] });
    } finally {
      await t.close();
    }
  });
});
