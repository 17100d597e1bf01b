import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { ServiceFault } from '../../reasons.js';

/**
 * Requests per minute per caller: keyed by token id once the auth hook has identified the
 * caller (so one misbehaving POS cannot starve the other counters), by address for the public
 * routes. Register after the auth plugin and before the routes: the limiter's per-route hook
 * then runs after authentication. Over the limit: 429 RATE_LIMITED with retryAfterSeconds.
 */
export async function registerRateLimit(app: FastifyInstance, { perMinute }: { perMinute: number }): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.caller ? `token:${request.caller.tokenId}` : `address:${request.ip}`),
    errorResponseBuilder: (_request, context) => new ServiceFault('RATE_LIMITED', { limit: context.max, retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) }, { status: 429 }),
  });
}
