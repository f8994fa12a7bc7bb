import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import type { Cursor, LogEvent } from '../core/event.js';
import type { RawBatch } from '../core/source.js';
import { BatchSource } from '../../test/harness/batch-source.js';
import { MemoryStore } from '../../test/harness/memory-store.js';
import { Engine } from './engine.js';

/** Issue 13: a zero-config source whose header changes mid-stream (a deploy) is followed, counted and logged. */

function batch(source: string, lines: string[], firstLine: number, offset: number): RawBatch {
  let at = offset;
  const records = lines.map((text, i) => {
    const r = { source, text, arrivalTs: 0, line: firstLine + i, offset: at };
    at += Buffer.byteLength(text) + 1;
    return r;
  });
  return { records, cursor: { kind: 'file', id: source, offset: at } };
}

describe('Engine, zero config: a layout change mid-stream', () => {
  it('logs the change once with the old and new layout, and parses the new lines with the new layout', async () => {
    const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (msg, fields) => warnings.push({ msg, fields }) };
    const seen: LogEvent[] = [];
    const store = new MemoryStore();
    const clock = new ManualClock(1_000);
    const e = new Engine({
      sources: [],
      detectors: [{ kind: 'spy', observe: (ev) => (seen.push(...ev), []), tick: () => [], snapshot: () => ({ kind: 'spy', version: 1, data: null }), restore: () => {} }],
      store,
      anomalies: store,
      clock,
      // No format: detected and inferred, as `serve --file` does by default.
      parserOptions: () => ({}),
      logger,
    });
    const pad = (n: number): string => String(n % 60).padStart(2, '0');
    const before = Array.from({ length: 300 }, (_, i) => `2024-05-01 10:00:${pad(i)} INFO api: served request ${i}`);
    const after = Array.from({ length: 1100 }, (_, i) => `[2024-05-01T11:00:${pad(i)}Z] [warn] (worker-${i % 4}) cache ${i} evicted`);
    const src = new BatchSource('svc');
    const b1 = batch('svc', before, 1, 0);
    await e.process(src, b1);
    await e.process(src, batch('svc', after, before.length + 1, (b1.cursor as Cursor & { offset: number }).offset));
    clock.advance(10_000);
    e.tick();
    const changes = warnings.filter((w) => w.msg.includes('layout'));
    expect(changes).toHaveLength(1);
    expect(changes[0].fields).toMatchObject({ source: 'svc', from: '<Date> <Time> <Level> <Component>: <Content>', to: '\\[<Timestamp>\\] \\[<Level>\\] <Content>' });
    expect(changes[0].fields?.line).toBeGreaterThan(before.length);
    const last = seen[seen.length - 1];
    expect(last.template).toBe('(<ID>) cache <NUM> evicted');
    expect(last.level).toBe('warn');
  });
});
