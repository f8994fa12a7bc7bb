import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import type { Alert, Sink, WriteResult } from '../core/sink.js';
import { openStore, type Store } from '../store/store.js';
import { tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';
import { until } from '../../test/harness/until.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';

let tmp: TmpDir;
let store: Store;
let clock: ManualClock;
beforeEach(() => {
  tmp = tmpDir();
  clock = new ManualClock(0);
  store = openStore(tmp.file(), { clock });
});
afterEach(() => {
  store.close();
  tmp.remove();
});

/** A sink answering from a script (then `ok`), recording every batch. */
class ScriptedSink implements Sink {
  readonly name = 'test';
  readonly batches: string[][] = [];
  lastError?: string;
  constructor(private readonly script: (WriteResult | 'throw')[] = []) {}
  async healthcheck(): Promise<void> {}
  async write(batch: readonly Alert[]): Promise<WriteResult> {
    this.batches.push(batch.map((a) => a.title));
    const next = this.script.shift() ?? 'ok';
    if (next === 'throw') throw new Error('boom');
    this.lastError = next === 'ok' ? undefined : `said ${next}`;
    return next;
  }
  async close(): Promise<void> {}
}

const OPTS: DispatcherOptions = { batchSize: 10, ratePerMinute: 0, retryInitialMs: 1_000, retryMaxMs: 8_000, maxAttempts: 5, pollMs: 10 };

function queue(n: number, at = 0): void {
  for (let i = 0; i < n; i++) store.outbox.insert('test', `k${i}`, { title: `t${i}` }, at);
}

function dispatcher(sink: Sink, opts: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher(sink, { ...OPTS, ...opts }, { outbox: store.outbox, clock, logger: silentLogger, random: () => 0.5 });
}

describe('dispatcher', () => {
  it('at start, makes due the retries scheduled beyond the longest back-off (a clock that was ahead), not the others', async () => {
    clock.set(10_000_000);
    queue(2, 10_000_000);
    const [a, b] = store.outbox.due('test', 10_000_000, 2);
    // a: retried by a process whose clock ran an hour ahead; b: a normal back-off; k2: never tried,
    // scheduled an hour ahead (the policy's timers, not a retry: left alone).
    store.outbox.markFailedMany([{ id: a.id, next: 10_000_000 + 3_600_000 }, { id: b.id, next: 10_000_000 + 4_000 }], 'HTTP 500');
    store.outbox.insert('test', 'k2', { title: 't2' }, 10_000_000 + 3_600_000);
    const sink = new ScriptedSink();
    const d = dispatcher(sink, { pollMs: 60_000 });
    d.start();
    await until('the stale retry sent', async () => (sink.batches.length > 0 ? true : undefined));
    await d.stop();
    expect(sink.batches).toEqual([['t0']]);
    expect(store.outbox.due('test', 10_000_000 + 8_000, 10).map((r) => r.anomalyId)).toEqual(['k1']);
    expect(store.outbox.due('test', 10_000_000 + 3_600_000, 10).map((r) => r.anomalyId)).toEqual(['k1', 'k2']);
  });

  it('sends due rows in batches and marks them sent', async () => {
    queue(25);
    const sink = new ScriptedSink();
    const d = dispatcher(sink);
    expect(await d.runOnce()).toBe(10);
    expect(await d.runOnce()).toBe(10);
    expect(await d.runOnce()).toBe(5);
    expect(await d.runOnce()).toBe(0);
    expect(sink.batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `t${i}`));
    expect(d.stats).toMatchObject({ sent: 25, pending: 0, errors: 0 });
  });

  it('retries with exponential back-off and jitter, gives up after max_attempts', async () => {
    queue(1);
    const sink = new ScriptedSink(['retry', 'throw', 'retry', 'retry', 'retry']);
    const d = dispatcher(sink);
    // back-off base 1 s, 2 s, 4 s, 8 s (capped) × jitter 0.75
    const delays = [750, 1_500, 3_000, 6_000];
    for (const delay of delays) {
      expect(await d.runOnce()).toBe(1);
      clock.advance(delay - 1);
      expect(await d.runOnce()).toBe(0);
      clock.advance(1);
    }
    expect(await d.runOnce()).toBe(1); // 5th attempt fails: given up
    clock.advance(100_000);
    expect(await d.runOnce()).toBe(0);
    expect(d.stats).toMatchObject({ sent: 0, retries: 4, dropped: 1, errors: 5, pending: 0 });
    expect(d.backoff(10)).toBe(6_000);
  });

  it('while the receiver fails the sink pauses (one probe per back-off); the first success sends the backlog at once', async () => {
    queue(30);
    const sink = new ScriptedSink(Array.from({ length: 4 }, () => 'retry' as const));
    const d = dispatcher(sink, { batchSize: 5, retryMaxMs: 60_000 });
    while (d.stats.sent === 0 && clock.now() < 60_000) {
      await d.runOnce();
      clock.advance(100);
    }
    expect(clock.now()).toBe(11_400); // the 5th probe went at 11 300 ms
    // Paused 750, 1 500, 3 000, 6 000 ms after the failures: four failed probes in 12 s, not 30 rows' worth.
    expect(sink.batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 5]);
    expect(d.stats).toMatchObject({ sent: 5, errors: 4, retries: 20 });
    let n = 0;
    while ((await d.runOnce()) > 0) n++;
    expect(d.stats).toMatchObject({ sent: 30, pending: 0 });
    expect(n).toBe(5);
    expect(new Set(sink.batches.flat()).size).toBe(30);
  });

  it('after a recovery, rows waiting for their own (long) retry timers are due at once', async () => {
    queue(10);
    for (const it of store.outbox.due('test', 0, 10).slice(5)) store.outbox.markFailed(it.id, 'HTTP 503', 50_000);
    const sink = new ScriptedSink(['retry']);
    const d = dispatcher(sink, { batchSize: 5 });
    expect(await d.runOnce()).toBe(5); // fails: paused 750 ms
    expect(await d.runOnce()).toBe(0);
    clock.advance(750);
    expect(await d.runOnce()).toBe(5); // succeeds: recovered
    expect(await d.runOnce()).toBe(5); // the rows due at 50 s go now
    expect(d.stats).toMatchObject({ sent: 10, pending: 0 });
  });

  it('a rejected batch is given up at once; the next rows still go', async () => {
    queue(3);
    const sink = new ScriptedSink(['reject']);
    const d = dispatcher(sink, { batchSize: 2 });
    await d.runOnce();
    await d.runOnce();
    expect(d.stats).toMatchObject({ sent: 1, dropped: 2, pending: 0 });
  });

  it('rate limit delays requests, never drops them', async () => {
    queue(5);
    const sink = new ScriptedSink();
    const d = dispatcher(sink, { batchSize: 1, ratePerMinute: 2 });
    expect(await d.runOnce()).toBe(1);
    expect(await d.runOnce()).toBe(1);
    expect(await d.runOnce()).toBe(0); // bucket empty
    clock.advance(30_000); // one token back
    expect(await d.runOnce()).toBe(1);
    expect(await d.runOnce()).toBe(0);
    clock.advance(60_000);
    expect(await d.runOnce()).toBe(1);
    expect(await d.runOnce()).toBe(1);
    expect(d.stats).toMatchObject({ sent: 5, dropped: 0 });
  });

  it('the timer loop delivers without being driven, and stop waits for the batch in flight', async () => {
    queue(3);
    const sink = new ScriptedSink();
    const d = dispatcher(sink, { batchSize: 1 });
    d.start();
    await until('delivery', async () => (d.stats.sent === 3 ? true : undefined));
    await d.stop();
    store.outbox.insert('test', 'late', { title: 'late' }, 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.batches.flat()).toEqual(['t0', 't1', 't2']);
  });
});
