import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PlatformObserver } from '../../account/client.js';
import type { CardTerminal } from '../../card/terminal.js';
import type { CounterObserver } from '../../checkout/counter.js';
import { ServiceFault } from '../../reasons.js';

/** Device and platform calls take from milliseconds (mock) to the multi-second timeouts. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's Prometheus metrics, one registry per app (tests build many). Decisions come
 * from the counter's observer hook, platform latency from the platform client's observer hook,
 * terminal latency from a thin wrapper around the terminal, request latency from onResponse.
 */
export class Metrics implements CounterObserver, PlatformObserver {
  readonly registry = new Registry();
  private readonly prechecks = new Counter({ name: 'checkout_guard_prechecks_total', help: 'Basket prechecks by decision', labelNames: ['decision'] as const, registers: [this.registry] });
  private readonly reasons = new Counter({ name: 'checkout_guard_precheck_reasons_total', help: 'Prechecks by decision and each distinct reason code they gave', labelNames: ['decision', 'reason'] as const, registers: [this.registry] });
  readonly terminalSeconds = new Histogram({ name: 'checkout_guard_terminal_seconds', help: 'Card terminal operations: latency by operation and outcome (ok or the system reason)', labelNames: ['operation', 'outcome'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly platformSeconds = new Histogram({ name: 'checkout_guard_platform_seconds', help: 'Insurance platform transactions: latency by transaction code and outcome (ok or the system reason)', labelNames: ['transaction', 'outcome'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly httpSeconds = new Histogram({ name: 'checkout_guard_http_request_seconds', help: 'HTTP requests by route pattern, method and status', labelNames: ['method', 'route', 'status'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'checkout_guard_' });
  }

  transaction(infno: string, outcome: string, seconds: number): void {
    this.platformSeconds.observe({ transaction: infno, outcome }, seconds);
  }

  precheckDecided(decision: string, reasonCodes: readonly string[]): void {
    this.prechecks.inc({ decision });
    for (const reason of new Set(reasonCodes)) this.reasons.inc({ decision, reason });
  }
}

/** Times `work`, labelling the outcome `ok` or the system reason of the fault it threw. */
async function timed<T>(histogram: Histogram<string>, labels: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer(labels);
  try {
    const result = await work();
    end({ outcome: 'ok' });
    return result;
  } catch (err) {
    end({ outcome: err instanceof ServiceFault ? err.code : 'error' });
    throw err;
  }
}

/** The terminal with every device operation timed; `dev` (the virtual card slot) passes through. */
export function timedTerminal(terminal: CardTerminal, metrics: Metrics): CardTerminal {
  const h = metrics.terminalSeconds;
  return {
    read: () => timed(h, { operation: 'read' }, () => terminal.read()),
    verifyPin: (card) => timed(h, { operation: 'verify-pin' }, () => terminal.verifyPin(card)),
    changePin: (card) => timed(h, { operation: 'change-pin' }, () => terminal.changePin(card)),
    status: () => timed(h, { operation: 'status' }, () => terminal.status()),
    close: () => terminal.close(),
    ...(terminal.dev ? { dev: terminal.dev } : {}),
  };
}

/** GET /metrics in the Prometheus text format, and request latency for every route. */
export const metricsRoutes = fp<{ metrics: Metrics }>(async (app, { metrics }) => {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpSeconds.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', {
    config: { public: true },
    schema: {
      tags: ['operations'], summary: 'Prometheus metrics: prechecks by decision and reason, terminal, platform and request latency',
      description: 'Counts and latencies only: no personal data. Scrape from the same host, or put it behind the TLS proxy with the API.',
      response: { 200: { type: 'string', description: 'Prometheus text exposition format', examples: ['checkout_guard_prechecks_total{decision="allow"} 42\n'] } },
      produces: ['text/plain'],
    },
  }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}, { name: 'metrics' });
