import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { StreamDetector } from '../core/detector.js';
import type { Anomaly, Cursor, LogEvent } from '../core/event.js';
import type { RawBatch, Source, SourceStats } from '../core/source.js';
import { MemoryStore } from '../../test/harness/memory-store.js';
import { Engine } from './engine.js';
import { openDb } from '../store/db.js';
import { Store } from '../store/store.js';
import { tmpDir } from '../../test/harness/store-fixtures.js';

/** A source fed by the test: each batch carries a cursor; acks are recorded. */
class ScriptedSource implements Source {
  readonly acked: Cursor[] = [];
  constructor(
    readonly id: string,
    private readonly batches: RawBatch[] = [],
  ) {}
  async run(emit: (b: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    for (const b of this.batches) {
      if (signal.aborted) break;
      await emit(b);
    }
  }
  ack(c: Cursor): void {
    this.acked.push(c);
  }
  stats(): SourceStats {
    return { received: 0, bytes: 0, dropped: 0, errors: 0 };
  }
}

/** Flags every error-level event, with a deterministic id. */
class ErrorDetector implements StreamDetector {
  readonly kind = 'test_errors';
  fail = false;
  observe(events: readonly LogEvent[]): Anomaly[] {
    if (this.fail) throw new Error('boom');
    return events
      .filter((e) => e.level === 'error')
      .map((e) => ({ id: `${e.source}:${e.line}`, ts: e.ts, source: e.source, detector: this.kind, score: 1, severity: 'error', title: 'An error line.', explanation: [], context: [], templateId: e.templateId }));
  }
  tick(): Anomaly[] {
    return [];
  }
  snapshot() {
    return { kind: this.kind, version: 1, data: null };
  }
  restore(): void {}
}

const HDFS = readFileSync(new URL('../../test/fixtures/logs/loghub-samples/HDFS.log', import.meta.url), 'utf8').split(/\r?\n/);
/** Lines as a file source would send them: each record knows where it starts; the cursor is the end. */
function batch(source: string, lines: string[], start = 0, firstLine = 1): RawBatch {
  let offset = start;
  const records = lines.map((text, i) => {
    const r = { source, text, arrivalTs: 0, line: firstLine + i, offset };
    offset += Buffer.byteLength(text) + 1;
    return r;
  });
  return { records, cursor: { kind: 'file', id: source, offset } };
}
const ends = (b: RawBatch) => (b.cursor as Cursor).offset;

function engine(store: MemoryStore, detectors: StreamDetector[], clock = new ManualClock(1_000), onAnomalies?: (a: Anomaly[]) => void) {
  return new Engine({
    sources: [],
    detectors,
    store,
    anomalies: store,
    clock,
    parserOptions: () => ({ format: '<Date> <Time> <Pid> <Level> <Component>: <Content>' }),
    onAnomalies,
  });
}

describe('Engine', () => {
  it('mines, detects, stores and acknowledges; re-processing stores nothing twice', async () => {
    const store = new MemoryStore();
    const live: Anomaly[] = [];
    const clock = new ManualClock(1_000);
    const e = engine(store, [new ErrorDetector()], clock, (a) => live.push(...a));
    const src = new ScriptedSource('hdfs');
    const lines = [...HDFS, '081109 204005 35 ERROR dfs.DataNode: disk failure on /dev/sda1'];
    const b = batch('hdfs', lines);
    await e.process(src, b);
    // The last line may still be continued (multi-line), so only what precedes it is acknowledged.
    expect(src.acked).toEqual([{ kind: 'file', id: 'hdfs', offset: b.records[lines.length - 1].offset }]);
    clock.advance(2_000);
    e.tick();
    expect(src.acked[1]).toEqual({ kind: 'file', id: 'hdfs', offset: ends(b) });
    expect(e.stats.events).toBe(lines.length);
    expect([...store.templates.values()].reduce((a, t) => a + t.count, 0)).toBe(lines.length);
    expect(store.anomalies.size).toBe(1);
    expect(live).toHaveLength(1);
    expect(live[0].context.length).toBeGreaterThan(0);
    // at-least-once: the same batch again (a crash before the ack) stores no second anomaly
    await e.process(src, b);
    clock.advance(2_000);
    e.tick();
    expect(store.anomalies.size).toBe(1);
    expect(e.stats.duplicates).toBe(1);
    expect(live).toHaveLength(1);
  });

  it('holds the ack while a multi-line record is open, and releases it after the idle time', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(1_000);
    const e = engine(store, [], clock);
    const src = new ScriptedSource('java');
    const b = batch('java', ['081109 204005 35 ERROR dfs.X: failed', 'java.io.IOException: broken', '\tat a.b.C.d(C.java:1)']);
    await e.process(src, b);
    expect(src.acked).toEqual([]);
    clock.advance(500);
    e.tick();
    expect(src.acked).toEqual([]);
    clock.advance(5_000);
    e.tick();
    expect(src.acked).toEqual([{ kind: 'file', id: 'java', offset: ends(b) }]);
    expect(e.stats.events).toBe(1);
  });

  it('restores template ids from the stored parser state', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(1_000);
    const seen: LogEvent[] = [];
    const spy: StreamDetector = { kind: 'spy', observe: (ev) => (seen.push(...ev), []), tick: () => [], snapshot: () => ({ kind: 'spy', version: 1, data: null }), restore: () => {} };
    const a = engine(store, [spy], clock);
    await a.process(new ScriptedSource('s'), batch('s', HDFS));
    clock.advance(2_000);
    a.tick();
    const firstId = seen.find((x) => x.message.startsWith('PacketResponder'))!.templateId;
    seen.length = 0;
    const b = engine(store, [spy], clock);
    await b.process(new ScriptedSource('s'), batch('s', [HDFS[1]]));
    clock.advance(2_000);
    b.tick();
    expect(seen).toHaveLength(1);
    expect(seen[0].templateId).toBe(firstId);
    expect(seen[0].change).toBe('none');
  });

