import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { WireMessage } from './signing/index.js';

export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body's bytes, for answers that are files (9102). */
  bytes?: Buffer;
}

/**
 * `tls`: the TLS handshake failed (an untrusted or mismatched server certificate, or a gateway
 * refusing our client certificate): a configuration problem, not worth sending again.
 */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(readonly kind: 'timeout' | 'connection' | 'tls' | 'too-large', message: string, options?: { cause?: unknown }) {
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
  /** For an https base URL: whom to trust and, for mutual TLS, who we are. */
  tls?: PlatformTls;
}

/** PEM contents, as tls.connect takes them. */
export interface PlatformTls {
  /** CA bundle trusted for the platform's certificate, instead of the public CAs. */
  ca?: string | Buffer;
  /** Client certificate (chain) and key for a gateway that requires mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** Name for SNI and the certificate check when the URL holds an address. */
  servername?: string;
}

/**
 * The whole exchange's deadline (queueing, connect, answer and body), as the smallest signal
 * undici's request() accepts: it reads `aborted`, subscribes with once('abort') and
 * unsubscribes with removeListener('abort'). An AbortSignal.timeout per request costs more
 * than the rest of the client's work on a loopback check, and an EventEmitter with undici's
 * once wrapper is most of a kilobyte of garbage per answer.
 */
class Deadline {
  aborted = false;
  private readonly listeners: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.aborted = true;
      for (const listener of this.listeners.splice(0)) listener();
    }, ms);
  }
  on(_event: 'abort', listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }
  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }
  removeListener(_event: 'abort', listener: () => void): this {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
    return this;
  }
  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * A body's exact bytes as they arrive (no copy of a one-chunk answer, a leading BOM kept):
 * undici's arrayBuffer() adds a microtask hop, three listeners and a copy of the whole body to
 * every answer. The bare round trips of the account benchmark read their answers this way too.
 */
export function readBytes(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    // `on`, not `once`: each event comes at most once to a body, and a once wrapper is garbage per answer.
    body
      .on('data', (chunk: Buffer) => chunks.push(chunk))
      .on('end', () => {
        ended = true;
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      })
      .on('error', reject)
      // 'close' follows every 'end': an Error (and its stack) only when the body really stopped short.
      .on('close', () => ended || reject(new Error('the answer ended early')));
  });
}

/** Node's codes for a failed handshake: OpenSSL alerts, certificate verification, host name mismatch. */
const TLS_FAILURE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

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
    this.pool = new Pool(url.origin, {
      connections: options.connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, maxResponseSize: MAX_ANSWER_BYTES,
      ...(options.tls ? { connect: { ...options.tls } } : {}),
    });
  }

  async post(infno: string, message: WireMessage, timeoutMs: number): Promise<WireAnswer> {
    const deadline = new Deadline(timeoutMs);
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: this.prefix + this.options.pathTemplate.replaceAll('{infno}', infno),
        headers: message.headers,
        body: message.body,
        // undici's type says EventEmitter; Deadline is the part of one it uses.
        signal: deadline as unknown as EventEmitter,
      });
      const bytes = await readBytes(res.body);
      const body = bytes.toString('utf8');
      // undici gives lower-case names; a repeated header stays an array, which no signer accepts.
      return { status: res.statusCode, headers: res.headers as Record<string, string>, body, bytes };
    } catch (err) {
      if (deadline.aborted) throw new TransportError('timeout', `no answer within ${timeoutMs} ms`, { cause: err });
      const code = (err as { code?: string }).code;
      if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw new TransportError('too-large', `answer over ${MAX_ANSWER_BYTES} bytes`, { cause: err });
      throw new TransportError(code && TLS_FAILURE.test(code) ? 'tls' : 'connection', code ?? (err as Error).message, { cause: err });
    } finally {
      deadline.clear();
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
