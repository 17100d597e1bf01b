import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src/account/client.js';
import { createSigner } from '../../src/account/signing/index.js';
import { HttpTransport } from '../../src/account/transport.js';
import { SIGN_IN, signInInput } from '../../src/account/tx/9001-sign-in.js';
import { IDENTITY } from './platform-fixture.js';

describe('the HTTP transport against a platform that answers far too much', () => {
  let server: Server;
  let url: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 33; i++) res.write(chunk);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('stops reading at 32 MiB: PLATFORM_ERROR, not sent again', async () => {
    const client = new PlatformClient({
      identity: IDENTITY, transport: new HttpTransport({ baseUrl: url, pathTemplate: '/', connections: 1 }), signer: createSigner({ kind: 'none', appId: '', secret: '', sm4Key: '' }),
      timeoutMs: 10_000, retries: 2, signInMaxAgeMs: 60_000, breaker: { failureThreshold: 5, cooldownMs: 1000 },
    });
    try {
      await expect(client.call(SIGN_IN, signInInput('guard'))).rejects.toMatchObject({ code: 'PLATFORM_ERROR', reason: { detail: { infno: '9001', cause: 'malformed', attempts: 1 } } });
      expect(hits).toBe(1);
    } finally {
      await client.close();
    }
  });
});
