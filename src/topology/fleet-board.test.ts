import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import { bigWords, retainedMiB } from '../../test/harness/heap.js';
import { FleetBoard } from './fleet-board.js';

const ev = (n: number): LogEvent[] => Array.from({ length: n }, (_, i) => ({ ts: i, source: 's', message: `m${i}`, raw: `m${i}`, templateId: i, template: `m${i}`, params: [] }) as LogEvent);

/** Two engine threads on one board, driven from one thread: each is asked only when the other is past it (no wait). */
function pair(maxKeys = 100) {
  const main = FleetBoard.create(2, maxKeys);
  return { main, a: FleetBoard.attach(main.buffers, 0), b: FleetBoard.attach(main.buffers, 1) };
}

describe('FleetBoard', () => {
  it('answers by the order of the input, not by which thread asks first', () => {
    const { main, a, b } = pair();
    // Batch 1 split: records 0 and 2 to thread a, 1 and 3 to thread b.
    main.posting([0, 1]);
    const ea = ev(2);
    const eb = ev(2);
    a.part(1, Int32Array.from([0, 2]));
    b.part(1, Int32Array.from([1, 3]));
    a.delivering(ea, [0, 0, 1, 1]); // runs: event 0 from record 0 (global 0), event 1 from record 1 (global 2)
    b.delivering(eb, [0, 0, 1, 1]); // global 1 and 3
    // Thread b is already at global 1 (its part started there): a, at global 0, need not wait.
    expect(a.seenElsewhere('disk failure', ea[0])).toBe(false);
    a.partDone();
    // b sights it at global 1: a sighted it at global 0, earlier in the input.
    expect(b.seenElsewhere('disk failure', eb[0])).toBe(true);
    // b's own first sighting at global 3 of a key a never saw.
    expect(b.seenElsewhere('journal stalled', eb[1])).toBe(false);
    b.partDone();
    // Next batch, whole to thread a: the key b sighted in batch 1 is known.
    main.posting([0]);
    const e2 = ev(1);
    a.part(2, undefined);
    a.delivering(e2, [0, 0]);
    expect(a.seenElsewhere('journal stalled', e2[0])).toBe(true);
    a.partDone();
    expect(main.size()).toBe(2);
    expect(a.owned() + b.owned()).toBe(2);
  });

  it('knows what a restored thread knew from the start', () => {
    const { main, a, b } = pair();
    a.seed(['restored type']);
    main.posting([1]);
    const e = ev(1);
    b.part(1, undefined);
    b.delivering(e, [0, 0]);
    expect(b.seenElsewhere('restored type', e[0])).toBe(true);
    expect(b.seenElsewhere('other type', e[0])).toBe(false);
  });

  it('is bounded: beyond 3/4 of its slots new keys are not shared, and counted', () => {
    const main = FleetBoard.create(2, 1); // 1024 slots: 768 keys
    const warned: string[] = [];
    const a = FleetBoard.attach(main.buffers, 0, (msg) => warned.push(msg));
    main.posting([0]);
    const e = ev(1);
    a.part(1, undefined);
    a.delivering(e, [0, 0]);
    for (let i = 0; i < 800; i++) a.seenElsewhere(`key ${i}`, e[0]);
    expect(main.size()).toBe(768);
    expect(a.overflowed).toBe(32);
    expect(warned).toHaveLength(1); // said once, counted every time
    expect(a.seenElsewhere('key 799', e[0])).toBe(false);
    expect(a.seenElsewhere('key 1', e[0])).toBe(false); // its own sighting, at the same place: not earlier
  });

  it('places events delivered between parts (an idle flush) after the thread\'s last part', () => {
    const { main, a, b } = pair();
    main.posting([0, 1]);
    const ea = ev(1);
    const eb = ev(1);
    a.part(1, Int32Array.from([0]));
    b.part(1, Int32Array.from([1]));
    a.delivering(ea, [0, 0]);
    a.partDone();
    b.delivering(eb, [0, 0]);
    expect(b.seenElsewhere('x', eb[0])).toBe(false);
    b.partDone();
    const flushed = ev(1);
    a.delivering(flushed, null);
    expect(a.seenElsewhere('x', flushed[0])).toBe(true);
    expect(a.timeouts + b.timeouts).toBe(0);
  });
});

describe('FleetBoard across real threads', () => {
  it('gives the answers of one engine reading the input in order, however the threads race', async () => {
    const { spawnWorker } = await import('../core/spawn-worker.js');
    // 40 batches of 12 records over two threads; keys from a pool of 200, so many are logged in both,
    // first in either. One thread is slowed (up to 2 ms a record), the other not: the fast one runs
    // ahead and meets keys the slow one logged earlier in the input but has not reached yet.
    let r = 7;
    const next = (n: number) => {
      // mulberry32
      r = (r + 0x6d2b79f5) | 0;
      let t = Math.imul(r ^ (r >>> 15), 1 | r);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const batches = Array.from({ length: 40 }, () => Array.from({ length: 12 }, () => ({ lane: next(2), key: `type ${next(200)}` })));
    const expected = new Map<string, boolean>();
    const seen = new Set<string>();
    batches.forEach((b, s) => b.forEach((rec, i) => (expected.set(`${s + 1}:${i}`, seen.has(rec.key)), seen.add(rec.key))));
    for (const seed of [1, 2]) {
      const main = FleetBoard.create(2, 100);
      const harness = new URL('../../test/harness/fleet-board-thread.ts', import.meta.url).href;
      const workers = [0, 1].map((me) => spawnWorker(harness, './fleet-board-thread', { workerData: { buffers: main.buffers, me, seed: seed * 10 + me, slowUs: me === seed % 2 ? 2000 : 20 } }));
      const done = workers.map((w) => new Promise<{ answers: [number, number, boolean][]; timeouts: number }>((res) => w.once('message', res)));
      batches.forEach((b, s) => {
        const lanes = [0, 1].filter((l) => b.some((rec) => rec.lane === l));
        main.posting(lanes);
        for (const l of lanes) {
          const at = b.flatMap((rec, i) => (rec.lane === l ? [i] : []));
          workers[l].postMessage({ seq: s + 1, at, keys: at.map((i) => b[i].key) });
        }
      });
      main.posting([0, 1]);
      for (const w of workers) w.postMessage({ seq: 41, at: [0], keys: [], last: true });
      const results = await Promise.all(done);
      await Promise.all(workers.map((w) => w.terminate()));
      const got = new Map<string, boolean>();
      for (const { answers } of results) for (const [s, i, known] of answers) got.set(`${s}:${i}`, known);
      expect(results.map((x) => x.timeouts)).toEqual([0, 0]);
      expect(got).toEqual(expected);
    }
  }, 60_000);

  it('keeps no events once delivered outside a part: an idle thread held its last flush (issue 17)', () => {
    const { main, a } = pair();
    main.posting([0]);
    a.part(1, undefined);
    a.partDone();
    const { mib, value: board } = retainedMiB(() => {
      // Held records parsed when the source went idle: 20 megabyte events, delivered between parts.
      const flushed = Array.from({ length: 20 }, (_, i) => ({ ...ev(1)[0], raw: bigWords(1 << 20, i + 1) }) as LogEvent);
      a.delivering(flushed, null);
      expect(a.seenElsewhere('held type', flushed[0])).toBe(false);
      return a;
    });
    // They stayed referenced by the board until the thread's next batch: 20 MiB.
    expect(mib).toBeLessThan(4);
    expect(board.owned()).toBe(1);
  });
});
