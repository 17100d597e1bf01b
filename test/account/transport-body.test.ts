import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport, TransportError } from '../../src/account/transport.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const JSON_PART = Buffer.from('{"infcode":0,"output":{"psn_name":"孙八"}}');

/** How the test platform answers, by request path. */
const ANSWERS: Record<string, (res: ServerResponse) => void> = {
  // The body in three writes a few ms apart, so it reaches the client in several chunks.
  '/chunked': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(BOM);
    setTimeout(() => res.write(JSON_PART.subarray(0, 20)), 5);
    setTimeout(() => res.end(JSON_PART.subarray(20)), 10);
  },
  '/cut': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write(JSON_PART);
    setTimeout(() => res.socket?.destroy(), 5);
  },
  '/stall': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(JSON_PART.subarray(0, 10));
  },
};

describe('the HTTP transport reads an answer body', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      ANSWERS[req.url ?? '']?.(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = async (path: string, timeoutMs = 5000) => {
    const transport = new HttpTransport({ baseUrl, pathTemplate: path, connections: 1 });
    try {
      return await transport.post('1101', { headers: { 'content-type': 'application/json' }, body: '{}' }, timeoutMs);
    } finally {
      await transport.close();
    }
  };

  it('whole and byte-exact when it arrives in several chunks, a leading BOM kept', async () => {
    const answer = await post('/chunked');
    expect(answer.bytes).toEqual(Buffer.concat([BOM, JSON_PART]));
    expect(answer.body).toBe(`\uFEFF${JSON_PART.toString('utf8')}`);
  });

  it('a connection dropped in the middle of the body is a connection fault', async () => {
    await expect(post('/cut')).rejects.toSatisfy((err: unknown) => err instanceof TransportError && err.kind === 'connection');
  });

  it('a body that stops coming is a timeout at the deadline', async () => {
    await expect(post('/stall', 200)).rejects.toSatisfy((err: unknown) => err instanceof TransportError && err.kind === 'timeout');
  });
});
