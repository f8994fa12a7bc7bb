import { describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { serveConfigSchema } from '../config/schema.js';
import { ManualClock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import type { RawBatch } from '../core/source.js';
import { BatchSource } from '../../test/harness/batch-source.js';
import { MemoryStore } from '../../test/harness/memory-store.js';
import { Engine } from './engine.js';
import { parserOptionsFor } from './parser-options.js';
import { floodWarnings } from './serve-checks.js';

/** Issue 17: a flood of random lines puts the source's miner in flood mode: logged once, counted, in health. */

let seed = 11;
const r = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const word = () => Array.from({ length: 7 }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');

function batch(source: string, lines: string[], first: number): RawBatch {
  return { records: lines.map((text, i) => ({ source, text, arrivalTs: 0, line: first + i })), cursor: { kind: 'file', id: source, offset: first + lines.length } };
}

function engine(floodGuard: boolean, logger: Logger): Engine {
  const store = new MemoryStore();
  const config = validate({ parser: { format: 'plain', flood_guard: floodGuard } }, serveConfigSchema);
  return new Engine({ sources: [], detectors: [], store, anomalies: store, clock: new ManualClock(1_000), parserOptions: () => parserOptionsFor(config, undefined), logger });
}

describe('Engine: a flood of new message types', () => {
  it('enters flood mode once (logged, counted, a health warning) and leaves it when the flood ends', async () => {
    const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = { debug() {}, error() {}, info: (msg, fields) => logs.push({ level: 'info', msg, fields }), warn: (msg, fields) => logs.push({ level: 'warn', msg, fields }) };
    const e = engine(true, logger);
    const src = new BatchSource('spam');
    const flood = Array.from({ length: 4000 }, () => Array.from({ length: 5 }, word).join(' '));
    for (let i = 0; i < flood.length; i += 500) await e.process(src, batch('spam', flood.slice(i, i + 500), i + 1));
    const on = e.flooding();
    expect(on).toHaveLength(1);
    expect(on[0]).toMatchObject({ source: 'spam', flooding: true, floodEntries: 1 });
    expect(on[0].overflowLines).toBeGreaterThan(2000);
    const w = floodWarnings(on);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain(`spam: flood of new message types — ${on[0].overflowLines} lines matched no template`);
    expect(logs.filter((l) => l.level === 'warn' && l.fields?.source === 'spam')).toHaveLength(1);
    const normal = Array.from({ length: 3000 }, (_, i) => `request ${i} served in ${i % 97} ms`);
    for (let i = 0; i < normal.length; i += 500) await e.process(src, batch('spam', normal.slice(i, i + 500), flood.length + i + 1));
    expect(e.flooding()).toHaveLength(0);
    const ended = logs.filter((l) => l.level === 'info' && l.msg.includes('flood'));
    expect(ended).toHaveLength(1);
    // The new type of the normal lines went to overflow until sampled: a few more lines than at the peak.
    const final = e.streamCounters()[0];
    expect(final).toMatchObject({ source: 'spam', flooding: false, floodEntries: 1 });
    expect(final.overflowLines).toBeLessThan((on[0].overflowLines ?? 0) + 100);
    expect(ended[0].fields).toMatchObject({ source: 'spam', overflowLines: final.overflowLines });
  });

  it('parser.flood_guard: false mines every line', async () => {
    const e = engine(false, { debug() {}, info() {}, warn() {}, error() {} });
    const src = new BatchSource('spam');
    const flood = Array.from({ length: 3000 }, () => Array.from({ length: 5 }, word).join(' '));
    for (let i = 0; i < flood.length; i += 500) await e.process(src, batch('spam', flood.slice(i, i + 500), i + 1));
    expect(e.flooding()).toHaveLength(0);
    const c = e.streamCounters()[0];
    expect(c).toMatchObject({ overflowLines: 0, floodEntries: 0 });
    expect(c.templates).toBeGreaterThan(2990);
  });

  it('names at most 10 flooding sources in health, then counts the rest', () => {
    const streams = Array.from({ length: 13 }, (_, i) => ({ source: `s${i}`, lines: 1, events: 1, unmatched: 0, templates: 1, evictedTemplates: 0, overflowLines: i, flooding: true }));
    const w = floodWarnings([...streams, { ...streams[0], source: 'calm', flooding: false }]);
    expect(w).toHaveLength(11);
    expect(w.some((x) => x.startsWith('calm'))).toBe(false);
    expect(w[10]).toBe('3 more sources are in flood mode (anomalog_miner_flooding).');
    // A Kafka worker (no /metrics) gives the same warnings without the metric names.
    const worker = floodWarnings(streams, { metrics: false });
    expect(worker[10]).toBe('3 more sources are in flood mode.');
    expect(worker.slice(0, 10)).toEqual(w.slice(0, 10).map((x) => x.replace('; see anomalog_miner_overflow_lines_total', '')));
  });
});
