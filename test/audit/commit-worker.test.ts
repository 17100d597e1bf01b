import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChainLink, UnchainedFields } from '../../src/audit/appender.js';
import { GENESIS_HASH } from '../../src/audit/canonical.js';
import { offThreadCommitter, serveCommits, type CommitReply, type CommitRequest, type CommitWorker } from '../../src/audit/commit-worker.js';
import { localTimestamp } from '../../src/audit/time.js';
import { verifyRange } from '../../src/audit/verify.js';
import { openDataStore, type DataStore } from '../../src/db/database.js';

/**
 * Stands in for the worker thread: the real `serveCommits` on this thread behind a
 * MessageChannel, with its own connection to the file, that fails on cue. `take` requests
 * reach it and later ones are lost; `dieBeforeReplying` makes it die between its commit and
 * its reply.
 */
class ChannelWorker extends EventEmitter {
  private readonly channel = new MessageChannel();
  private dead = false;

  constructor(file: string, private readonly cue: { take?: number; dieBeforeReplying?: boolean } = {}) {
    super();
    serveCommits({ file }, this.channel.port1);
    this.channel.port2.on('message', (reply: CommitReply) => {
      if (this.cue.dieBeforeReplying) this.die();
      else this.emit('message', reply);
    });
  }

  postMessage(request: CommitRequest): void {
    if (this.dead) return;
    if (this.cue.take === undefined || this.cue.take-- > 0) this.channel.port2.postMessage(request);
  }

  /** Stops serving; whatever it had not taken up yet is lost with it. */
  die(): void {
    if (this.dead) return;
    this.dead = true;
    this.channel.port1.close();
    this.channel.port2.close();
    setImmediate(() => this.emit('exit', 1));
  }

  unref(): void {}

  terminate(): Promise<number> {
    this.die();
    return Promise.resolve(1);
  }
}

/** A real worker thread running plain JavaScript: no loader, so it starts in milliseconds. */
const jsWorker = (source: string) => new Worker(source, { eval: true });

let n = 0;
function fields(): UnchainedFields {
  n++;
  return {
    id: randomUUID(), at: localTimestamp(), kind: 'precheck', outcome: 'allow', cashierId: 'cashier-07', tokenId: null, terminalId: 'mock',
    cardMasked: null, cardHash: null, personHash: null, catalogueVersion: 3, reasonCodes: '', body: JSON.stringify({ n }), alg: 'sm3',
  };
}
const group = (size: number) => Array.from({ length: size }, fields);