  it('keeps going when a detector throws, and counts it', async () => {
    const store = new MemoryStore();
    const bad = new ErrorDetector();
    bad.fail = true;
    const e = engine(store, [bad]);
    const src = new ScriptedSource('x');
    await e.process(src, batch('x', HDFS));
    expect(e.stats.errors).toBe(1);
    expect(e.errors[0]).toMatchObject({ component: 'test_errors', stage: 'processing', message: 'boom' });
    expect(src.acked).toHaveLength(1);
  });

  it('runs sources until they end, then flushes and acknowledges what was held', async () => {
    const store = new MemoryStore();
    const b1 = batch('r', HDFS.slice(0, 2));
    const b2 = batch('r', ['081109 204005 35 ERROR dfs.X: failed', '\tat a.b.C.d(C.java:1)'], ends(b1), 3);
    const src = new ScriptedSource('r', [b1, b2]);
    const e = new Engine({ sources: [src], detectors: [new ErrorDetector()], store, anomalies: store, clock: new ManualClock(0), parserOptions: () => ({ format: '<Date> <Time> <Pid> <Level> <Component>: <Content>' }), tickMs: 5 });
    const ac = new AbortController();
    const running = e.run(ac.signal);
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await running;
    // b1: all but its last line (held), b2: up to its start (the held line ended), then all at shutdown
    expect(src.acked.map((c) => c.offset)).toEqual([b1.records[1].offset, ends(b1), ends(b2)]);
    expect(store.anomalies.size).toBe(1);
    expect(store.parserStates.has('r')).toBe(true);
  });
});

