import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadVirtualCards } from '../../src/emulator/virtual-cards.js';
import { buildSimulator } from '../../src/simulator/app.js';

/**
 * A platform that misbehaves on command, on loopback: a plain HTTP server in front of the real
 * platform simulator. In `ok` mode it relays every request to the simulator unchanged; in the
 * other modes it answers the way a sick or hostile platform does. The service under test is
 * pointed at it with PLATFORM_URL, so the faults cross a real socket.
 */
export type PlatformMode =
  | 'ok'
  /** Relays after `delayMs` (longer than the service's timeout: a timeout; shorter: a slow success). */
  | 'slow'
  /** Accepts the connection and destroys it at once (connection reset). */
  | 'reset'
  /** Sends 200 headers and half a body, then nothing. */
  | 'stall-body'
  /** HTTP 502 with an HTML page, as a proxy in front of a dead platform does. */
  | 'http-502'
  /** HTTP 200 with bytes that are not JSON. */
  | 'garbage'
  /** HTTP 200 with JSON cut in the middle. */
  | 'truncated'
  /** HTTP 200, valid JSON, wrong shape: output fields of the wrong types. */
  | 'wrong-shape'
  /** HTTP 200, infcode -1 with an error message. */
  | 'refusal'
  /** HTTP 200, a valid envelope padded to several megabytes. */
  | 'huge';

export interface HostilePlatform {
  url: string;
  mode: PlatformMode;
  delayMs: number;
  /** Requests received in each mode since start. */
  hits: Record<string, number>;
  /** Stops listening and drops open connections: connection refused until `accept()`. */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

export async function startHostilePlatform(): Promise<HostilePlatform> {
  const simulator = await buildSimulator({ cards: loadVirtualCards(path.join(PROJECT_ROOT, 'devices')) });
  const upstream = await simulator.listen({ host: '127.0.0.1', port: 0 });
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const relay = async (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length', 'keep-alive'].includes(k)) headers[k] = v;
    try {
      const answer = await fetch(upstream + req.url, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
      const out = Buffer.from(await answer.arrayBuffer());
      const copied: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (!['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'content-encoding'].includes(k)) copied[k] = v;
      });
      res.writeHead(answer.status, copied).end(out);
    } catch {
      res.destroy();
    }
  };

  const platform: HostilePlatform = {
    url: '',
    mode: 'ok',
    delayMs: 0,
    hits: {},
    refuse: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    accept: async () => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await simulator.close();
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const mode = platform.mode;
      platform.hits[mode] = (platform.hits[mode] ?? 0) + 1;
      switch (mode) {
        case 'ok':
          return void relay(req, body, res);
        case 'slow':
          return later(platform.delayMs, () => void relay(req, body, res));
        case 'reset':
          return void req.socket.destroy();
        case 'stall-body':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
          return void res.write('{"infcode":0,"output":{"baseinfo":{"psn_no":"');
        case 'http-502':
          return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        case 'garbage':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x00, 0xff, 0x7b, 0x22, 0xfe, 0x0a, 0x89, 0x50, 0x4e, 0x47]));
        case 'truncated':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"infcode":0,"output":{"baseinfo":{"psn_no":"330');
        case 'wrong-shape':
          return void res.writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ infcode: '0', output: { baseinfo: 'none', insuinfo: { balc: 'lots' }, idetinfo: 7, signinoutb: [] }, err_msg: null }));
        case 'refusal':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ infcode: -1, err_msg: '系统繁忙，请稍后再试', output: null }));
        case 'huge':
          return void res.writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ infcode: -1, err_msg: '溢'.repeat(2_000_000), output: null }));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  platform.url = `http://127.0.0.1:${port}`;
  return platform;
}
