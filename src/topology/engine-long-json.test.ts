import { describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { serveConfigSchema } from '../config/schema.js';
import { ManualClock } from '../core/clock.js';
import type { Source } from '../core/source.js';
import { bigWords, heapInUse } from '../../test/harness/heap.js';
import { MemoryStore } from '../../test/harness/memory-store.js';
import { Engine } from './engine.js';
import { parserOptionsFor } from './parser-options.js';

const source: Source = { id: 'http#0', run: async () => {}, ack() {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };

describe('Engine: megabyte JSON records on a new source (issue 17)', () => {
  it('reads them as JSON, and keeps neither their messages nor their text, in memory or in the saved parser state', async () => {
    const config = validate({}, serveConfigSchema);
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStore();
    const engine = new Engine({ sources: [source], detectors: [], store, anomalies: store, clock, parserOptions: () => parserOptionsFor(config, undefined), checkpointMs: 1000 });
    const before = heapInUse();
    for (let i = 0; i < 20; i++) {
      // What an HTTP source hands on for an NDJSON object under max_line_bytes: valid JSON, one MiB.
      const text = JSON.stringify({ level: 'error', message: bigWords(1 << 20, i + 1) });
      await engine.process(source, { records: [{ source: 'fresh', text, arrivalTs: clock.now() }] });
      clock.advance(300);
      // Checkpoints in between save the parser's state (a new source's is saved while its format is learned).
      if (i % 3 === 2) engine.tick();
    }
    // Idle: the records held for format detection are parsed, and the state saved.
    clock.advance(2000);
    engine.tick();
    engine.tick();
    const mib = (heapInUse() - before) / 2 ** 20;
    const parser = [...engine.streams()][0][1];
    expect(parser.formatSpec).toEqual({ kind: 'json' });
    expect(engine.stats.events).toBe(20);
    // The message layout's learning sample held the 20 messages (20 MiB), and each saved state again.
    expect(mib).toBeLessThan(8);
    expect(JSON.stringify(store.parserStates.get('fresh')).length).toBeLessThan(256 * 1024);
  });
});
