import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../config.js';
import { clientErrorHandler, frameworkErrors } from './errors.js';
import { genReqId } from './observability/request-id.js';

/** Largest request body: a precheck of 500 lines is about 100 kB. Routes that take files set their own. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The HTTP server's limits and transport: body, path parameter and header sizes, how long a
 * client may take to send a request (slow senders cannot hold connections), TLS when a
 * certificate is configured, and the contract's error body for what Fastify rejects before
 * routing.
 */
export function serverOptions(config: Config) {
  const https = tls(config);
  return {
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 128 },
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 10_000,
    // Draining answers new requests in the contract's shape (see observability/readiness.ts).
    return503OnClosing: false,
    requestIdHeader: false as const,
    genReqId,
    http: { maxHeaderSize: 16 * 1024 },
    ...(https ? { https } : {}),
    frameworkErrors,
    clientErrorHandler,
  };
}

function tls(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (!config.tlsCert && !config.tlsKey) return undefined;
  if (!config.tlsCert || !config.tlsKey) throw new ConfigError('TLS needs both TLS_CERT and TLS_KEY');
  try {
    return { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
  } catch (err) {
    throw new ConfigError(`cannot read the TLS certificate or key: ${(err as Error).message}`);
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * The warning to give when the service listens beyond loopback in plain HTTP: bearer tokens
 * and masked card data would then cross the pharmacy network readable by anyone on it.
 */
export function bindWarning(config: Pick<Config, 'host' | 'tlsCert'>): string | null {
  if (LOOPBACK.test(config.host) || config.tlsCert) return null;
  return `listening on ${config.host} without TLS: API tokens and checkout data cross the network in clear text. `
    + 'Bind HOST=127.0.0.1 and let the POS run on this machine, or set TLS_CERT and TLS_KEY, or put a TLS proxy in front.';
}
