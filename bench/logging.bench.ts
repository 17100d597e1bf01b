import os from 'node:os';
import pino from 'pino';
import { createLogger } from '../src/http/observability/logging.js';
import { opsPerSecondSync, type Benchmark } from './harness.js';

const GOAL_RATIO = 1.5;

/** The two lines every request writes, shaped as Fastify writes them, and a fault line with a detail object. */
function writeRequestLines(log: { info(o: object, m: string): void; warn(o: object, m: string): void }, i: number): void {
  log.info({ reqId: `req-${i}`, req: { method: 'POST', url: '/v1/checkout/precheck', host: '127.0.0.1:8731', remoteAddress: '127.0.0.1', remotePort: 50000 + (i % 1000) } }, 'incoming request');
  // Fastify's responseTime is reply.elapsedTime, a float of performance.now() differences: 16 or so digits.
  log.info({ reqId: `req-${i}`, caller: { tokenId: '66208deafa7d', role: 'cashier' }, res: { statusCode: 200 }, responseTime: 3.2307819 + (i % 97) / 7 }, 'request completed');
  if (i % 10 === 0) log.warn({ reqId: `req-${i}`, reason: 'PLATFORM_UNAVAILABLE', detail: { infno: '1101', message: 'timeout', attempts: 3 } }, 'service fault');
}

/**
 * What personal-data redaction (the key walk in formatters.log and the scrub of every written
 * line) costs per request, against plain pino writing the same lines to the same sink.
 */
const bench: Benchmark = {
  name: 'logging',
  async run({ quick }) {
    const sink = { write: () => undefined };
    const guarded = createLogger('info', sink);
    const plain = pino({ level: 'info', base: { service: 'checkout-guard' }, timestamp: pino.stdTimeFunctions.isoTime }, sink);
    let i = 0;
    const rounds = quick ? 4 : 10;
    const ms = quick ? 100 : 300;
    let guardedUs = Infinity;
    let plainUs = Infinity;
    for (let r = 0; r < rounds; r++) {
      guardedUs = Math.min(guardedUs, 1e6 / opsPerSecondSync(() => writeRequestLines(guarded, i++), ms, 100));
      plainUs = Math.min(plainUs, 1e6 / opsPerSecondSync(() => writeRequestLines(plain, i++), ms, 100));
    }
    return [{
      figure: 'request log lines with personal-data redaction (2.1 lines per request)',
      value: guardedUs, unit: 'µs per request',
      baseline: 'plain pino, the same lines and sink', baselineValue: plainUs,
      ratio: guardedUs / plainUs,
      goal: `ratio <= ${GOAL_RATIO}: redaction adds at most half of what logging costs anyway (lower is better)`,
      met: guardedUs / plainUs <= GOAL_RATIO,
      better: 'lower',
      note: `redaction adds ${(guardedUs - plainUs).toFixed(1)} µs per request; fastest of ${rounds} interleaved rounds; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
    }];
  },
};
export default bench;
