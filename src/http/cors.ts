import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** What a POS page sends besides the simple headers: its token, a JSON body, its own request id. */
const REQUEST_HEADERS = ['authorization', 'content-type', 'x-request-id'];
/** What a POS page may read of an answer beyond the simple headers: the id to quote, the rate limit, an export's file name. */
const ANSWER_HEADERS = ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'content-disposition'];

/**
 * Lets pages from the listed origins (a browser-based POS served from elsewhere) call the API.
 * Off when the list is empty: browsers then refuse cross-origin calls as before. Register
 * before the auth plugin and the rate limiter: @fastify/cors answers a preflight (which by the
 * Fetch standard never carries the token) in its onRequest hook, and the headers it sets there
 * stay on 401, 403 and 429 answers, so the page can read why it was refused.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  // Its catch-all OPTIONS route, added before the auth plugin exists, stays out of the role
  // table: it serves nothing itself, it only lets the plugin's hook answer preflights.
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'DELETE'],
    allowedHeaders: REQUEST_HEADERS,
    exposedHeaders: ANSWER_HEADERS,
    // Bearer tokens, no cookies: a page never needs the browser to attach credentials.
    credentials: false,
    maxAge: 600,
    // An OPTIONS without the preflight headers gets an empty 204 too, not the plugin's plain-text 400.
    strictPreflight: false,
  });
}
