import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** A loopback port nobody listens on: taken, noted, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('/health with a platform that cannot be reached', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ platformUrl: `http://127.0.0.1:${await closedPort()}` });
  });
  afterAll(async () => t.close());

  it('reports the platform part down and the service degraded, the other parts unaffected', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('degraded');
    expect(body.platform).toMatchObject({ ok: false, simulator: false, breaker: 'closed' });
    expect(body.catalogue.ok).toBe(true);
    expect(body.terminal.ok).toBe(true);
  });
});
