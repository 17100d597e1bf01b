import { Pool } from 'undici';
import type { WireMessage } from './signing/index.js';

export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body's bytes, for answers that are files (9102). */
  bytes?: Buffer;
}

export class TransportError extends Error {
  override name = 'TransportError';
  constructor(readonly kind: 'timeout' | 'connection', message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface PlatformTransport {
  /** Posts one message for transaction `infno` and waits at most `timeoutMs` for the whole answer. */
  post(infno: string, message: WireMessage, timeoutMs: number): Promise<WireAnswer>;
  close(): Promise<void>;
}

export interface HttpTransportOptions {
  /** Base URL, e.g. http://10.1.1.1:8080/prefix */
  baseUrl: string;
  /** Path below the base; `{infno}` is replaced for platforms with one URL per transaction. */
  pathTemplate: string;
  /** Upper bound of open keep-alive connections. */
  connections: number;
}

/** Largest answer accepted: a 1101 answer is a few kB; file downloads go through their own transactions. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * HTTP(S) POST over a keep-alive undici pool: connections are reused across checkouts, so a
 * check costs one request, not a TCP (and TLS) handshake.
 */
export class HttpTransport implements PlatformTransport {
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(private readonly options: HttpTransportOptions) {
    const url = new URL(options.baseUrl);
    this.prefix = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, { connections: options.connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, maxResponseSize: MAX_ANSWER_BYTES });
  }

  async post(infno: string, message: WireMessage, timeoutMs: number): Promise<WireAnswer> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: this.prefix + this.options.pathTemplate.replaceAll('{infno}', infno),
        headers: message.headers,
        body: message.body,
        signal,
      });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      const body = bytes.toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body, bytes };
    } catch (err) {
      if (signal.aborted) throw new TransportError('timeout', `no answer within ${timeoutMs} ms`, { cause: err });
      throw new TransportError('connection', (err as { code?: string }).code ?? (err as Error).message, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