describe('Engine: a large batch', () => {
  it('goes to the detectors in slices of at most 4,096 events, in order, with the parser saved once for the batch', async () => {
    const store = new MemoryStore();
    let saves = 0;
    const save = store.saveParserState.bind(store);
    store.saveParserState = (s, snap) => (saves++, save(s, snap));
    const seen: number[][] = [];
    const recorder = Object.assign(new ErrorDetector(), { observe: (events: readonly LogEvent[]) => (seen.push(events.map((e) => e.line ?? -1)), []) });
    const clock = new ManualClock(1_000);
    const e = engine(store, [recorder], clock);
    // Unique lines: new templates all along (each slice changes the parser).
    const lines = Array.from({ length: 10_000 }, (_, i) => `081109 2040${String(i % 60).padStart(2, '0')} 35 INFO dfs.DataNode: block blk_${i} word${i} w${i * 7}x ok`);
    await e.process(new ScriptedSource('hdfs'), { records: lines.map((text) => ({ source: 'hdfs', text, arrivalTs: 0 })) });
    expect(saves).toBe(1);
    // The last line may still be continued (multi-line) until the idle time passed.
    clock.advance(2_000);
    e.tick();
    const sizes = seen.map((s) => s.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(seen.flat()).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    expect(e.stats.events).toBe(10_000);
  });
});

describe('Engine: bounded record sources', () => {
  it('saves and drops the least recently used parser beyond maxSources, emits what it held, and restores it when its source returns', async () => {
    const store = new MemoryStore();
    const src = new ScriptedSource('clients');
    const engine = new Engine({ sources: [src], detectors: [], store, anomalies: store, clock: new ManualClock(0), maxSources: 2, parserOptions: () => ({ format: 'plain' }) });
    const send = (source: string, lines: string[]) => engine.process(src, { records: lines.map((text) => ({ source, text, arrivalTs: 0 })) });
    const templates = (source: string) => [...store.templates.values()].filter((t) => t.source === source);
    // Multi-line joining holds each source's last line until the next one shows it is complete.
    await send('a', ['user 1 logged in', 'user 2 logged in']);
    const tplA = templates('a').map((t) => t.templateId);
    expect(tplA).toHaveLength(1);
    await send('b', ['java.lang.IllegalStateException: boom']);
    await send('a', ['user 3 logged in']);
    await send('c', ['disk full on /data']); // third source: `b` is the least recently used
    expect(engine.stats.evictedSources).toBe(1);
    expect([...engine.streams()].map(([id]) => id).sort()).toEqual(['a', 'c']);
    // What `b` held was emitted (not lost) and its state saved.
    expect(templates('b').map((t) => t.count)).toEqual([1]);
    expect(store.loadParserState('b')).toBeDefined();
    // `a` goes next (its held line 3 is emitted), then `c`; `a` comes back with its saved miner.
    await send('b', ['java.lang.IllegalStateException: boom again']);
    await send('a', ['user 4 logged in', 'user 5 logged in']);
    expect(engine.stats.evictedSources).toBe(3);
    const after = templates('a');
    expect(after.map((t) => t.templateId)).toEqual(tplA);
    expect(after[0].count).toBe(4);
  });
});

describe('Engine when the store refuses writes (real SQLite, full)', () => {
  it('keeps processing, keeps found anomalies and holds acks until the store writes again; nothing lost or stored twice', async () => {
    const tmp = tmpDir();
    try {
      const clock = new ManualClock(1_700_000_000_000);
      const db = openDb(tmp.file(), { busyTimeoutMs: 100, now: clock.now() });
      const store = new Store(db, clock, {}, 100);
      const live: Anomaly[] = [];
      const e = new Engine({
        sources: [],
        detectors: [new ErrorDetector()],
        store,
        anomalies: store,
        clock,
        checkpointMs: 1_000,
        writes: store.writes,
        parserOptions: () => ({ format: '<Date> <Time> <Pid> <Level> <Component>: <Content>' }),
        onAnomalies: (a) => live.push(...a),
      });
      const src = new ScriptedSource('hdfs');
      const first = batch('hdfs', HDFS);
      await e.process(src, first);
      clock.advance(2_000);
      e.tick();
      const ackedBefore = src.acked.length;
      expect(ackedBefore).toBeGreaterThan(0);
      expect(e.storeWrites().failing).toBeNull();
      // The disk is full from here on: SQLite refuses to grow the file.
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      const errors = Array.from({ length: 300 }, (_, i) => `081109 2040${String(i % 60).padStart(2, '0')} 35 ERROR dfs.DataNode: disk failure number ${i} on /dev/sd${i}`);
      const second = batch('hdfs', errors, ends(first), HDFS.length + 1);
      await e.process(src, second);
      clock.advance(2_000);
      e.tick();
      const w = e.storeWrites();
      expect(w.failing).toBe('disk_full');
      expect(w.unstored).toBe(errors.length);
      expect(e.stats.events).toBe(HDFS.length + errors.length);
      // Nothing after the refused writes is acknowledged: a restart now would re-read the errors.
      expect(src.acked.length).toBe(ackedBefore);
      expect(live).toHaveLength(0);
      // Space again: the next checkpoint stores what waited, then acknowledges.
      db.pragma('max_page_count = 1073741823');
      clock.advance(2_000);
      e.tick();
      expect(e.storeWrites()).toMatchObject({ failing: null, unstored: 0 });
      expect(live).toHaveLength(errors.length);
      expect(new Set(live.map((a) => a.id)).size).toBe(errors.length);
      expect(store.queryAnomalies({ limit: 1000 }).anomalies).toHaveLength(errors.length);
      expect((src.acked.at(-1) as Cursor).offset).toBe(ends(second));
      // Template counts held through the refused writes: every line is counted once.
      expect(store.listTemplates({ limit: 1000 }).templates.reduce((n, t) => n + t.count, 0)).toBe(HDFS.length + errors.length);
      store.close();
    } finally {
      tmp.remove();
    }
  });

  it('as in a worker thread (anomalies stored elsewhere): template counts and state wait for the store; acks too', async () => {
    const tmp = tmpDir();
    try {
      const clock = new ManualClock(1_700_000_000_000);
      const db = openDb(tmp.file(), { busyTimeoutMs: 100, now: clock.now() });
      const store = new Store(db, clock, {}, 100);
      const e = new Engine({
        sources: [],
        detectors: [new ErrorDetector()],
        store,
        anomalies: null,
        clock,
        checkpointMs: 1_000,
        writes: store.writes,
        parserOptions: () => ({ format: '<Date> <Time> <Pid> <Level> <Component>: <Content>' }),
      });
      const src = new ScriptedSource('hdfs');
      const first = batch('hdfs', HDFS);
      await e.process(src, first);
      clock.advance(2_000);
      e.tick();
      expect(e.storeWrites().failing).toBeNull();
      const acked = src.acked.length;
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      // Lines of distinct words (letters, not masked): new templates, a larger parser state to save.
      const word = (i: number) => Array.from({ length: 4 }, (_, k) => String.fromCharCode(97 + ((i * (k + 7) + k * 3) % 26))).join('');
      const novel = Array.from({ length: 400 }, (_, i) => `081109 204005 35 INFO dfs.Novel${word(i)}: ${word(i)} ${word(i + 1)} ${word(i + 2)} ${'x'.repeat(200)}`);
      const b = batch('hdfs', novel, ends(first), HDFS.length + 1);
      await e.process(src, b);
      clock.advance(2_000);
      e.tick();
      expect(e.storeWrites().failing).toBe('disk_full');
      expect(src.acked).toHaveLength(acked);
      db.pragma('max_page_count = 1073741823');
      clock.advance(2_000);
      e.tick();
      expect(e.storeWrites().failing).toBeNull();
      expect((src.acked.at(-1) as Cursor).offset).toBe(ends(b));
      expect(store.listTemplates({ limit: 1000 }).templates.reduce((n, t) => n + t.count, 0)).toBe(HDFS.length + novel.length);
      store.close();
    } finally {
      tmp.remove();
    }
  });
});