describe('off-thread committer', () => {
  let dir: string;
  let store: DataStore;
  let committer: ReturnType<typeof offThreadCommitter> | undefined;
  let starts: number;
  let told: string[];

  beforeEach(() => {
    told = [];
    dir = mkdtempSync(path.join(tmpdir(), 'guard-commit-'));
    store = openDataStore(dir);
    starts = 0;
  });
  afterEach(async () => {
    await committer?.close();
    committer = undefined;
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (startWorker: (file: string) => CommitWorker) => {
    committer = offThreadCommitter(store.sqlite, {
      startWorker: (file) => {
        starts++;
        return startWorker(file);
      },
      onFallback: (why) => told.push(why),
    });
    return committer;
  };

  /** The groups are stored once each, in this order, with the links their commits answered, and the chain verifies. */
  function expectChain(groups: UnchainedFields[][], links: ChainLink[][]) {
    const rows = store.sqlite.prepare('SELECT seq, id, prev_hash AS prevHash, hash FROM audit_decisions ORDER BY seq').all() as (ChainLink & { id: string })[];
    const records = groups.flat();
    expect(rows.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect(rows.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(links.flat()).toEqual(rows.map(({ seq, prevHash, hash }) => ({ seq, prevHash, hash })));
    const check = verifyRange(store.sqlite, { from: 1, to: rows.length, prevHash: GENESIS_HASH });
    expect(check.broken).toBeNull();
    expect(check.count).toBe(records.length);
  }

  const failures: [string, () => CommitWorker, RegExp][] = [
    ['cannot start', () => { throw new Error('no worker threads here'); }, /^could not start: no worker threads here$/],
    ['reports a fatal start-up error', () => jsWorker(`require('node:worker_threads').parentPort.postMessage({ fatal: 'the loader failed' })`), /^could not start: the loader failed$/],
    ['throws', () => jsWorker(`throw new Error('the module failed')`), /^failed: the module failed$/],
    ['exits', () => jsWorker('process.exit(3)'), /^exited with code 3$/],
  ];
  it.each(failures)('commits on this thread, in chain order, each group once, when the worker %s, and says so once', async (_, startWorker, why) => {
    const c = open(startWorker);
    const groups = [group(2), group(3)];
    // Both wait for the worker before its failure is known, and are then committed together.
    const links = await Promise.all(groups.map((g) => c.commit(g)));
    const later = group(1);
    links.push(await c.commit(later));
    expectChain([...groups, later], links);
    expect(starts).toBe(1);
    expect(c.stats).toEqual({ commits: 2, records: 6 });
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(why);
  });

  it('ends a worker that reported a fatal start-up error and kept running', async () => {
    let exited: Promise<unknown> | undefined;
    const c = open(() => {
      const w = jsWorker(`require('node:worker_threads').parentPort.postMessage({ fatal: 'the loader failed' }); setInterval(() => {}, 60_000);`);
      exited = once(w, 'exit');
      return w;
    });
    const g = group(1);
    expectChain([g], [await c.commit(g)]);
    await exited;
  });

  it('commits once on this thread the groups a worker that exited never took up, after those it answered', async () => {
    let worker!: ChannelWorker;
    const c = open((file) => (worker = new ChannelWorker(file, { take: 1 })));
    const first = group(2);
    const links = [await c.commit(first)];
    expect(c.stats).toEqual({ commits: 1, records: 2 });
    const lost = [group(1), group(2)];
    const answered = lost.map((g) => c.commit(g));
    worker.die();
    links.push(...(await Promise.all(answered)));
    const later = group(1);
    links.push(await c.commit(later));
    expectChain([first, ...lost, later], links);
    expect(c.stats).toEqual({ commits: 3, records: 6 });
    expect(starts).toBe(1);
  });

  it('answers from the file the groups a worker committed and died before replying to, without storing them twice', async () => {
    const c = open((file) => new ChannelWorker(file, { dieBeforeReplying: true }));
    // Sent together, so the worker joins them into one transaction.
    const groups = [group(2), group(1)];
    const links = await Promise.all(groups.map((g) => c.commit(g)));
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM audit_decisions').get()).toEqual({ n: 3 });
    const later = group(2);
    links.push(await c.commit(later));
    expectChain([...groups, later], links);
    // Only the commit on this thread is counted: the worker's reply never came.
    expect(c.stats).toEqual({ commits: 1, records: 2 });
  });

  it('answers a committed group from the file and commits the one the dead worker never took up after it', async () => {
    const c = open((file) => new ChannelWorker(file, { take: 1, dieBeforeReplying: true }));
    const groups = [group(3), group(1)];
    const links = await Promise.all(groups.map((g) => c.commit(g)));
    expectChain(groups, links);
    expect(c.stats).toEqual({ commits: 1, records: 1 });
  });

  it('commits on close what the worker had not answered', async () => {
    const c = open((file) => new ChannelWorker(file, { take: 0 }));
    const g = group(2);
    const answered = c.commit(g);
    await c.close();
    expectChain([g], [await answered]);
    // Closing is no failure.
    expect(told).toEqual([]);
  });

  const committers: [string, (file: string) => CommitWorker][] = [
    ['on this thread', () => { throw new Error('no worker threads here'); }],
    ['on the worker', (file) => new ChannelWorker(file)],
  ];
  it.each(committers)('refuses only the requests of a transaction that failed, %s, storing none of them', async (_, startWorker) => {
    const c = open(startWorker);
    const first = group(2);
    const links = [await c.commit(first)];
    // Sent together, so they share a transaction, and its fate.
    const duplicate = [fields(), { ...fields(), id: first[1]!.id }];
    const refused = await Promise.allSettled([c.commit(duplicate), c.commit(group(1))]);
    for (const r of refused) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    }
    const later = group(1);
    links.push(await c.commit(later));
    expectChain([first, later], links);
  });
});
